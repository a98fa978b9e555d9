package dev.sessionreporter.configuration;

import dev.sessionreporter.Profiles;
import dev.sessionreporter.Settings;
import dev.sessionreporter.StartupConfigurationException;
import dev.sessionreporter.auth.AuthMode;
import dev.sessionreporter.auth.CredentialRejection;
import dev.sessionreporter.auth.Login;
import dev.sessionreporter.auth.PasswordLogin;
import dev.sessionreporter.auth.StaticTicketLogin;
import dev.sessionreporter.auth.SystemUserLogin;
import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.kamelet.SessionActiveClient;
import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.soap.CallingThreadBus;
import dev.sessionreporter.soap.CustomerServiceBus;
import dev.sessionreporter.soap.TlsSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SuperOffice client (superoffice.*): the one client the Kamelet's SOAP step calls SuperOffice with, the login of
 * the auth mode in use and its one shared ticket, the TLS settings, the reporter's own CXF bus, and the redactor that
 * masks every configured secret (those of the other parts too). Its server, application and login addresses are
 * checked at start, plain http only to this machine.
 */
public class SuperOfficeClientConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(SuperOfficeClientConfiguration.class);

    @PropertyInject("superoffice.url")
    String superOfficeUrl;
    @PropertyInject("superoffice.application-token")
    String applicationToken;
    @PropertyInject("superoffice.ticket")
    String ticket;
    @PropertyInject("superoffice.time-zone-id")
    String timeZoneId;
    @PropertyInject("superoffice.connect-timeout")
    String connectTimeout;
    @PropertyInject("superoffice.receive-timeout")
    String receiveTimeout;
    @PropertyInject("superoffice.max-answer-size")
    String maxAnswerSize;

    @PropertyInject("superoffice.auth.mode")
    String authMode;
    @PropertyInject("superoffice.username")
    String username;
    @PropertyInject("superoffice.password")
    String password;
    @PropertyInject("superoffice.auth.so-principal-url")
    String soPrincipalUrl;
    @PropertyInject("superoffice.auth.system-user-token")
    String systemUserToken;
    @PropertyInject("superoffice.auth.private-key-file")
    String privateKeyFile;
    @PropertyInject("superoffice.auth.context-identifier")
    String contextIdentifier;
    @PropertyInject("superoffice.auth.system-user-url")
    String systemUserUrl;
    @PropertyInject("superoffice.auth.jwks-url")
    String jwksUrl;
    @PropertyInject("superoffice.auth.jwt-certificate-file")
    String jwtCertificateFile;
    @PropertyInject("superoffice.auth.login-at-start")
    boolean loginAtStart;
    @PropertyInject("superoffice.auth.max-ticket-age")
    String maxTicketAge;
    @PropertyInject("superoffice.auth.retry-after")
    String loginRetryAfter;
    @PropertyInject("superoffice.auth.credential-rejection-types")
    String credentialRejectionTypes;
    @PropertyInject("superoffice.auth.credential-rejection-pattern")
    String credentialRejectionPattern;
    @PropertyInject("superoffice.allow-insecure-http")
    boolean allowInsecureHttp;
    @PropertyInject("superoffice.tls.trust-store")
    String trustStore;
    @PropertyInject("superoffice.tls.trust-store-password")
    String trustStorePassword;
    @PropertyInject("superoffice.tls.trust-store-type")
    String trustStoreType;
    @PropertyInject("superoffice.tls.key-store")
    String keyStore;
    @PropertyInject("superoffice.tls.key-store-password")
    String keyStorePassword;
    @PropertyInject("superoffice.tls.key-store-type")
    String keyStoreType;
    @PropertyInject("superoffice.wire-logging")
    boolean wireLogging;

    /** Secrets of other parts that the redactor masks too (the queue secret never travels to SuperOffice). */
    @PropertyInject("broker.password")
    String brokerPassword;
    @PropertyInject("reporter.timer.queue-secret")
    String timerQueueSecret;
    @PropertyInject("reporter.duplicates.jdbc.password")
    String duplicatesJdbcPassword;

    private TicketCache ticketCache;
    private AuthMode resolvedAuthMode;
    private CustomerServiceBus cxfBus;
    private SSLContextParameters tlsSettings;

    /**
     * What the Kamelet superoffice-session-active-action, the reporter's one SOAP step, calls SuperOffice with
     * (routes/report-session.camel.yaml): made once, so CXF builds its client and conduit once, and with the one
     * ticket that the credentials health check and the login at start use too.
     */
    @BindToRegistry("sessionReporterSessionActiveClient")
    public SessionActiveClient sessionActiveClient(CamelContext camelContext) {
        return new SessionActiveClient(cxfBus(camelContext), new SessionActiveClient.EndpointSettings(
                superOfficeUrl.strip(),
                Settings.millis("superoffice.connect-timeout", connectTimeout),
                Settings.millis("superoffice.receive-timeout", receiveTimeout),
                Settings.bytes("superoffice.max-answer-size", maxAnswerSize),
                tlsSettings(camelContext), wireLogging),
                ticketCache(camelContext), applicationToken,
                Settings.optionalInt("superoffice.time-zone-id", timeZoneId),
                CredentialRejection.fromSettings(
                        "superoffice.auth.credential-rejection-types", credentialRejectionTypes,
                        "superoffice.auth.credential-rejection-pattern", credentialRejectionPattern),
                secretRedactor());
    }

    /** The call route's first step: the client's CXF bus stays the calling thread's default (soap.CallingThreadBus). */
    @BindToRegistry("sessionReporterCallingThreadBus")
    public CallingThreadBus callingThreadBus(CamelContext camelContext) {
        return new CallingThreadBus(cxfBus(camelContext));
    }

    /** The server and application first, then the auth mode and the addresses credentials go to. */
    public void checkServer(boolean demo) {
        Settings.require("superoffice.url", superOfficeUrl);
        Settings.require("superoffice.application-token", applicationToken);
        Settings.requireHttpUrl("superoffice.url", superOfficeUrl);
        // the start-up banner names the mode; resolved here, so that a wrong mode stops the start first
        LOG.debug("SuperOffice credentials: auth mode {}", authMode().propertyValue());
        requireHttpsUnlessLoopback(demo);
    }

    /** superoffice.auth.login-at-start: a login now, so that wrong credentials stop the start. */
    public void loginIfAsked(CamelContext camelContext) {
        if (loginAtStart) {
            ticketCache(camelContext).loginNow();
        }
    }

    /** Plain http only to this machine; only the demo skips it: its server is its own simulator on loopback. */
    private void requireHttpsUnlessLoopback(boolean demo) {
        if (!demo && !allowInsecureHttp) {
            Settings.requireHttpsUnlessLoopback("superoffice.url", superOfficeUrl);
            loginUrls().forEach(Settings::requireHttpsUnlessLoopback);
        }
    }

    /** The login addresses set for the auth mode in use (unset, they are on superoffice.url's host or Online's https). */
    private Map<String, String> loginUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        switch (authMode()) {
            case PASSWORD -> urls.put("superoffice.auth.so-principal-url", soPrincipalUrl);
            case SYSTEM_USER -> {
                urls.put("superoffice.auth.system-user-url", systemUserUrl);
                urls.put("superoffice.auth.jwks-url", jwksUrl);
            }
            case TICKET -> {
                // no login
            }
        }
        urls.values().removeIf(url -> url == null || url.isBlank());
        urls.forEach(Settings::requireHttpUrl);
        return urls;
    }

    /** superoffice.auth.mode, or when empty the mode whose credentials are set. */
    private AuthMode authMode() {
        if (resolvedAuthMode == null) {
            resolvedAuthMode = AuthMode.resolve(authMode, ticket, username, systemUserToken);
        }
        return resolvedAuthMode;
    }

    /** The one ticket of the application, for every route and consumer. */
    public TicketCache ticketCache(CamelContext camelContext) {
        if (ticketCache == null) {
            ticketCache = new TicketCache(login(camelContext), Settings.duration("superoffice.auth.max-ticket-age", maxTicketAge),
                    Settings.duration("superoffice.auth.retry-after", loginRetryAfter), Clock.systemUTC());
        }
        return ticketCache;
    }

    private Login login(CamelContext camelContext) {
        // the same order as checkServer(): the server first, then the application, then the mode's credentials
        Settings.require("superoffice.url", superOfficeUrl);
        Settings.require("superoffice.application-token", applicationToken);
        Settings.requireHttpUrl("superoffice.url", superOfficeUrl);
        // before a login reads its key file: the addresses it sends credentials to come first
        requireHttpsUnlessLoopback(Profiles.DEMO.equals(camelContext.getCamelContextExtension().getProfile()));
        String url = superOfficeUrl.strip();
        return switch (authMode()) {
            case TICKET -> {
                Settings.require("superoffice.ticket", ticket);
                yield new StaticTicketLogin(ticket);
            }
            case PASSWORD -> {
                Settings.require("superoffice.username", username);
                Settings.require("superoffice.password", password);
                yield new PasswordLogin(cxfBus(camelContext).bus(), Settings.orDefault(soPrincipalUrl, PasswordLogin.urlFor(url)), applicationToken,
                        username, password, sslContext(camelContext),
                        Settings.millis("superoffice.connect-timeout", connectTimeout),
                        Settings.millis("superoffice.receive-timeout", receiveTimeout), Clock.systemUTC());
            }
            case SYSTEM_USER -> {
                Settings.require("superoffice.auth.system-user-token", systemUserToken);
                Settings.require("superoffice.auth.private-key-file", privateKeyFile);
                Settings.require("superoffice.auth.context-identifier", contextIdentifier);
                // the environment's login host (sod/qaonline/online), never a numbered data host like online3
                String host = SystemUserLogin.loginOrigin(url);
                yield new SystemUserLogin(
                        java.net.URI.create(Settings.orDefault(systemUserUrl, host + "/Login/api/PartnerSystemUser/Authenticate")),
                        applicationToken, contextIdentifier.strip(), systemUserToken.strip(),
                        Settings.privateKey("superoffice.auth.private-key-file", privateKeyFile),
                        java.net.URI.create(Settings.orDefault(jwksUrl, host + "/login/.well-known/jwks")),
                        jwtCertificateFile == null || jwtCertificateFile.isBlank() ? null
                                : SystemUserLogin.certificateKey(java.nio.file.Path.of(jwtCertificateFile.strip())),
                        sslContext(camelContext),
                        Duration.ofMillis(Settings.millis("superoffice.receive-timeout", receiveTimeout)), Clock.systemUTC());
            }
        };
    }

    /** The reporter's own CXF bus (CustomerService endpoint and SoPrincipal login), shut down with the context. */
    private CustomerServiceBus cxfBus(CamelContext camelContext) {
        if (cxfBus == null) {
            cxfBus = CustomerServiceBus.startedWith(camelContext);
        }
        return cxfBus;
    }

    private SSLContext sslContext(CamelContext camelContext) {
        SSLContextParameters settings = tlsSettings(camelContext);
        try {
            return settings.createSSLContext(camelContext);
        } catch (Exception e) {
            throw new StartupConfigurationException("The TLS settings (superoffice.tls.*) cannot be used: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Read once: the stores are loaded (and checked) when the settings are made. */
    private SSLContextParameters tlsSettings(CamelContext camelContext) {
        if (tlsSettings == null) {
            tlsSettings = TlsSettings.create(camelContext, trustStore, trustStorePassword, trustStoreType, keyStore,
                    keyStorePassword, keyStoreType);
        }
        return tlsSettings;
    }

    /** Masks every configured secret in what the reporter logs, answers or dead-letters. */
    public SecretRedactor secretRedactor() {
        // the timer's queue secret never travels to SuperOffice, but it is a secret of this configuration like the others
        return new SecretRedactor(applicationToken, ticket, brokerPassword, trustStorePassword, keyStorePassword, password,
                systemUserToken, timerQueueSecret, duplicatesJdbcPassword);
    }
}
