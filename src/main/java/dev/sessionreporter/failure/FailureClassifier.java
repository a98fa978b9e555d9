package dev.sessionreporter.failure;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.xml.stream.XMLStreamException;
import org.apache.camel.Exchange;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.transport.http.HTTPException;

/**
 * Maps whatever a report failed with to a {@link FailureReason} and decides whether it is worth retrying. Transient, by
 * type (anywhere in the cause chain), are only:
 * <ul>
 * <li>HTTP 408, 429, 502, 503, 504;</li>
 * <li>no connection: {@link SocketException} (refused, reset, no route, "unexpected end of file"), {@link EOFException},
 * and {@link UnknownHostException} (the resolver cannot tell a typo from a DNS outage; the detail names the host);</li>
 * <li>timeouts: {@link SocketTimeoutException} and {@link HttpTimeoutException}, a connect timeout when it happened while
 * sending ({@link RequestNotSentException}) or is a {@link HttpConnectTimeoutException}, else a receive timeout;</li>
 * <li>a TLS handshake cut by the peer or a load balancer: an {@link SSLException} caused by a {@link SocketException}
 * or {@link EOFException}, with no certificate failure in the chain.</li>
 * </ul>
 * Everything else is permanent and dead-lettered at once: TLS certificate, path and hostname failures and any other
 * failure to send the request ({@link FailureReason#UNREACHABLE}), an HTTP head the client refuses from a server that is
 * up ({@link ProtocolException}, e.g. oversized headers: {@link FailureReason#INVALID_ANSWER}, which the circuit breaker
 * and readiness take as an answer), any other I/O failure such as an answer that is not HTTP or an encoding error
 * ({@link FailureReason#UNEXPECTED_ERROR}), SOAP faults, unreadable answers and other HTTP statuses.
 */
public class FailureClassifier {
    private static final Set<Integer> TRANSIENT_HTTP_STATUSES = Set.of(408, 429, 502, 503, 504);

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
            // the Kamelet's verdict (a rejected ticket that a login replaces is worth trying again), in the words of
            // the failure of ours it carries, if any: the dead letter's detail is the answer's, not a host's hint
            ReportFailedException own = Causes.findLast(failure, ReportFailedException.class);
            return new Classification(reported.reason(), reported.isTransient(), own.detail());
        }
        HTTPException http = Causes.find(failure, HTTPException.class);
        if (http != null) {
            int status = http.getResponseCode();
            return new Classification(FailureReason.HTTP_ERROR, TRANSIENT_HTTP_STATUSES.contains(status),
                    "HTTP " + status + (http.getResponseMessage() == null ? "" : " " + http.getResponseMessage()));
        }
        SSLException tls = Causes.find(failure, SSLException.class);
        if (tls != null) {
            return classifyTls(tls);
        }
        if (Causes.find(failure, HttpConnectTimeoutException.class) != null) {
            return new Classification(FailureReason.UNREACHABLE, true, "connect timed out");
        }
        if (Causes.find(failure, SocketTimeoutException.class) != null
                || Causes.find(failure, HttpTimeoutException.class) != null) {
            return Causes.find(failure, RequestNotSentException.class) != null
                    ? new Classification(FailureReason.UNREACHABLE, true, "connect timed out")
                    : new Classification(FailureReason.TIMEOUT, true, deadlineMissed(failure));
        }
        UnknownHostException unknownHost = Causes.findLast(failure, UnknownHostException.class);
        if (unknownHost != null) {
            return new Classification(FailureReason.UNREACHABLE, true, "unknown host " + unknownHost.getMessage());
        }
        IOException connection = Causes.find(failure, SocketException.class);
        if (connection == null) {
            connection = Causes.find(failure, EOFException.class);
        }
        if (connection != null) {
            return new Classification(FailureReason.UNREACHABLE, true, describe(connection));
        }
        RequestNotSentException notSent = Causes.find(failure, RequestNotSentException.class);
        if (notSent != null) {
            // e.g. a hostname that does not match the certificate (CXF reports it as a plain IOException)
            return new Classification(FailureReason.UNREACHABLE, false, "request not sent, not retried: "
                    + (notSent.getCause() instanceof IOException cause ? describe(cause) : describe(notSent)));
        }
        // the original, not CXF's copy, whose message names the whole address
        ProtocolException protocol = Causes.findLast(failure, ProtocolException.class);
        if (protocol != null) {
            // the server is up and sent an HTTP head the client refuses, e.g. headers over the JDK's size limit
            return new Classification(FailureReason.INVALID_ANSWER, false,
                    "malformed HTTP answer, not retried: " + describe(protocol));
        }
        IOException io = Causes.find(failure, IOException.class);
        if (io != null) {
            // e.g. an answer that is not HTTP ("Invalid Http response") or an encoding error
            return new Classification(FailureReason.UNEXPECTED_ERROR, false, "I/O error, not retried: " + describe(io));
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

    /**
     * A certificate, path or hostname failure does not heal by retrying; a handshake that the peer or a load balancer
     * cut (reset, end of stream) does. Any other TLS failure (no common protocol or cipher, an alert, plain HTTP on
     * the TLS port) is a configuration problem: permanent.
     */
    private static Classification classifyTls(SSLException tls) {
        boolean certificate = Causes.find(tls, SSLPeerUnverifiedException.class) != null
                || Causes.find(tls, GeneralSecurityException.class) != null;
        boolean cut = Causes.find(tls, SocketException.class) != null || Causes.find(tls, EOFException.class) != null;
        if (!certificate && cut) {
            return new Classification(FailureReason.UNREACHABLE, true, "TLS handshake cut: " + rootMessage(tls));
        }
        return new Classification(FailureReason.UNREACHABLE, false,
                (certificate ? "TLS certificate not accepted: " : "TLS failure: ") + rootMessage(tls));
    }

    /** The call's own deadline names its setting; a JDK read timeout says what it can. */
    private static String deadlineMissed(Throwable failure) {
        CallDeadlineException deadline = Causes.find(failure, CallDeadlineException.class);
        return deadline != null ? deadline.getMessage() : "no answer within the receive timeout";
    }

    private static String describe(IOException io) {
        return io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage());
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = Causes.root(failure);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
