package dev.sessionreporter.broker;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.trait.message.MessageTrait;

/**
 * The first step of the {@code session-reporter-queue-trigger} route: replaces camel-jms's message with a plain Camel message holding
 * the same body, headers and redelivery flag. The route copies its message several times per key (the circuit breaker
 * works on a copy, the SOAP answer is a new message) and every copy of a camel-jms message reads the JMS message again
 * (message id, headers, properties) for nothing. The original JMS message is not
 * lost: the unit of work keeps its own copy for the dead-letter endpoint ({@code useOriginalMessage}), and the JMS
 * transaction is bound to the consumer's thread, not to the message.
 */
public class DetachedQueueMessage {

    public void detach(Exchange exchange) {
        Message jms = exchange.getIn();
        DefaultMessage plain = new DefaultMessage(exchange);
        plain.setMessageId(jms.getMessageId());
        plain.setBody(jms.getBody());
        plain.getHeaders().putAll(jms.getHeaders());
        if (jms.hasTrait(MessageTrait.REDELIVERY)) {
            plain.setPayloadForTrait(MessageTrait.REDELIVERY, jms.getPayloadForTrait(MessageTrait.REDELIVERY));
        }
        exchange.setIn(plain);
    }
}
