package dev.sessionreporter.failure;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Set;
import javax.xml.stream.XMLStreamException;
import org.apache.camel.Exchange;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.transport.http.HTTPException;

/**
 * Maps whatever a report failed with to a {@link FailureReason} and decides whether it is worth retrying: connection
 * failures, timeouts and HTTP 429 (throttled), 502/503/504 are transient; everything else is permanent and is
 * dead-lettered at once.
 */
public class FailureClassifier {
    private static final Set<Integer> TRANSIENT_HTTP_STATUSES = Set.of(429, 502, 503, 504);

    /** A classified failure; {@code detail} may contain text from the server and must be redacted before display. */
    public record Classification(FailureReason reason, boolean transientFailure, String detail) {
    }

    /** Used by the route configuration's {@code onWhen}: should this failure be retried? */
    public boolean isTransient(Exchange exchange) {
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        return failure != null && classify(failure).transientFailure();
    }

    public Classification classify(Throwable failure) {
        ReportFailedException reported = Causes.find(failure, ReportFailedException.class);
        if (reported != null) {
            return new Classification(reported.reason(), reported.isTransient(), reported.getMessage());
        }
        HTTPException http = Causes.find(failure, HTTPException.class);
        if (http != null) {
            int status = http.getResponseCode();
            return new Classification(FailureReason.HTTP_ERROR, TRANSIENT_HTTP_STATUSES.contains(status),
                    "HTTP " + status + (http.getResponseMessage() == null ? "" : " " + http.getResponseMessage()));
        }
        javax.net.ssl.SSLException tls = Causes.find(failure, javax.net.ssl.SSLException.class);
        if (tls != null) {
            // an untrusted certificate or a failed handshake does not heal by retrying
            return new Classification(FailureReason.UNREACHABLE, false, "TLS: " + rootMessage(failure));
        }
        HttpConnectTimeoutException connectTimeout = Causes.find(failure, HttpConnectTimeoutException.class);
        if (connectTimeout != null) {
            return new Classification(FailureReason.UNREACHABLE, true, "connect timed out");
        }
        IOException timeout = Causes.find(failure, SocketTimeoutException.class);
        if (timeout == null) {
            timeout = Causes.find(failure, HttpTimeoutException.class);
        }
        if (timeout != null) {
            boolean connecting = String.valueOf(timeout.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
            return connecting
                    ? new Classification(FailureReason.UNREACHABLE, true, "connect timed out")
                    : new Classification(FailureReason.TIMEOUT, true, "no answer within the receive timeout");
        }
        IOException io = Causes.find(failure, IOException.class);
        if (io != null) {
            return new Classification(FailureReason.UNREACHABLE, true,
                    io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage()));
        }
        // After the I/O checks: CXF also wraps a refused connection in a client-side SoapFault.
        SoapFault fault = Causes.find(failure, SoapFault.class);
        if (fault != null) {
            return new Classification(FailureReason.SOAP_FAULT, false,
                    "SOAP fault " + fault.getFaultCode().getLocalPart() + ": " + fault.getMessage());
        }
        XMLStreamException xml = Causes.find(failure, XMLStreamException.class);
        if (xml != null || failure instanceof org.apache.cxf.interceptor.Fault) {
            return new Classification(FailureReason.SOAP_FAULT, false, "unreadable answer: " + rootMessage(failure));
        }
        return new Classification(FailureReason.UNEXPECTED_ERROR, false,
                failure.getClass().getName() + ": " + rootMessage(failure));
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = Causes.root(failure);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
