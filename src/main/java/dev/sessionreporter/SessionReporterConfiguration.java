package dev.sessionreporter;

import dev.sessionreporter.auth.SuperOfficeCredentials;
import dev.sessionreporter.broker.BrokerConnectionFactory;
import dev.sessionreporter.broker.EmbeddedBroker;
import dev.sessionreporter.failure.DeadLetterHeaders;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.input.SessionKeyInput;
import dev.sessionreporter.input.TimerSessionKeys;
import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.soap.CallAttempts;
import dev.sessionreporter.soap.CustomerServiceEndpoint;
import dev.sessionreporter.soap.ReportSessionActiveAnswer;
import dev.sessionreporter.soap.ReportSessionActiveRequest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the reporter's beans from the application properties (see README "Configure" for every property). Routes
 * live in {@code routes/*.camel.yaml} and refer to these beans by name.
 */
@Configuration
public class SessionReporterConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(SessionReporterConfiguration.class);

    static {
        // CXF's default java.net.http conduit starts a thread per request and sends "Upgrade: h2c"; the
        // HttpURLConnection conduit is faster here and speaks plain HTTP/1.1. Read once when CXF loads.
        if (System.getProperty("org.apache.cxf.transport.http.forceURLConnection") == null) {
            System.setProperty("org.apache.cxf.transport.http.forceURLConnection", "true");
        }
        // HttpURLConnection silently re-sends a POST once when a kept-alive connection breaks: retries are ours to
        // make and to count (SessionReporterAttempts), so switch that off.
        if (System.getProperty("sun.net.http.retryPost") == null) {
            System.setProperty("sun.net.http.retryPost", "false");
        }
    }

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

    @PropertyInject("reporter.timer.session-keys")
    String timerSessionKeys;
    @PropertyInject("reporter.timer.session-keys-file")
    String timerSessionKeysFile;

    @PropertyInject("reporter.shutdown.timeout")
    String shutdownTimeout;

    @PropertyInject("broker.url")
    String brokerUrl;
    @PropertyInject("broker.username")
    String brokerUsername;
    @PropertyInject("broker.password")
    String brokerPassword;
    @PropertyInject("broker.embedded.host")
    String embeddedBrokerHost;
    @PropertyInject("broker.embedded.port")
    int embeddedBrokerPort;
    @PropertyInject("broker.embedded.data-dir")
    String embeddedBrokerDataDir;
    @PropertyInject("broker.embedded.max-delivery-attempts")
    int embeddedBrokerMaxDeliveryAttempts;

    @PropertyInject("simulator.enabled")
    boolean simulatorEnabled;
    @PropertyInject("simulator.port")
    int simulatorPort;
    @PropertyInject("simulator.sessions")
    String simulatorSessions;

    private EmbeddedBroker embeddedBroker;

    @BindToRegistry("sessionKeyInput")
    public SessionKeyInput sessionKeyInput() {
        return new SessionKeyInput();
    }

    @BindToRegistry("timerSessionKeys")
    public TimerSessionKeys timerSessionKeys() {
        return new TimerSessionKeys(timerSessionKeys, timerSessionKeysFile);
    }

    @BindToRegistry("callAttempts")
    public CallAttempts callAttempts() {
        return new CallAttempts();
    }

    @BindToRegistry("reportSessionActiveRequest")
    public ReportSessionActiveRequest reportSessionActiveRequest() {
        return new ReportSessionActiveRequest(new SuperOfficeCredentials(applicationToken, ticket),
                Settings.optionalInt("superoffice.time-zone-id", timeZoneId));
    }

    @BindToRegistry("reportSessionActiveAnswer")
    public ReportSessionActiveAnswer reportSessionActiveAnswer() {
        return new ReportSessionActiveAnswer(secretRedactor());
    }

    @BindToRegistry("failureClassifier")
    public FailureClassifier failureClassifier() {
        return new FailureClassifier();
    }

    @BindToRegistry("deadLetterHeaders")
    public DeadLetterHeaders deadLetterHeaders() {
        return new DeadLetterHeaders(new FailureClassifier(), secretRedactor());
    }

    /** The one cxf endpoint all routes share: created once, so CXF builds its client and conduit once. */
    @BindToRegistry("customerService")
    public CxfEndpoint customerService(CamelContext camelContext) {
        return CustomerServiceEndpoint.create(camelContext, superOfficeUrl,
                Settings.millis("superoffice.connect-timeout", connectTimeout),
                Settings.millis("superoffice.receive-timeout", receiveTimeout));
    }

    /** camel-jms on the shared pooled connection factory: the embedded broker's in-VM acceptor, or broker.url. */
    @BindToRegistry("jms")
    public JmsComponent jms() {
        String url = brokerUrl.isBlank() ? embeddedBroker().inVmUrl() : brokerUrl;
        JmsPoolConnectionFactory connectionFactory = BrokerConnectionFactory.create(url, brokerUsername, brokerPassword);
        JmsComponent jms = JmsComponent.jmsComponent(connectionFactory);
        return jms;
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        String profile = camelContext.getCamelContextExtension().getProfile();
        boolean production = "prod".equals(profile);
        if (simulatorEnabled && !production) {
            startSimulator(camelContext);
        }
        Settings.require("superoffice.url", superOfficeUrl);
        Settings.require("superoffice.application-token", applicationToken);
        Settings.require("superoffice.ticket", ticket);
        Settings.requireHttpUrl("superoffice.url", superOfficeUrl);
        configureShutdown(camelContext);
        if (embeddedBroker != null) {
            // Camel starts it now and stops it after the routes and the JMS component.
            camelContext.addService(embeddedBroker, true, true);
        } else {
            LOG.info("Using the external broker at broker.url (no embedded broker started)");
        }
    }

    /**
     * reporter.shutdown.timeout is Camel's graceful shutdown timeout (the one source of truth; it replaces
     * camel.main.shutdown-timeout and the dev profile's 10 s). On a stop the queue consumer is suspended at once (it
     * takes no new message), in-flight exchanges get this long to finish, then the rest is forced to stop: their
     * transactions roll back and the messages stay on the queue.
     * <p>
     * Whole seconds (rounded up), Camel's own unit: the shutdown strategy's time unit stays SECONDS, so code that sets
     * a timeout in seconds later (camel-test does) still means seconds.
     */
    private void configureShutdown(CamelContext camelContext) {
        long millis = Settings.millis("reporter.shutdown.timeout", shutdownTimeout);
        camelContext.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
        camelContext.getShutdownStrategy().setTimeout(TimeUnit.MILLISECONDS.toSeconds(millis + 999));
        camelContext.getShutdownStrategy().setShutdownNowOnTimeout(true);
    }

    private EmbeddedBroker embeddedBroker() {
        if (embeddedBroker == null) {
            embeddedBroker = new EmbeddedBroker(embeddedBrokerHost, embeddedBrokerPort, Path.of(embeddedBrokerDataDir),
                    embeddedBrokerMaxDeliveryAttempts);
        }
        return embeddedBroker;
    }

    private void startSimulator(CamelContext camelContext) throws Exception {
        CustomerServiceSimulator simulator = new CustomerServiceSimulator(applicationToken, ticket);
        for (String session : simulatorSessions.split(",")) {
            String[] keyAndLogin = session.strip().split("=", 2);
            if (keyAndLogin.length == 2) {
                simulator.addSession(keyAndLogin[0].strip(), Integer.parseInt(keyAndLogin[1].strip()));
            }
        }
        simulator.start(simulatorPort);
        camelContext.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                simulator.close();
            }
        }, true, false);
        LOG.warn("""

                ************************************************************************************************
                *  DEV PROFILE: a built-in SuperOffice CustomerService SIMULATOR is running on {}
                *  and the reporter talks to it, not to a real SuperOffice tenant.
                *  For real use run with CAMEL_MAIN_PROFILE=prod and set superoffice.url, application-token, ticket.
                ************************************************************************************************""",
                simulator.customerServiceUrl());
    }

    private SecretRedactor secretRedactor() {
        return new SecretRedactor(applicationToken, ticket, brokerPassword);
    }
}
