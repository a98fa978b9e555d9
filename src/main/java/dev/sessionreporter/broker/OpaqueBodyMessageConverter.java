package dev.sessionreporter.broker;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jms.support.converter.MessageConversionException;
import org.springframework.jms.support.converter.MessageConverter;

/**
 * Maps JMS message bodies for the reporter's {@code jms} component. Text, bytes and map messages become a
 * {@code String}, a {@code byte[]} and a {@code Map}, as camel-jms maps them by default. Object and stream messages (and
 * a text message without text) are never read: an {@link ObjectMessage} is never deserialised, and the body is the
 * received JMS message itself. The
 * reporter rejects such a body as invalid input, and the dead-letter endpoint forwards the received message unchanged
 * (same type, same payload), so it cannot fail in deserialisation or stream caching and loop through redeliveries.
 * <p>
 * Sending maps back: {@code String} to a text message, {@code byte[]} to a bytes message, {@code Map} to a map message,
 * a received JMS message to that message again (its properties are then set from the exchange headers), no body to a
 * message without body.
 */
public class OpaqueBodyMessageConverter implements MessageConverter {

    @Override
    public Object fromMessage(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            // a text message without text stays one: passed on unread, like the types below (as null it was sent on
            // as a message without body)
            String body = text.getText();
            return body != null ? body : message;
        }
        if (message instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return body;
        }
        if (message instanceof MapMessage map) {
            Map<String, Object> body = new LinkedHashMap<>();
            for (Object name : Collections.list(map.getMapNames())) {
                body.put((String) name, map.getObject((String) name));
            }
            return body;
        }
        if (message instanceof ObjectMessage || message instanceof StreamMessage) {
            return message;
        }
        return null;
    }

    @Override
    public Message toMessage(Object body, Session session) throws JMSException {
        if (body == null) {
            return session.createMessage();
        }
        if (body instanceof String text) {
            return session.createTextMessage(text);
        }
        if (body instanceof byte[] bytes) {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(bytes);
            return message;
        }
        if (body instanceof Map<?, ?> map) {
            MapMessage message = session.createMapMessage();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                message.setObject(String.valueOf(entry.getKey()), entry.getValue());
            }
            return message;
        }
        if (body instanceof Message received) {
            // The properties of a received message are read-only until cleared; camel-jms sets them again from the
            // exchange headers, which carry the original properties. The body is sent as it was received, without
            // the sender's reply-to: what the reporter sends on asks for no answer.
            received.clearProperties();
            received.setJMSReplyTo(null);
            return received;
        }
        throw new MessageConversionException("Cannot send a body of type " + body.getClass().getName()
                + " as a JMS message: expected text, bytes, a map or a received JMS message");
    }
}
