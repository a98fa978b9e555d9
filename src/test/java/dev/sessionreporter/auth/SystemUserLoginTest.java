package dev.sessionreporter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the system-user login goes and which CustomerService tenant its JWT names (SuperOffice Online rules). */
class SystemUserLoginTest {

    /** superoffice-docs api/authentication/online/api.md: authenticate only against sod, qaonline or online. */
    @ParameterizedTest
    @CsvSource({
        "https://online3.superoffice.com/Cust12345/Remote/Services88/CustomerService.svc, https://online.superoffice.com",
        "https://sod2.superoffice.com/Cust12345/Remote/Services88/CustomerService.svc, https://sod.superoffice.com",
        "https://QAOnline.superoffice.com/Cust1/Remote/Services88/CustomerService.svc, https://qaonline.superoffice.com",
        "https://online.superoffice.com/Cust1/Remote/Services88/CustomerService.svc, https://online.superoffice.com",
        "https://crm.example.com:8443/SuperOffice/Remote/Services88/CustomerService.svc, https://crm.example.com:8443",
        "http://127.0.0.1:8080/Cust00000/Remote/Services88/CustomerService.svc, http://127.0.0.1:8080"
    })
    void logsInAtTheEnvironmentsLoginHostNeverAtANumberedOne(String customerServiceUrl, String loginOrigin) {
        assertThat(SystemUserLogin.loginOrigin(customerServiceUrl)).isEqualTo(loginOrigin);
    }

    /** The published token sample (validate-security-tokens.md) names Services86; any ServicesNN is the same tenant. */
    @ParameterizedTest
    @CsvSource({
        "https://sod.superoffice.com/Cust26759/Remote/Services86/, https://sod.superoffice.com/Cust26759/",
        "https://online3.superoffice.com/Cust12345/Remote/Services88, https://online3.superoffice.com/Cust12345/",
        "https://online3.superoffice.com/Cust12345/remote/services84/, https://online3.superoffice.com/Cust12345/",
        "https://online3.superoffice.com/Cust12345/, https://online3.superoffice.com/Cust12345/",
        "https://online3.superoffice.com/Cust12345, https://online3.superoffice.com/Cust12345/"
    })
    void netServerUrlClaimIsTheTenantWhateverServicesVersionItNames(String claim, String tenantBase) {
        assertThat(SystemUserLogin.tenantBase(claim)).isEqualTo(tenantBase);
    }
    /** A login endpoint that cannot be reached heals by itself; an untrusted certificate or wrong host name does not. */
    @Test
    void connectionFailuresAreAnOutageButCertificateAndHostNameFailuresAreNot() {
        assertThat(Login.AuthenticationException.transientIo(new ConnectException("Connection refused"))).isTrue();
        assertThat(Login.AuthenticationException.transientIo(new HttpTimeoutException("timed out"))).isTrue();
        assertThat(Login.AuthenticationException.transientIo(
                new SSLHandshakeException("Remote host terminated the handshake"))).isTrue();
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("unable to find valid certification path"));
        assertThat(Login.AuthenticationException.transientIo(untrusted)).isFalse();
        assertThat(Login.AuthenticationException.transientIo(new SSLPeerUnverifiedException("host name mismatch"))).isFalse();
    }
}
