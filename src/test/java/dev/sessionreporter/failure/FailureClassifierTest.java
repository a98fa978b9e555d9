package dev.sessionreporter.failure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.FailureClassifier.Classification;
import dev.sessionreporter.kamelet.SessionActiveFailedException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.MalformedInputException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLStreamException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.transport.http.HTTPException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FailureClassifierTest {

    private static final QName SOAP11_SERVER = new QName("http://schemas.xmlsoap.org/soap/envelope/", "Server");

    private static CamelContext camel;

    private final FailureClassifier classifier = new FailureClassifier();

    @BeforeAll
    static void createCamelContext() {
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void closeCamelContext() throws Exception {
        camel.close();
    }

    // ---------------------------------------------------------------- ReportFailedException

    @ParameterizedTest
    @EnumSource(FailureReason.class)
    void keepsReasonOfReportFailedExceptionAndNeverRetriesIt(FailureReason reason) {
        Classification c = classifier.classify(new ReportFailedException(reason, "safe detail"));

        assertThat(c.reason()).isEqualTo(reason);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).isEqualTo("safe detail");
    }

    @Test
    void theKameletsFailureKeepsItsVerdictWithTheDetailOfItsOwnCauseOrItsDetailWithoutTheReasonInFront() {
        CredentialsRejectedException rejected = new CredentialsRejectedException("Succeeded=false: SoCredentialsException: x");
        // worth trying again (a login replaces the ticket), in the words of the rejection it carries
        Classification withCause = classifier.classify(new SessionActiveFailedException(FailureReason.SERVER_REJECTED,
                "credentials rejected, a new ticket is taken on the next call: Succeeded=false: ...", true, rejected));
        Classification ofNetwork = classifier.classify(new SessionActiveFailedException(FailureReason.UNREACHABLE,
                "ConnectException: Connection refused", true, null));

        assertThat(withCause).isEqualTo(new Classification(FailureReason.SERVER_REJECTED, true,
                "Succeeded=false: SoCredentialsException: x"));
        assertThat(ofNetwork).isEqualTo(new Classification(FailureReason.UNREACHABLE, true,
                "ConnectException: Connection refused"));
    }

    @Test
    void keepsReasonOfReportFailedExceptionWrappedByCamel() {
        ReportFailedException cause = new ReportFailedException(FailureReason.SESSION_NOT_FOUND, "Response=0");

        Classification c = classifier.classify(new RuntimeCamelException(cause));

        assertThat(c.reason()).isEqualTo(FailureReason.SESSION_NOT_FOUND);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).isEqualTo("Response=0");
    }

    // ---------------------------------------------------------------- HTTP status

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 502, 503, 504})
    void classifiesGatewayAndUnavailableStatusesAsTransientHttpError(int status) {
        Classification c = classifier.classify(http(status, "Bad Gateway or so"));

        assertThat(c.reason()).isEqualTo(FailureReason.HTTP_ERROR);
        assertThat(c.transientFailure()).isTrue();
        assertThat(c.detail()).startsWith("HTTP " + status);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 502, 503, 504})
    void classifiesTransientHttpStatusWrappedInCxfFault(int status) {
        Classification c = classifier.classify(new Fault(http(status, "Service Unavailable")));

        assertThat(c.reason()).isEqualTo(FailureReason.HTTP_ERROR);
        assertThat(c.transientFailure()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 415, 500, 501})
    void classifiesOtherStatusesAsPermanentHttpError(int status) {
        Classification c = classifier.classify(http(status, "Whatever"));

        assertThat(c.reason()).isEqualTo(FailureReason.HTTP_ERROR);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).isEqualTo("HTTP " + status + " Whatever");
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 500})
    void classifiesPermanentHttpStatusWrappedInCxfFault(int status) {
        Classification c = classifier.classify(new Fault(http(status, "Not Found")));

        assertThat(c.reason()).isEqualTo(FailureReason.HTTP_ERROR);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).isEqualTo("HTTP " + status + " Not Found");
    }

    @Test
    void describesHttpErrorWithoutResponseMessage() {
        assertThat(classifier.classify(http(503, null)).detail()).isEqualTo("HTTP 503");
    }

    // ---------------------------------------------------------------- connection problems and timeouts

    @Test
    void classifiesConnectExceptionWrappedInFaultAsTransientUnreachable() {
        Classification c = classifier.classify(new Fault(new ConnectException("Connection refused")));

        assertThat(c.reason()).isEqualTo(FailureReason.UNREACHABLE);
        assertThat(c.transientFailure()).isTrue();
        assertThat(c.detail()).contains("ConnectException").contains("Connection refused");
    }

    @Test
    void classifiesOtherSocketProblemsAsTransientUnreachable() {
        assertThat(classifier.classify(new Fault(new SocketException("Connection reset"))))
                .extracting(Classification::reason, Classification::transientFailure)
                .containsExactly(FailureReason.UNREACHABLE, true);
        assertThat(classifier.classify(new UnknownHostException("sod.superoffice.invalid")))
                .extracting(Classification::reason, Classification::transientFailure)
                .containsExactly(FailureReason.UNREACHABLE, true);
        assertThat(classifier.classify(new NoRouteToHostException("No route to host")))
                .extracting(Classification::reason, Classification::transientFailure)
                .containsExactly(FailureReason.UNREACHABLE, true);
    }

    @Test
    void classifiesReadTimeoutAsTransientTimeout() {
        Classification c = classifier.classify(new SocketTimeoutException("Read timed out"));

        assertThat(c.reason()).isEqualTo(FailureReason.TIMEOUT);
        assertThat(c.transientFailure()).isTrue();
    }

    @Test
    void classifiesReadTimeoutWrappedInFaultAsTransientTimeout() {
        Classification c = classifier.classify(new Fault(new SocketTimeoutException("Read timed out")));

        assertThat(c.reason()).isEqualTo(FailureReason.TIMEOUT);
        assertThat(c.transientFailure()).isTrue();
    }

    @Test
    void aMissedCallDeadlineIsATransientTimeoutNamingTheSetting() {
        Classification c = classifier.classify(new Fault(new javax.xml.stream.XMLStreamException(
                new CallDeadlineException(2000))));

        assertThat(c).extracting(Classification::reason, Classification::transientFailure)
                .containsExactly(FailureReason.TIMEOUT, true);
        assertThat(c.detail()).isEqualTo("no complete answer within 2000 ms (superoffice.receive-timeout)");
    }

    @Test
    void classifiesSocketTimeoutWithoutMessageAsTimeout() {
        assertThat(classifier.classify(new SocketTimeoutException()).reason()).isEqualTo(FailureReason.TIMEOUT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect timed out", "Connect timed out", "Read timed out"})
    void classifiesATimeoutWhileSendingAsTransientConnectTimeout(String message) {
        Classification c = classifier.classify(new Fault(new RequestNotSentException(new SocketTimeoutException(message))));

        assertThat(c.reason()).isEqualTo(FailureReason.UNREACHABLE);
        assertThat(c.transientFailure()).isTrue();
        assertThat(c.detail()).isEqualTo("connect timed out");
    }

    @Test
    void classifiesATimeoutAfterSendingAsReceiveTimeoutWhateverItsMessageSays() {
        Classification c = classifier.classify(new Fault(new SocketTimeoutException("Connect timed out")));

        assertThat(c.reason()).isEqualTo(FailureReason.TIMEOUT);
        assertThat(c.transientFailure()).isTrue();
    }

    @Test
    void classifiesEndOfStreamWhileReadingTheAnswerAsTransientUnreachable() {
        Classification c = classifier.classify(new Fault(new EOFException("premature end of chunk")));

        assertThat(c.reason()).isEqualTo(FailureReason.UNREACHABLE);
        assertThat(c.transientFailure()).isTrue();
    }

    @Test
    void namesTheUnknownHostInTheDetail() {
        // CXF copies the JDK's exception with the address in the message and keeps the original as its cause
        UnknownHostException original = new UnknownHostException("superofice.example.com");
        UnknownHostException copy = new UnknownHostException(
                "UnknownHostException invoking https://superofice.example.com/Cust1/Remote/Services88/CustomerService.svc: "
                        + "superofice.example.com");
        copy.initCause(original);

        Classification c = classifier.classify(new Fault(new RequestNotSentException(copy)));

        assertThat(c.reason()).isEqualTo(FailureReason.UNREACHABLE);
        assertThat(c.transientFailure()).as("a resolver cannot tell a typo from a DNS outage").isTrue();
        assertThat(c.detail()).isEqualTo("unknown host superofice.example.com");
    }

    static Stream<IOException> ioFailuresThatDoNotHealByRetrying() {
        return Stream.of(new IOException("Invalid Http response"),
                new MalformedInputException(3),
                new UnsupportedEncodingException("x-unknown"));
    }

    @ParameterizedTest
    @MethodSource("ioFailuresThatDoNotHealByRetrying")
    void classifiesOtherIoFailuresAsPermanentWithTheirTypeInTheDetail(IOException failure) {
        Classification c = classifier.classify(new Fault(failure));

        assertThat(c.reason()).isEqualTo(FailureReason.UNEXPECTED_ERROR);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).startsWith("I/O error, not retried: ");
    }

    @Test
    void classifiesAnHttpHeadTheClientRefusesAsAPermanentInvalidAnswerWithoutTheAddress() {
        // how CXF reports the JDK's refusal of oversized answer headers: a copy naming the address, the original inside
        ProtocolException original = new ProtocolException("Header size too big: 393217 > 393216");
        ProtocolException copy = new ProtocolException("ProtocolException invoking "
                + "http://127.0.0.1:8080/Cust1/Remote/Services88/CustomerService.svc: Header size too big: 393217 > 393216");
        copy.initCause(original);

        Classification c = classifier.classify(new Fault(copy));

        assertThat(c.reason()).isEqualTo(FailureReason.INVALID_ANSWER);
        assertThat(c.transientFailure()).as("the server is up and would answer the same").isFalse();
        assertThat(c.detail()).isEqualTo("malformed HTTP answer, not retried: ProtocolException: Header size too big: "
                + "393217 > 393216");
    }

    @Test
    void classifiesAnyOtherFailureToSendAsPermanentUnreachable() {
        // how CXF reports a certificate issued for another host name
        Classification c = classifier.classify(new Fault(new RequestNotSentException(
                new IOException("The https URL hostname does not match the Common Name (CN) on the server certificate"))));

        assertThat(c.reason()).isEqualTo(FailureReason.UNREACHABLE);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).isEqualTo("request not sent, not retried: IOException: The https URL hostname does not "
                + "match the Common Name (CN) on the server certificate");
    }

    // ---------------------------------------------------------------- TLS

    @Test
    void classifiesAHandshakeCutByThePeerAsTransient() {
        SSLHandshakeException eof = new SSLHandshakeException("Remote host terminated the handshake");
        eof.initCause(new EOFException("SSL peer shut down incorrectly"));
        SSLException reset = new SSLException("Connection reset", new SocketException("Connection reset"));

        for (SSLException cut : new SSLException[] {eof, reset}) {
            Classification c = classifier.classify(new Fault(new RequestNotSentException(cut)));

            assertThat(c.reason()).isEqualTo(FailureReason.UNREACHABLE);
            assertThat(c.transientFailure()).isTrue();
            assertThat(c.detail()).startsWith("TLS handshake cut: ");
        }
    }

    static Stream<SSLException> tlsFailuresThatDoNotHealByRetrying() {
        SSLHandshakeException path = new SSLHandshakeException("PKIX path building failed");
        path.initCause(new CertPathBuilderException("unable to find valid certification path to requested target"));
        SSLHandshakeException hostname = new SSLHandshakeException("No subject alternative names matching IP address");
        hostname.initCause(new CertificateException("No subject alternative names matching IP address 127.0.0.1"));
        SSLHandshakeException expired = new SSLHandshakeException("validity check failed");
        expired.initCause(new CertPathValidatorException("validity check failed", new CertificateExpiredException()));
        return Stream.of(path, hostname, expired, new SSLPeerUnverifiedException("peer not authenticated"),
                new SSLHandshakeException("Received fatal alert: handshake_failure"),
                new SSLException("Unsupported or unrecognized SSL message"));
    }

    @ParameterizedTest
    @MethodSource("tlsFailuresThatDoNotHealByRetrying")
    void classifiesCertificatePathHostnameAndProtocolFailuresAsPermanent(SSLException failure) {
        Classification c = classifier.classify(new Fault(new RequestNotSentException(failure)));

        assertThat(c.reason()).isEqualTo(FailureReason.UNREACHABLE);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).startsWith("TLS ");
    }

    @Test
    void aCertificateFailureStaysPermanentEvenWhenTheConnectionWasClosedAfterwards() {
        SSLHandshakeException failure = new SSLHandshakeException("PKIX path building failed");
        failure.initCause(new CertificateException("untrusted", new SocketException("Broken pipe")));

        assertThat(classifier.classify(failure).transientFailure()).isFalse();
    }

    @Test
    void classifiesHttpClientTimeoutAsTransientTimeout() {
        Classification c = classifier.classify(new HttpTimeoutException("request timed out"));

        assertThat(c.reason()).isEqualTo(FailureReason.TIMEOUT);
        assertThat(c.transientFailure()).isTrue();
    }

    @Test
    void classifiesHttpClientConnectTimeoutAsTransientUnreachable() {
        Classification c = classifier.classify(new Fault(new HttpConnectTimeoutException("HTTP connect timed out")));

        assertThat(c.reason()).isEqualTo(FailureReason.UNREACHABLE);
        assertThat(c.transientFailure()).isTrue();
    }

    // ---------------------------------------------------------------- SOAP and XML

    @Test
    void classifiesSoapFaultAsPermanentSoapFault() {
        Classification c = classifier.classify(new SoapFault("The message with Action '' cannot be processed", SOAP11_SERVER));

        assertThat(c.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).contains("Server").contains("cannot be processed");
    }

    @Test
    void classifiesSoapFaultWrappedByCamelAsPermanentSoapFault() {
        Classification c = classifier.classify(
                new RuntimeCamelException(new SoapFault("Bad request", SOAP11_SERVER)));

        assertThat(c.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(c.transientFailure()).isFalse();
    }

    @Test
    void classifiesXmlStreamExceptionAsPermanentSoapFault() {
        Classification c = classifier.classify(new XMLStreamException("Unexpected EOF in prolog"));

        assertThat(c.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).contains("Unexpected EOF in prolog");
    }

    @Test
    void classifiesXmlStreamExceptionWrappedInFaultAsPermanentSoapFault() {
        Classification c = classifier.classify(new Fault(new XMLStreamException("Unexpected character '<'")));

        assertThat(c.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).contains("Unexpected character");
    }

    // ---------------------------------------------------------------- anything else

    @Test
    void classifiesIllegalStateExceptionAsPermanentUnexpectedError() {
        Classification c = classifier.classify(new IllegalStateException("boom"));

        assertThat(c.reason()).isEqualTo(FailureReason.UNEXPECTED_ERROR);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).contains("java.lang.IllegalStateException").contains("boom");
    }

    @Test
    void describesUnexpectedErrorWithRootCauseMessage() {
        Classification c = classifier.classify(
                new RuntimeCamelException("outer", new IllegalArgumentException("root cause")));

        assertThat(c.reason()).isEqualTo(FailureReason.UNEXPECTED_ERROR);
        assertThat(c.detail()).contains("root cause");
    }

    @Test
    void describesUnexpectedErrorWithoutMessageByItsType() {
        Classification c = classifier.classify(new NullPointerException());

        assertThat(c.reason()).isEqualTo(FailureReason.UNEXPECTED_ERROR);
        assertThat(c.transientFailure()).isFalse();
        assertThat(c.detail()).contains("NullPointerException");
    }

    // ---------------------------------------------------------------- isTransient(Exchange)

    @Test
    void exchangeWithConnectFailureIsTransient() {
        Exchange exchange = exchange();
        exchange.setException(new Fault(new ConnectException("Connection refused")));

        assertThat(classifier.isTransient(exchange)).isTrue();
    }

    @Test
    void exchangeWithServiceUnavailableIsTransient() {
        Exchange exchange = exchange();
        exchange.setException(new Fault(http(503, "Service Unavailable")));

        assertThat(classifier.isTransient(exchange)).isTrue();
    }

    @Test
    void exchangeWithNotFoundIsNotTransient() {
        Exchange exchange = exchange();
        exchange.setException(http(404, "Not Found"));

        assertThat(classifier.isTransient(exchange)).isFalse();
    }

    @Test
    void exchangeWithReportFailedExceptionIsNotTransient() {
        Exchange exchange = exchange();
        exchange.setException(new ReportFailedException(FailureReason.TIMEOUT, "already classified"));

        assertThat(classifier.isTransient(exchange)).isFalse();
    }

    @Test
    void exchangeWithIllegalStateExceptionIsNotTransient() {
        Exchange exchange = exchange();
        exchange.setException(new IllegalStateException("boom"));

        assertThat(classifier.isTransient(exchange)).isFalse();
    }

    @Test
    void exchangeWithoutExceptionIsNotTransient() {
        assertThat(classifier.isTransient(exchange())).isFalse();
    }

    @Test
    void exchangeWithCaughtTransientExceptionPropertyIsTransient() {
        Exchange exchange = exchange();
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new SocketTimeoutException("Read timed out"));

        assertThat(classifier.isTransient(exchange)).isTrue();
    }

    @Test
    void exchangeExceptionTakesPrecedenceOverCaughtExceptionProperty() {
        Exchange exchange = exchange();
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new SocketTimeoutException("Read timed out"));
        exchange.setException(new IllegalStateException("boom"));

        assertThat(classifier.isTransient(exchange)).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    private static Exchange exchange() {
        return new DefaultExchange(camel);
    }

    private static HTTPException http(int status, String message) {
        try {
            URL url = URI.create("https://online.superoffice.com/Cust12345/Remote/Services88/CustomerService.svc").toURL();
            return new HTTPException(status, message, url);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
