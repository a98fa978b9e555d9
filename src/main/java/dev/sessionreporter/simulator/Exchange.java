package dev.sessionreporter.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request while the simulator answers it: what arrived, what the checks found and the answer they chose. Turned
 * into a {@link ReceivedRequest} once the answer is known.
 */
final class Exchange {
    private static final String SERVICES88_NS = Services88.NS;

    final Instant receivedAt = Instant.now();
    String method;
    String path;
    String httpVersion;
    Map<String, List<String>> headers;
    String body;
    String envelopeNamespace;
    String soapAction;
    String applicationToken;
    String ticket;
    Integer timeZoneId;
    String sessionKey;
    boolean headersInsideSoapHeader;
    /** A login endpoint (SoPrincipal, PartnerSystemUser, JWKS): recorded apart, subject to login outages. */
    boolean authentication;
    SoapOperation operation;
    // outcome
    Answer answer;
    String rejectionReason;
    boolean succeeded;
    int response;
    Duration delay = Duration.ZERO;

    Exchange reject(Answer answer, String reason) {
        this.answer = answer;
        this.rejectionReason = reason;
        return this;
    }

    /** First value of a request header (name lower-case), or null. */
    String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    ReceivedRequest toRequest() {
        return new ReceivedRequest(method, path, httpVersion, headers, body, envelopeNamespace, soapAction,
                applicationToken, ticket, timeZoneId, sessionKey, headersInsideSoapHeader,
                answer.drop() ? 0 : answer.status(), rejectionReason, receivedAt);
    }

    /**
     * Lenient pass that records token, ticket, time zone and session key wherever they were put (inside
     * {@code Header} or, wrongly, directly under {@code Envelope}), so rejected requests are recorded fully.
     */
    void noteSentValues(SimXml.Node envelope) {
        boolean inside = false;
        boolean outside = false;
        for (SimXml.Node child : envelope.children) {
            if (child.localName.equals("Header") && child.namespace.equals(envelope.namespace)) {
                for (SimXml.Node entry : child.children) {
                    inside |= noteHeader(entry);
                }
            } else if (child.localName.equals("Body") && child.namespace.equals(envelope.namespace)) {
                for (SimXml.Node operationElement : child.children) {
                    if (operationElement.localName.equals("ReportSessionActive")) {
                        for (SimXml.Node parameter : operationElement.children) {
                            if (parameter.localName.equals("SessionKey") && sessionKey == null) {
                                sessionKey = parameter.isNil() ? null : parameter.text();
                            }
                        }
                    }
                }
            } else {
                outside |= noteHeader(child);
            }
        }
        headersInsideSoapHeader = inside && !outside;
    }

    private boolean noteHeader(SimXml.Node entry) {
        if (!entry.namespace.equals(SERVICES88_NS)) {
            return false;
        }
        switch (entry.localName) {
            case "ApplicationToken" -> {
                if (applicationToken == null && !entry.isNil()) {
                    applicationToken = entry.text();
                }
                return true;
            }
            case "Credentials" -> {
                for (SimXml.Node t : entry.childrenNamed(SERVICES88_NS, "Ticket")) {
                    if (ticket == null && !t.isNil()) {
                        ticket = t.text();
                    }
                }
                return true;
            }
            case "TimeZone" -> {
                for (SimXml.Node id : entry.childrenNamed(SERVICES88_NS, "SoTimeZoneId")) {
                    try {
                        if (timeZoneId == null && !id.isNil()) {
                            timeZoneId = Integer.valueOf(id.text().strip());
                        }
                    } catch (NumberFormatException ignored) {
                        // reported by the operation formatter's header check
                    }
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }
}
