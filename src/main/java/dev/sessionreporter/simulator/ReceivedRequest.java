package dev.sessionreporter.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request the {@link CustomerServiceSimulator} received, accepted or not.
 *
 * <p>Fields the simulator could not determine (e.g. the SOAP fields of a request with malformed XML) are {@code null}.
 * {@code applicationToken}, {@code ticket} and {@code sessionKey} are recorded as sent, even when the request was
 * rejected because they sat in the wrong place (e.g. directly under {@code Envelope}); {@code null} when absent or
 * {@code xsi:nil}. {@code toString()} masks the secrets.
 *
 * @param httpHeaders            request headers, names lower-cased, values in arrival order
 * @param body                   the request body decoded as UTF-8
 * @param soapEnvelopeNamespace  namespace of the root {@code Envelope} element
 * @param soapAction             raw {@code SOAPAction} header value (with its quotes), {@code null} when absent
 * @param headersInsideSoapHeader true when at least one of ApplicationToken/Credentials/TimeZone was sent inside
 *                                {@code soap:Header} and none directly under {@code Envelope}
 * @param responseStatus         the HTTP status answered (0 when the connection was dropped on purpose)
 * @param rejectionReason        why the request was not answered with {@code Succeeded=true}; {@code null} when it
 *                               was (including {@code Response=0} for an unknown session key)
 * @param receivedAt             when the simulator had read the request (system clock), e.g. to see a client's back-off
 */
public record ReceivedRequest(String method, String path, String httpVersion,
        Map<String, List<String>> httpHeaders, String body,
        String soapEnvelopeNamespace, String soapAction,
        String applicationToken, String ticket, Integer timeZoneId, String sessionKey,
        boolean headersInsideSoapHeader, int responseStatus, String rejectionReason, Instant receivedAt) {

    public ReceivedRequest {
        httpHeaders = httpHeaders == null ? Map.of() : httpHeaders;
    }

    /** First value of an HTTP request header (name case-insensitive), or {@code null}. */
    public String httpHeader(String name) {
        List<String> values = httpHeaders.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** All values of an HTTP request header (name case-insensitive). */
    public List<String> httpHeaderValues(String name) {
        List<String> values = httpHeaders.get(name.toLowerCase(Locale.ROOT));
        return values == null ? List.of() : values;
    }

    /** True when answered HTTP 200 with {@code Succeeded=true}. */
    public boolean accepted() {
        return rejectionReason == null && responseStatus == 200;
    }

    @Override
    public String toString() {
        return "ReceivedRequest[method=" + method + ", path=" + path + ", httpVersion=" + httpVersion
                + ", soapEnvelopeNamespace=" + soapEnvelopeNamespace + ", soapAction=" + soapAction
                + ", applicationToken=" + (applicationToken == null ? null : "***")
                + ", ticket=" + (ticket == null ? null : "***")
                + ", timeZoneId=" + timeZoneId
                + ", sessionKey=" + mask(sessionKey)
                + ", headersInsideSoapHeader=" + headersInsideSoapHeader
                + ", responseStatus=" + responseStatus + ", rejectionReason=" + rejectionReason
                + ", receivedAt=" + receivedAt + "]";
    }

    /** First 4 characters of a session key and an ellipsis; never the whole key. */
    static String mask(String sessionKey) {
        if (sessionKey == null) {
            return "null";
        }
        return (sessionKey.length() <= 4 ? "" : sessionKey.substring(0, 4)) + "…";
    }
}
