package dev.sessionreporter.soap;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Locale;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.http.HTTPException;

/**
 * CXF reads every HTTP 500 answer as a SOAP fault; a proxy's or IIS's HTML error page then surfaces as "unexpected
 * text/html content", losing the status. This interceptor turns an error status whose body is not XML into an
 * {@link HTTPException} carrying the status, so it is classified as an HTTP error like any other. A redirect, which
 * is not followed (the token and ticket would travel to another address), becomes one too, naming only the host it
 * points to: CXF would otherwise parse its empty body as a broken SOAP answer.
 */
final class NonSoapErrorStatusInterceptor extends AbstractPhaseInterceptor<Message> {

    NonSoapErrorStatusInterceptor() {
        super(Phase.RECEIVE);
    }

    @Override
    public void handleMessage(Message message) {
        Object status = message.get(Message.RESPONSE_CODE);
        if (status instanceof Integer code && code >= 300 && code < 400) {
            throw new Fault(new HTTPException(code, "redirect to " + redirectHost(message) + ", not followed",
                    address(message)));
        }
        if (!(status instanceof Integer code) || code < 400) {
            return;
        }
        String contentType = String.valueOf(message.get(Message.CONTENT_TYPE)).toLowerCase(Locale.ROOT);
        if (!contentType.contains("xml")) {
            throw new Fault(new HTTPException(code, "non-SOAP answer (" + contentType + ")", address(message)));
        }
    }

    /** The host of the Location header (resolved against our address), never its path or query. */
    private static String redirectHost(Message message) {
        List<String> locations = ProtocolHeaders.values(message, "Location");
        if (locations.isEmpty()) {
            return "nowhere (no Location header)";
        }
        String location = locations.get(0).strip();
        try {
            Object ours = endpointAddress(message);
            URI target = ours == null ? URI.create(location) : URI.create(ours.toString()).resolve(location);
            return target.getHost() == null ? "an unreadable Location" : target.getHost();
        } catch (IllegalArgumentException e) {
            return "an unreadable Location";
        }
    }

    private static Object endpointAddress(Message message) {
        return message.getExchange() == null ? null
                : message.getExchange().getOutMessage() == null ? null
                : message.getExchange().getOutMessage().get(Message.ENDPOINT_ADDRESS);
    }

    private static URL address(Message message) {
        Object address = endpointAddress(message);
        try {
            return address == null ? null : URI.create(address.toString()).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            return null;
        }
    }
}
