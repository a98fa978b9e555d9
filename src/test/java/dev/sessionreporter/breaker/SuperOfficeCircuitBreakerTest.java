package dev.sessionreporter.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionreporter.failure.CredentialsRejectedException;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.kamelet.SessionActiveFailedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.EOFException;
import java.security.cert.CertificateException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import javax.xml.namespace.QName;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.interceptor.Fault;
import org.junit.jupiter.api.Test;

/** What the breaker counts: transient failures against it, answers for it, permanent failures without answer not at all. */
class SuperOfficeCircuitBreakerTest {
    private final CircuitBreaker breaker = SuperOfficeCircuitBreaker.create(true, 50, 10, 10, Duration.ofSeconds(30),
            new FailureClassifier());

    @Test
    void aHandshakeCutCountsAsAFailedCall() {
        SSLHandshakeException cut = new SSLHandshakeException("Remote host terminated the handshake");
        cut.initCause(new EOFException("SSL peer shut down incorrectly"));

        fail(new Fault(cut));

        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isZero();
    }

    @Test
    void anUnacceptedCertificateCountsNeitherAsFailedNorAsSuccessfulCall() {
        SSLHandshakeException certificate = new SSLHandshakeException("PKIX path building failed");
        certificate.initCause(new CertificateException("unable to find valid certification path"));

        fail(new Fault(certificate));

        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isZero();
    }

    @Test
    void aSoapFaultIsAnAnswerAndCountsAsSuccessfulCall() {
        fail(new SoapFault("Object reference not set", new QName("http://schemas.xmlsoap.org/soap/envelope/", "Server")));

        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void aRejectedTicketIsAnAnswerEvenWhenTheKameletCallsItWorthTryingAgain() {
        CredentialsRejectedException rejected = new CredentialsRejectedException("Succeeded=false: SoCredentialsException");

        fail(new SessionActiveFailedException(FailureReason.SERVER_REJECTED, "credentials rejected", true, rejected));

        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    }

    private void fail(RuntimeException failure) {
        assertThatThrownBy(() -> breaker.executeRunnable(() -> {
            throw failure;
        })).isSameAs(failure);
    }
}
