package dev.sessionreporter;

import dev.sessionreporter.auth.AuthMode;
import dev.sessionreporter.auth.CredentialRejection;
import dev.sessionreporter.auth.Login;
import dev.sessionreporter.auth.PasswordLogin;
import dev.sessionreporter.auth.StaticTicketLogin;
import dev.sessionreporter.auth.SystemUserLogin;
import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.breaker.CircuitState;
import dev.sessionreporter.breaker.QueueConsumptionGate;
import dev.sessionreporter.breaker.SuperOfficeCircuitBreaker;
import dev.sessionreporter.broker.BrokerConnectionFactory;
import dev.sessionreporter.broker.BrokerConnectionState;
import dev.sessionreporter.broker.DetachedQueueMessage;
import dev.sessionreporter.broker.EmbeddedBroker;
import dev.sessionreporter.broker.OpaqueBodyMessageConverter;
import dev.sessionreporter.duplicate.ExpiringIdempotentRepository;
import dev.sessionreporter.duplicate.QueueDuplicates;
import dev.sessionreporter.duplicate.TimerKeyMark;
import dev.sessionreporter.failure.Causes;
import dev.sessionreporter.failure.DeadLetterHeaders;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.RetryLog;
import dev.sessionreporter.input.SessionKeyInput;
import dev.sessionreporter.input.TimerSessionKeys;
import dev.sessionreporter.kamelet.SessionActiveClient;
import dev.sessionreporter.operate.BrokerConnectionCheck;
import dev.sessionreporter.operate.CredentialsCheck;
import dev.sessionreporter.operate.ReportSummaryLog;
import dev.sessionreporter.operate.ReportedSession;
import dev.sessionreporter.operate.ReporterMetrics;
import dev.sessionreporter.operate.SuperOfficeCalls;
import dev.sessionreporter.operate.StartupBanner;
import dev.sessionreporter.operate.SuperOfficeReachableCheck;
import dev.sessionreporter.operate.TimerLeaderCheck;
import dev.sessionreporter.operate.TimerLeadership;
import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.soap.CallAttempts;
import dev.sessionreporter.soap.CustomerServiceBus;
import dev.sessionreporter.soap.TlsSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.camel.support.jsse.SSLContextParameters;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
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
    /** The name camel-micrometer-prometheus looks up and binds its registry under. */
    private static final String METRICS_REGISTRY = "metricsRegistry";

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

    @PropertyInject("reporter.timer.session-keys")
    String timerSessionKeys;
    @PropertyInject("reporter.timer.session-keys-file")
    String timerSessionKeysFile;
    @PropertyInject("reporter.timer.target")
    String timerTarget;
    @PropertyInject("reporter.timer.period")
    String timerPeriod;
    @PropertyInject("reporter.timer.queue-secret")
    String timerQueueSecret;
    /** Text: checked in configure() (PlaceholderChecks); as a boolean its injection failed first, naming no property. */
    @PropertyInject("reporter.queue.enabled")
    String queueEnabled;
    @PropertyInject("reporter.queue.uri")
    String queueUri;
    @PropertyInject("reporter.dead-letter.uri")
    String deadLetterUri;

    /** Checked (true/false) by PlaceholderChecks before it is read here. */
    @PropertyInject("reporter.timer.enabled")
    String timerEnabled;
    @PropertyInject("reporter.cluster.namespace")
    String clusterNamespace;
    @PropertyInject("reporter.cluster.file.enabled")
    boolean clusterFileEnabled;
    @PropertyInject("reporter.cluster.file.root")
    String clusterFileRoot;
    @PropertyInject("reporter.cluster.file.acquire-lock-interval")
    String clusterFileAcquireLockInterval;
    @PropertyInject("reporter.cluster.file.acquire-lock-delay")
    String clusterFileAcquireLockDelay;
    @PropertyInject("reporter.cluster.file.heartbeat-timeout-multiplier")
    int clusterFileHeartbeatTimeoutMultiplier;
    @PropertyInject("reporter.log.summary-interval")
    String summaryInterval;

    @PropertyInject("reporter.retry.maximum-redeliveries")
    String retryMaximumRedeliveries;
    @PropertyInject("reporter.retry.redelivery-delay")
    String retryRedeliveryDelay;
    @PropertyInject("reporter.retry.back-off-multiplier")
    String retryBackOffMultiplier;
    @PropertyInject("reporter.retry.maximum-redelivery-delay")
    String retryMaximumRedeliveryDelay;

    @PropertyInject("reporter.circuit-breaker.enabled")
    boolean circuitBreakerEnabled;
    @PropertyInject("reporter.circuit-breaker.failure-rate-threshold")
    float circuitBreakerFailureRate;
    @PropertyInject("reporter.circuit-breaker.minimum-number-of-calls")
    int circuitBreakerMinimumCalls;
    @PropertyInject("reporter.circuit-breaker.sliding-window-size")
    int circuitBreakerWindow;
    @PropertyInject("reporter.circuit-breaker.wait-in-open-state")
    String circuitBreakerWait;
    @PropertyInject("reporter.duplicates.window")
    String duplicatesWindow;
    @PropertyInject("reporter.shutdown.timeout")
    String shutdownTimeout;
    @PropertyInject("reporter.health.unreachable-threshold")
    int unreachableThreshold;

    @PropertyInject("broker.url")
    String brokerUrl;
    @PropertyInject("broker.username")
    String brokerUsername;
    @PropertyInject("broker.password")
    String brokerPassword;
    @PropertyInject("broker.reconnect-interval")
    String brokerReconnectInterval;
    @PropertyInject("broker.consumer-window-size")
    int brokerConsumerWindowSize;
    @PropertyInject("broker.embedded.enabled")
    boolean embeddedBrokerEnabled;
    @PropertyInject("broker.embedded.host")
    String embeddedBrokerHost;
    @PropertyInject("broker.embedded.port")
    int embeddedBrokerPort;
    @PropertyInject("broker.embedded.data-dir")
    String embeddedBrokerDataDir;
    @PropertyInject("broker.embedded.max-delivery-attempts")
    int embeddedBrokerMaxDeliveryAttempts;
    @PropertyInject("broker.embedded.journal-buffer-timeout-micros")
    int embeddedBrokerJournalBufferTimeoutMicros;

    @PropertyInject("simulator.enabled")
    boolean simulatorEnabled;
    @PropertyInject("simulator.port")
    int simulatorPort;
    @PropertyInject("simulator.sessions")
    String simulatorSessions;

    private final FailureClassifier failureClassifier = new FailureClassifier();
    private EmbeddedBroker embeddedBroker;
    private CircuitBreaker circuitBreaker;
    private TicketCache ticketCache;
    private AuthMode resolvedAuthMode;
    private JmsPoolConnectionFactory connectionFactory;
    private QueueDuplicates queueDuplicates;
    private MeterRegistry meterRegistry;
    private ReporterMetrics reporterMetrics;
    private SuperOfficeCalls superOfficeCalls;
    private TimerLeadership timerLeadership;
    private CustomerServiceBus cxfBus;
    private SSLContextParameters tlsSettings;
    private ClusteredRoutePolicy timerLeaderPolicy;
    private QueueConsumptionGate queueConsumptionGate;

    @BindToRegistry("sessionReporterSessionKeyInput")
    public SessionKeyInput sessionKeyInput() {
        return new SessionKeyInput();
    }

    /** Queue arrivals of a key within reporter.duplicates.window; used by the session-reporter-queue-trigger route's idempotentConsumer. */
    @BindToRegistry("sessionReporterRecentQueuedSessionKeys")
    public ExpiringIdempotentRepository recentQueuedSessionKeys() {
        return new ExpiringIdempotentRepository(duplicatesWindow());
    }

    /** Marks the timer's keys on the queue (reporter.timer.target=queue) and tells them from keys other senders mark. */
    @BindToRegistry("sessionReporterTimerKeyMark")
    public TimerKeyMark timerKeyMark() {
        return new TimerKeyMark(timerQueueSecret, Settings.millis("reporter.timer.period", timerPeriod),
                Clock.systemUTC());
    }

    @BindToRegistry("sessionReporterDetachedQueueMessage")
    public DetachedQueueMessage detachedQueueMessage() {
        return new DetachedQueueMessage();
    }

    @BindToRegistry("sessionReporterQueueDuplicates")
    public QueueDuplicates queueDuplicates() {
        if (queueDuplicates == null) {
            queueDuplicates = new QueueDuplicates(new SessionKeyInput(), duplicatesWindow());
        }
        return queueDuplicates;
    }

    /**
     * The one Micrometer registry, named metricsRegistry: the one camel-micrometer-prometheus (camel.metrics.enabled)
     * created, or one bound here for it to find, whichever comes first. It is served at /observe/metrics.
     */
    private MeterRegistry meterRegistry(CamelContext camelContext) {
        if (meterRegistry == null) {
            meterRegistry = camelContext.getRegistry().lookupByNameAndType(METRICS_REGISTRY, MeterRegistry.class);
            if (meterRegistry == null) {
                meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                camelContext.getRegistry().bind(METRICS_REGISTRY, meterRegistry);
            }
        }
        return meterRegistry;
    }

    /** Reports by outcome and reason, redeliveries, duplicates, logins, circuit breaker state (README "Operate"). */
    @BindToRegistry("sessionReporterMetrics")
    public ReporterMetrics reporterMetrics(CamelContext camelContext) {
        if (reporterMetrics == null) {
            reporterMetrics = new ReporterMetrics(meterRegistry(camelContext))
                    .bind(queueDuplicates(), ticketCache(camelContext), superOfficeCircuitBreaker())
                    .bind(timerLeadership(camelContext));
            if (brokerUrl.isBlank() && embeddedBrokerEnabled) {
                // an external broker is watched where it runs (its own metrics); ours we can ask directly
                for (String uri : new String[] {queueUri, deadLetterUri}) {
                    Settings.jmsQueueName(uri).ifPresent(queue ->
                            reporterMetrics.bindQueueDepth(queue, embeddedBroker()::messageCount));
                }
            }
        }
        return reporterMetrics;
    }

    /** Readiness: DOWN after reporter.health.unreachable-threshold SOAP calls in a row could not reach SuperOffice. */
    @BindToRegistry("sessionReporterSuperOfficeReachableCheck")
    public SuperOfficeReachableCheck superOfficeReachableCheck(CamelContext camelContext) {
        return new SuperOfficeReachableCheck(superOfficeCalls(camelContext), unreachableThreshold);
    }

    /** Readiness: DOWN while logging in to SuperOffice fails. */
    @BindToRegistry("sessionReporterSuperOfficeCredentialsCheck")
    public CredentialsCheck superOfficeCredentialsCheck(CamelContext camelContext) {
        return new CredentialsCheck(ticketCache(camelContext));
    }

    /** Readiness: DOWN while the broker connection is lost. */
    @BindToRegistry("sessionReporterBrokerConnectionCheck")
    public BrokerConnectionCheck brokerConnectionCheck() {
        // the connection factory exists once the jms component has been bound
        return new BrokerConnectionCheck(() -> connectionFactory instanceof BrokerConnectionState state
                ? state.outageSince() : Optional.empty());
    }

    /**
     * The timer route's policy (routes/triggers.camel.yaml): the route runs only on the instance that leads
     * reporter.cluster.namespace, as the cluster service decides (README "Scale out"). It takes part in the election
     * from the route's start-up on and starts the route as soon as it leads and Camel has started (no initial delay).
     */
    @BindToRegistry("sessionReporterTimerLeaderPolicy")
    public ClusteredRoutePolicy timerLeaderPolicy(CamelContext camelContext) throws Exception {
        if (timerLeaderPolicy == null) {
            timerLeaderPolicy = ClusteredRoutePolicy.forNamespace(camelContext,
                    Settings.orDefault(clusterNamespace, "session-reporter-timer"));
        }
        return timerLeaderPolicy;
    }

    /**
     * The queue route's policy (routes/triggers.camel.yaml): pauses the route while the circuit breaker is open and
     * probes SuperOffice through the SOAP call route when it turns half-open.
     */
    @BindToRegistry("sessionReporterQueueConsumptionGate")
    public QueueConsumptionGate queueConsumptionGate(CamelContext camelContext) {
        if (queueConsumptionGate == null) {
            queueConsumptionGate = new QueueConsumptionGate(camelContext, superOfficeCircuitBreaker(),
                    "direct:session-reporter-call");
        }
        return queueConsumptionGate;
    }

    /** Health detail timer.leader: whether this instance runs the timer (README "Scale out"). */
    @BindToRegistry("sessionReporterTimerLeaderCheck")
    public TimerLeaderCheck timerLeaderCheck(CamelContext camelContext) {
        return new TimerLeaderCheck(timerLeadership(camelContext));
    }

    @BindToRegistry("sessionReporterTimerSessionKeys")
    public TimerSessionKeys timerSessionKeys() {
        return new TimerSessionKeys(timerSessionKeys, timerSessionKeysFile);
    }

    @BindToRegistry("sessionReporterCallAttempts")
    public CallAttempts callAttempts(CamelContext camelContext) {
        ReporterMetrics metrics = reporterMetrics(camelContext);
        return new CallAttempts(metrics::redelivered);
    }

    /** The result line and headers of a reported key, for reporter.result.uri. */
    @BindToRegistry("sessionReporterReportedSession")
    public ReportedSession reportedSession() {
        return new ReportedSession();
    }

    @BindToRegistry("sessionReporterFailureClassifier")
    public FailureClassifier failureClassifier() {
        return failureClassifier;
    }

    @BindToRegistry("sessionReporterDeadLetterHeaders")
    public DeadLetterHeaders deadLetterHeaders() {
        return new DeadLetterHeaders(failureClassifier, secretRedactor());
    }

    /**
     * The retries of transient failures (routes/error-handling.camel.yaml, redeliveryPolicyRef): built here from the
     * reporter.retry.* durations, so that a bad value stops the start naming the property. Camel's own
     * redeliveryPolicy options are read only at the first failure and take plain milliseconds.
     */
    @BindToRegistry("sessionReporterTransientFailureRedelivery")
    public RedeliveryPolicy transientFailureRedelivery() {
        return new RedeliveryPolicy()
                .maximumRedeliveries(Settings.nonNegativeInt("reporter.retry.maximum-redeliveries", retryMaximumRedeliveries))
                .redeliveryDelay(Settings.nonNegativeMillis("reporter.retry.redelivery-delay", retryRedeliveryDelay))
                .useExponentialBackOff()
                .backOffMultiplier(Settings.atLeastOne("reporter.retry.back-off-multiplier", retryBackOffMultiplier))
                .maximumRedeliveryDelay(Settings.millis("reporter.retry.maximum-redelivery-delay",
                        retryMaximumRedeliveryDelay))
                // each retry is logged by transientFailureRetryLog, which names the cause
                .logRetryAttempted(false)
                .logStackTrace(false)
                .logRetryStackTrace(false)
                .logExhausted(false);
    }

    /** The WARN line before each retry of transient failures (routes/error-handling.camel.yaml, onRedeliveryRef). */
    @BindToRegistry("sessionReporterTransientFailureRetryLog")
    public RetryLog transientFailureRetryLog() {
        return new RetryLog(failureClassifier, secretRedactor());
    }

    @BindToRegistry("sessionReporterSuperOfficeCircuitBreaker")
    public CircuitBreaker superOfficeCircuitBreaker() {
        if (circuitBreaker == null) {
            circuitBreaker = SuperOfficeCircuitBreaker.create(circuitBreakerEnabled, circuitBreakerFailureRate,
                    circuitBreakerMinimumCalls, circuitBreakerWindow,
                    Duration.ofMillis(Settings.millis("reporter.circuit-breaker.wait-in-open-state", circuitBreakerWait)),
                    failureClassifier);
        }
        return circuitBreaker;
    }

    /** Whether the circuit breaker is open: the timer then puts no key on the queue (routes/timer-target.camel.yaml). */
    @BindToRegistry("sessionReporterSuperOfficeCircuitState")
    public CircuitState superOfficeCircuitState() {
        return new CircuitState(superOfficeCircuitBreaker());
    }

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

    /**
     * camel-jms on the shared pooled connection factory: the embedded broker's in-VM acceptor, or broker.url. Object
     * and stream messages are passed on unread (never deserialised), see {@link OpaqueBodyMessageConverter}. When the
     * broker goes away, the queue consumers try a new connection every broker.reconnect-interval until it is back.
     */
    @BindToRegistry("session-reporter-jms")
    public JmsComponent jms() {
        if (brokerUrl.isBlank() && !embeddedBrokerEnabled) {
            Settings.require("broker.url", brokerUrl);
        }
        String url = brokerUrl.isBlank() ? embeddedBroker().inVmUrl() : brokerUrl;
        connectionFactory = BrokerConnectionFactory.create(url, brokerUsername, brokerPassword,
                consumerWindowSize());
        JmsComponent jms = JmsComponent.jmsComponent(connectionFactory);
        jms.getConfiguration().setMessageConverter(new OpaqueBodyMessageConverter());
        jms.setRecoveryInterval(Settings.millis("broker.reconnect-interval", brokerReconnectInterval));
        return jms;
    }

    private int consumerWindowSize() {
        if (brokerConsumerWindowSize < -1) {
            throw new StartupConfigurationException("Property broker.consumer-window-size must be a number of bytes: 0 "
                    + "(no buffer), more (e.g. 8192) or -1 (unbounded); it is " + brokerConsumerWindowSize);
        }
        return brokerConsumerWindowSize;
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        boolean demo = Profiles.DEMO.equals(Profiles.check(camelContext.getCamelContextExtension().getProfile()));
        PlaceholderChecks.checkAll(camelContext);
        if (demo) {
            Profiles.requireDemoServer(camelContext, simulatorEnabled);
            startSimulator(camelContext);
        }
        Settings.require("superoffice.url", superOfficeUrl);
        Settings.require("superoffice.application-token", applicationToken);
        Settings.requireHttpUrl("superoffice.url", superOfficeUrl);
        Settings.requireOwnJmsComponent("reporter.queue.uri", queueUri);
        Settings.requireOwnJmsComponent("reporter.dead-letter.uri", deadLetterUri);
        // the start-up banner names the mode; resolved here, so that a wrong mode stops the start first
        LOG.debug("SuperOffice credentials: auth mode {}", authMode().propertyValue());
        requireHttpsUnlessLoopback(demo);
        checkTimerQueueSecret();
        if ("queue".equals(timerTarget) && !Boolean.parseBoolean(queueEnabled.strip())) {
            LOG.warn("reporter.timer.target=queue but reporter.queue.enabled=false: this instance's timer keys are only "
                    + "reported by other instances that consume the queue");
        }
        if (clusterFileEnabled) {
            camelContext.addService(fileLockClusterService(), true, true);
        }
        long summaryMillis = Settings.nonNegativeMillis("reporter.log.summary-interval", summaryInterval);
        if (summaryMillis > 0) {
            camelContext.addService(new ReportSummaryLog(camelContext, meterRegistry(camelContext),
                    Duration.ofMillis(summaryMillis), timerLeadership(camelContext)::isLeader), true, false);
        }
        camelContext.addService(queueConsumptionGate(camelContext), true, false);
        camelContext.addStartupListener(new RequiredRoutes(Boolean.parseBoolean(timerEnabled.strip()), queueUri));
        camelContext.addStartupListener(new StartupBanner());
        configureShutdown(camelContext);
        camelContext.getManagementStrategy().addEventNotifier(superOfficeCalls(camelContext));
        if (loginAtStart) {
            ticketCache(camelContext).loginNow();
        }
        if (embeddedBroker != null) {
            // It starts now in the background; Camel waits for it before the routes and stops it after them.
            embeddedBroker.startInBackground();
            camelContext.addService(embeddedBroker, true, true);
        } else {
            LOG.info("Using the external broker at broker.url (no embedded broker started)");
        }
        if (connectionFactory != null) {
            // Close the broker connection on shutdown, after the routes and (services stop in reverse order) before
            // the embedded broker: a clean close, not a connection the stopping broker breaks.
            JmsPoolConnectionFactory pool = connectionFactory;
            camelContext.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    pool.stop();
                }
            }, true, false);
        }
    }

    /** reporter.timer.queue-secret: required to put timer keys on the queue, never short (see TimerKeyMark). */
    private void checkTimerQueueSecret() {
        boolean queuesTimerKeys = Boolean.parseBoolean(timerEnabled.strip()) && "queue".equals(timerTarget);
        if ((queuesTimerKeys && timerQueueSecret.isBlank())
                || (!timerQueueSecret.isBlank() && timerQueueSecret.length() < TimerKeyMark.MIN_SECRET_LENGTH)) {
            throw new StartupConfigurationException("Property reporter.timer.queue-secret (environment variable "
                    + Settings.environmentVariable("reporter.timer.queue-secret") + ") must be " + (queuesTimerKeys
                    ? "set with reporter.timer.target=queue: " : "blank or ")
                    + "a text of at least " + TimerKeyMark.MIN_SECRET_LENGTH + " characters, the same on every instance "
                    + "that shares the queue. It marks the timer's keys so that no other sender can pass a key off as "
                    + "one (README \"Scale out\")");
        }
    }

    /**
     * The default cluster service of the timer's leader election (timerLeaderPolicy): a lock file per namespace in
     * reporter.cluster.file.root; the instance holding the lock leads. A dead leader's lock is taken over once its
     * heartbeat is older than acquire-lock-interval x heartbeat-timeout-multiplier.
     */
    private FileLockClusterService fileLockClusterService() {
        FileLockClusterService service = new FileLockClusterService();
        service.setId("session-reporter-" + ProcessHandle.current().pid());
        service.setRoot(Settings.orDefault(clusterFileRoot, "data/cluster"));
        service.setAcquireLockInterval(Settings.millis("reporter.cluster.file.acquire-lock-interval",
                clusterFileAcquireLockInterval), TimeUnit.MILLISECONDS);
        service.setAcquireLockDelay(Settings.millis("reporter.cluster.file.acquire-lock-delay",
                clusterFileAcquireLockDelay), TimeUnit.MILLISECONDS);
        service.setHeartbeatTimeoutMultiplier(clusterFileHeartbeatTimeoutMultiplier);
        return service;
    }

    private TimerLeadership timerLeadership(CamelContext camelContext) {
        if (timerLeadership == null) {
            try {
                timerLeadership = new TimerLeadership(camelContext, timerLeaderPolicy(camelContext));
            } catch (Exception e) {
                throw new IllegalStateException("The timer's leader policy cannot be created", e);
            }
        }
        return timerLeadership;
    }

    private SuperOfficeCalls superOfficeCalls(CamelContext camelContext) {
        if (superOfficeCalls == null) {
            superOfficeCalls = new SuperOfficeCalls(failureClassifier, reporterMetrics(camelContext));
        }
        return superOfficeCalls;
    }

    private Duration duplicatesWindow() {
        return Duration.ofMillis(Settings.nonNegativeMillis("reporter.duplicates.window", duplicatesWindow));
    }

    /**
     * reporter.shutdown.timeout is Camel's graceful shutdown timeout (the one source of truth; it replaces
     * camel.main.shutdown-timeout). On a stop the queue consumer is suspended at once (it
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

    /** superoffice.auth.mode, or when empty the mode whose credentials are set. */
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

    private AuthMode authMode() {
        if (resolvedAuthMode == null) {
            resolvedAuthMode = AuthMode.resolve(authMode, ticket, username, systemUserToken);
        }
        return resolvedAuthMode;
    }

    /** The one ticket of the application, for every route and consumer. */
    private TicketCache ticketCache(CamelContext camelContext) {
        if (ticketCache == null) {
            ticketCache = new TicketCache(login(camelContext), Settings.duration("superoffice.auth.max-ticket-age", maxTicketAge),
                    Settings.duration("superoffice.auth.retry-after", loginRetryAfter), Clock.systemUTC());
        }
        return ticketCache;
    }

    private Login login(CamelContext camelContext) {
        // the same order as configure(): the server first, then the application, then the mode's credentials
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

    private EmbeddedBroker embeddedBroker() {
        if (embeddedBroker == null) {
            embeddedBroker = new EmbeddedBroker(embeddedBrokerHost, embeddedBrokerPort, Path.of(embeddedBrokerDataDir),
                    embeddedBrokerMaxDeliveryAttempts, embeddedBrokerJournalBufferTimeoutMicros, brokerUsername,
                    brokerPassword);
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
        // Bound on a thread of its own while Camel starts (start-up time); the routes start only once it serves.
        CompletableFuture<CustomerServiceSimulator> started = CompletableFuture.supplyAsync(
                () -> simulator.start(simulatorPort), runnable -> {
                    Thread thread = new Thread(runnable, "simulator-start");
                    thread.setDaemon(true);
                    thread.start();
                });
        camelContext.addService(new ServiceSupport() {
            @Override
            protected void doStart() throws Exception {
                try {
                    started.get();
                } catch (ExecutionException e) {
                    if (Causes.find(e, BindException.class) != null) {
                        throw new StartupConfigurationException("The SuperOffice simulator cannot listen on 127.0.0.1:"
                                + simulatorPort + " (in use?): choose a free port with simulator.port (SIMULATOR_PORT)");
                    }
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
                LOG.warn("""

                        ************************************************************************************************
                        *  DEMO PROFILE: a built-in SuperOffice CustomerService SIMULATOR is running on {}
                        *  and the reporter talks to it, not to a real SuperOffice tenant.
                        *  For real use run with CAMEL_MAIN_PROFILE=prod and set superoffice.url and the credentials.
                        ************************************************************************************************""",
                        simulator.customerServiceUrl());
            }

            @Override
            protected void doStop() {
                started.whenComplete((done, failure) -> simulator.close());
            }
        }, true, true);
    }

    private SecretRedactor secretRedactor() {
        // the timer's queue secret never travels to SuperOffice, but it is a secret of this configuration like the others
        return new SecretRedactor(applicationToken, ticket, brokerPassword, trustStorePassword, keyStorePassword, password,
                systemUserToken, timerQueueSecret);
    }
}
