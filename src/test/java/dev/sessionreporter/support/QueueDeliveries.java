package dev.sessionreporter.support;

import jakarta.jms.JMSException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Records every delivery of a JMS message to the {@code session-reporter-queue-trigger} route — its JMS message id, the broker's
 * delivery count and how the exchange ended — so a test can prove a message was consumed exactly once and committed,
 * not rolled back and redelivered.
 */
public final class QueueDeliveries extends EventNotifierSupport {
    private static final String ROUTE = "session-reporter-queue-trigger";

    /** One delivery: {@code outcome} is null while in flight, then "completed" (committed) or "failed" (rolled back). */
    public record Delivery(String jmsMessageId, int deliveryCount, boolean redelivered, String outcome) {
    }

    private final List<String> exchangeIds = new CopyOnWriteArrayList<>();
    private final Map<String, Delivery> byExchangeId = new ConcurrentHashMap<>();

    public static QueueDeliveries attachTo(CamelContext context) {
        QueueDeliveries deliveries = new QueueDeliveries();
        context.getManagementStrategy().addEventNotifier(deliveries);
        ServiceHelper.startService(deliveries);
        return deliveries;
    }

    public void detachFrom(CamelContext context) {
        context.getManagementStrategy().removeEventNotifier(this);
        ServiceHelper.stopService(this);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCreatedEvent || event instanceof CamelEvent.ExchangeCompletedEvent
                || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) throws JMSException {
        Exchange exchange = ((ExchangeEvent) event).getExchange();
        if (!ROUTE.equals(exchange.getFromRouteId())) {
            return;
        }
        String id = exchange.getExchangeId();
        // a correlated copy (the circuit breaker EIP processes in one) is not a delivery; its properties are copied
        // back to the original later, so only creation is filtered, completion is matched by exchange id
        if (event instanceof CamelEvent.ExchangeCreatedEvent && exchange.getProperty(Exchange.CORRELATION_ID) == null) {
            if (exchange.getIn() instanceof JmsMessage in && in.getJmsMessage() != null) {
                var message = in.getJmsMessage();
                byExchangeId.put(id, new Delivery(message.getJMSMessageID(), message.getIntProperty("JMSXDeliveryCount"),
                        message.getJMSRedelivered(), null));
                exchangeIds.add(id);
            }
            return;
        }
        if (event instanceof CamelEvent.ExchangeCreatedEvent) {
            return;
        }
        String outcome = event instanceof CamelEvent.ExchangeFailedEvent ? "failed" : "completed";
        byExchangeId.computeIfPresent(id, (key, delivery) -> new Delivery(delivery.jmsMessageId(),
                delivery.deliveryCount(), delivery.redelivered(), outcome));
    }

    /** Every delivery of the message with this JMS message id, in arrival order. */
    public List<Delivery> of(String jmsMessageId) {
        return exchangeIds.stream().map(byExchangeId::get)
                .filter(delivery -> delivery.jmsMessageId().equals(jmsMessageId)).toList();
    }

    /** Every delivery recorded so far, in arrival order. */
    public List<Delivery> all() {
        return exchangeIds.stream().map(byExchangeId::get).toList();
    }
}
