package dev.sessionreporter.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.broker.EmbeddedBroker;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RoutePolicySupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Camel application that is not ours (a plain DefaultCamelContext, no Camel Main, none of our configuration; its own
 * "jms" component on its own Artemis broker on loopback) loads the route templates from our jar's classpath and makes
 * routes of them with its own names and endpoints: the queue trigger reports, dead-letters with reasons, suppresses
 * duplicates, retries, rolls back and pauses while SuperOffice keeps failing; the timer reports its keys every period.
 */
class TemplatesInHostApplicationTest {
    private static final CustomerServiceSimulator SIMULATOR =
            new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET);
    /** A second SuperOffice, failing on demand, so that its breaker opening does not touch the other routes. */
    private static final CustomerServiceSimulator FLAKY =
            new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET);
    private static final String TIMER_KEY = TestSecrets.sessionKey("tim1");
    private static final String TIMER_FILE_KEY = TestSecrets.sessionKey("tim2");
    private static final String TIMER_UNKNOWN_KEY = TestSecrets.sessionKey("tim3");
    private static final List<String> BROKEN_DEAD_LETTERS = new CopyOnWriteArrayList<>();
    /** The routes the host's leader policy (say, a ClusteredRoutePolicy) was given, and the ticks it saw. */
    private static final List<String> LED_ROUTES = new CopyOnWriteArrayList<>();
    private static final AtomicInteger LED_TICKS = new AtomicInteger();

    @TempDir
    static Path dir;
    private static EmbeddedBroker broker;
    private static CamelContext host;
    private static QueueClient queues;
    private static CapturedLog log;

    @BeforeAll
    static void startHost() throws Exception {
        log = CapturedLog.attach();
        SIMULATOR.start(0);
        FLAKY.start(0);
        SIMULATOR.addSession(TIMER_KEY, 71);
        SIMULATOR.addSession(TIMER_FILE_KEY, 72);
        Path keysFile = Files.writeString(dir.resolve("timer-keys.txt"), "# the host's keys\n" + TIMER_FILE_KEY + "\n");
        int brokerPort = FreePort.find();
        broker = new EmbeddedBroker("127.0.0.1", brokerPort, dir.resolve("broker"), 100, 0);
        broker.start();
        queues = new QueueClient(brokerPort);

        host = new DefaultCamelContext();
        Properties settings = new Properties();
        // the host's own settings, named as the host likes
        settings.setProperty("crm.url", SIMULATOR.customerServiceUrl());
        settings.setProperty("crm.flaky-url", FLAKY.customerServiceUrl());
        settings.setProperty("crm.application-token", TestSecrets.APPLICATION_TOKEN);
        settings.setProperty("crm.ticket", TestSecrets.TICKET);
        // a loopback port nothing listens on: an unreachable SuperOffice
        settings.setProperty("crm.unreachable-url", "http://127.0.0.1:" + FreePort.find()
                + CustomerServiceSimulator.CUSTOMER_SERVICE_PATH);
        settings.setProperty("crm.timer-keys", TIMER_KEY + "," + TIMER_UNKNOWN_KEY);
        settings.setProperty("crm.timer-keys-file", keysFile.toString());
        // the names the README's example uses
        settings.setProperty("superoffice.url", SIMULATOR.customerServiceUrl());
        settings.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
        settings.setProperty("superoffice.ticket", TestSecrets.TICKET);
        host.getPropertiesComponent().setInitialProperties(settings);
        // the host's own JMS component: the only thing the templates need from it
        host.addComponent("jms", JmsComponent.jmsComponent(new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort)));
        host.getRegistry().bind("hostLeadership", new RoutePolicySupport() {
            @Override
            public void onInit(Route route) {
                LED_ROUTES.add(route.getRouteId());
            }

            @Override
            public void onExchangeBegin(Route route, Exchange exchange) {
                LED_TICKS.incrementAndGet();
            }
        });
        host.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // a dead-letter endpoint that cannot take the message
                from("direct:host-broken-dead-letters").routeId("host-broken-dead-letters")
                        .process(exchange -> BROKEN_DEAD_LETTERS.add(
                                exchange.getIn().getHeader("JMSRedelivered", "false", String.class)))
                        .throwException(new IllegalStateException("the host's dead-letter store is down"));
            }
        });
        var loader = PluginHelper.getRoutesLoader(host);
        loader.loadRoutes(ResourceHelper.resolveMandatoryResource(host,
                "classpath:session-reporter/templates.camel.yaml"));
        loader.loadRoutes(ResourceHelper.fromString("host-routes.camel.yaml", HOST_ROUTES));
        loader.loadRoutes(ResourceHelper.fromString("readme.camel.yaml", readmeExample()));
        host.start();
    }

    /** The host's own YAML: routes made of the templates, with its names, endpoints and settings. */
    private static final String HOST_ROUTES = """
            - templatedRoute:
                routeTemplateRef: session-reporter-queue-trigger
                routeId: host-sessions-queue
                parameters:
                  - name: routeIdPrefix
                    value: host-sessions
                  - name: queueUri
                    value: jms:queue:host.sessions
                  - name: deadLetterUri
                    value: jms:queue:host.sessions.failed
                  - name: resultUri
                    value: jms:queue:host.reported
                  - name: url
                    value: "{{crm.url}}"
                  - name: applicationToken
                    value: "{{crm.application-token}}"
                  - name: ticket
                    value: "{{crm.ticket}}"
                  - name: concurrency
                    value: "2"
                  - name: duplicateWindow
                    value: 30s
            - templatedRoute:
                routeTemplateRef: session-reporter-queue-trigger
                routeId: host-unreachable-queue
                parameters:
                  - name: routeIdPrefix
                    value: host-unreachable
                  - name: queueUri
                    value: jms:queue:host.unreachable
                  - name: deadLetterUri
                    value: jms:queue:host.unreachable.failed
                  - name: url
                    value: "{{crm.unreachable-url}}"
                  - name: applicationToken
                    value: "{{crm.application-token}}"
                  - name: ticket
                    value: "{{crm.ticket}}"
                  - name: retries
                    value: "2"
                  # test speed: the back-off is not under test here
                  - name: retryDelayMillis
                    value: "50"
                  - name: connectTimeout
                    value: "2000"
            - templatedRoute:
                routeTemplateRef: session-reporter-queue-trigger
                routeId: host-broken-queue
                parameters:
                  - name: routeIdPrefix
                    value: host-broken
                  - name: queueUri
                    value: jms:queue:host.broken
                  - name: deadLetterUri
                    value: direct:host-broken-dead-letters
                  - name: url
                    value: "{{crm.url}}"
                  - name: applicationToken
                    value: "{{crm.application-token}}"
                  - name: ticket
                    value: "{{crm.ticket}}"
            - templatedRoute:
                routeTemplateRef: session-reporter-queue-trigger
                routeId: host-flaky-queue
                parameters:
                  - name: routeIdPrefix
                    value: host-flaky
                  - name: queueUri
                    value: jms:queue:host.flaky
                  - name: deadLetterUri
                    value: jms:queue:host.flaky.failed
                  - name: url
                    value: "{{crm.flaky-url}}"
                  - name: applicationToken
                    value: "{{crm.application-token}}"
                  - name: ticket
                    value: "{{crm.ticket}}"
                  - name: concurrency
                    value: "1"
                  - name: retries
                    value: "0"
                  # test speed: the breaker opens after two failed calls and probes after 2 s
                  - name: breakerMinimumCalls
                    value: "2"
                  - name: breakerWindow
                    value: "2"
                  - name: breakerOpenDuration
                    value: 2s
            - templatedRoute:
                routeTemplateRef: session-reporter-queue-trigger
                routeId: host-misconfigured-queue
                parameters:
                  - name: routeIdPrefix
                    value: host-misconfigured
                  - name: queueUri
                    value: jms:queue:host.misconfigured
                  - name: deadLetterUri
                    value: jms:queue:host.misconfigured.failed
                  # plain http to another machine: the Kamelet refuses to send the token and ticket there
                  - name: url
                    value: "http://crm.example.invalid/Remote/Services88/CustomerService.svc"
                  - name: applicationToken
                    value: "{{crm.application-token}}"
                  - name: ticket
                    value: "{{crm.ticket}}"
            - templatedRoute:
                routeTemplateRef: session-reporter-timer-trigger
                routeId: host-keepalive-timer
                parameters:
                  - name: routeIdPrefix
                    value: host-keepalive
                  - name: keys
                    value: "{{crm.timer-keys}}"
                  - name: keysFile
                    value: "{{crm.timer-keys-file}}"
                  # test speed: a tick every second instead of every minute
                  - name: period
                    value: 1s
                  - name: leaderPolicy
                    value: hostLeadership
                  - name: deadLetterUri
                    value: jms:queue:host.keepalive.failed
                  - name: resultUri
                    value: jms:queue:host.keepalive.reported
                  - name: url
                    value: "{{crm.url}}"
                  - name: applicationToken
                    value: "{{crm.application-token}}"
                  - name: ticket
                    value: "{{crm.ticket}}"
            """;

    @Test
    void theReadmesExampleReportsTheKeysOfItsQueue() throws Exception {
        String key = TestSecrets.sessionKey("rdme");
        SIMULATOR.addSession(key, 4716);

        queues.send("sessions", session -> session.createTextMessage(key));

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        assertThat(host.getRoute("crm-sessions-queue")).isNotNull();
        assertThat(host.getRoute("crm-sessions-queue-call")).isNotNull();
    }

    /** The templatedRoute example of the README's section "Use it in your Camel application". */
    private static String readmeExample() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("**Route templates.**");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    /** The queue template's result for {@code key} (others, of earlier tests, are passed over), or null. */
    private static Message resultFor(String key, long timeoutMillis) throws Exception {
        String masked = key.substring(0, 4) + "…";
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (long left = timeoutMillis; left > 0; left = deadline - System.currentTimeMillis()) {
            Message result = queues.receive("host.reported", left);
            if (result != null && masked.equals(result.getStringProperty(ReporterHeaders.MASKED_SESSION_KEY))) {
                return result;
            }
        }
        return null;
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.stop();
        }
        if (queues != null) {
            queues.close();
        }
        if (broker != null) {
            broker.stop();
        }
        SIMULATOR.close();
        FLAKY.close();
        if (log != null) {
            log.close();
        }
    }

    @Test
    void queuedKeysAreReportedAndTheirResultsSent() throws Exception {
        String key = TestSecrets.sessionKey("qrp1");
        SIMULATOR.addSession(key, 4711);

        queues.send("host.sessions", session -> session.createTextMessage(key));

        Message result = resultFor(key, 10_000);
        assertThat(result).isNotNull();
        assertThat(((TextMessage) result).getText()).contains("loginId=4711").doesNotContain(key);
        assertThat(result.getStringProperty(ReporterHeaders.ROUTE_ID)).isEqualTo("host-sessions-queue");
        assertThat(SIMULATOR.acceptedReportCount(key)).isEqualTo(1);
    }

    @Test
    void anUnknownKeyIsDeadLetteredWithItsReasonAndTheOriginalMessage() throws Exception {
        String key = TestSecrets.sessionKey("qunk");

        queues.send("host.sessions", session -> {
            Message message = session.createTextMessage(key);
            message.setStringProperty("senderNote", "from the host's sender");
            return message;
        });

        Message dead = queues.receive("host.sessions.failed", 10_000);
        assertThat(dead).isNotNull();
        assertThat(((TextMessage) dead).getText()).isEqualTo(key);
        assertThat(dead.getStringProperty("senderNote")).isEqualTo("from the host's sender");
        assertThat(dead.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo(FailureReason.SESSION_NOT_FOUND.name());
        assertThat(dead.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).isNotBlank()
                .doesNotStartWith(FailureReason.SESSION_NOT_FOUND.name())
                .doesNotContain(key, TestSecrets.TICKET, TestSecrets.APPLICATION_TOKEN);
        assertThat(dead.getStringProperty(ReporterHeaders.MASKED_SESSION_KEY)).isEqualTo(key.substring(0, 4) + "…");
        assertThat(dead.getStringProperty(ReporterHeaders.ROUTE_ID)).isEqualTo("host-sessions-queue");
        assertThat(dead.getIntProperty(ReporterHeaders.ATTEMPTS)).isEqualTo(1);
    }

    @Test
    void theSameKeyTwiceWithinTheWindowIsReportedOnce() throws Exception {
        String key = TestSecrets.sessionKey("qdup");
        SIMULATOR.addSession(key, 4712);

        queues.send("host.sessions", session -> session.createTextMessage(key));
        assertThat(resultFor(key, 10_000)).isNotNull();
        queues.send("host.sessions", session -> session.createTextMessage("{\"sessionKey\":\"" + key + "\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> broker.messageCount("host.sessions") == 0);
        assertThat(resultFor(key, 1_000)).as("no second result").isNull();
        assertThat(SIMULATOR.requestsFor(key)).hasSize(1);
        assertThat(log.text()).contains("suppressed as a duplicate", "30s (duplicateWindow of route template");
    }

    @Test
    void aKeyArrivingAgainAfterItsDeadLetterIsReportedNotSuppressed() throws Exception {
        String key = TestSecrets.sessionKey("qagn");
        queues.send("host.sessions", session -> session.createTextMessage(key));
        assertThat(queues.receive("host.sessions.failed", 10_000)).isNotNull();
        SIMULATOR.addSession(key, 4715);

        queues.send("host.sessions", session -> session.createTextMessage(key));

        assertThat(resultFor(key, 10_000)).isNotNull();
        assertThat(SIMULATOR.acceptedReportCount(key)).isEqualTo(1);
    }

    @Test
    void anInvalidKeyIsDeadLetteredBeforeAnyCall() throws Exception {
        queues.send("host.sessions", session -> session.createTextMessage("not a session key"));

        Message dead = queues.receive("host.sessions.failed", 10_000);
        assertThat(dead).isNotNull();
        assertThat(dead.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo(FailureReason.INVALID_INPUT.name());
        assertThat(((TextMessage) dead).getText()).isEqualTo("not a session key");
        assertThat(dead.getIntProperty(ReporterHeaders.ATTEMPTS)).as("the server was not called").isZero();
    }

    @Test
    void anUnreachableServerIsRetriedThenDeadLetteredAsUnreachable() throws Exception {
        String key = TestSecrets.sessionKey("qdwn");

        queues.send("host.unreachable", session -> session.createTextMessage(key));

        Message dead = queues.receive("host.unreachable.failed", 20_000);
        assertThat(dead).isNotNull();
        assertThat(((TextMessage) dead).getText()).isEqualTo(key);
        assertThat(dead.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo(FailureReason.UNREACHABLE.name());
        assertThat(dead.getIntProperty(ReporterHeaders.ATTEMPTS)).as("the call and two retries").isEqualTo(3);
        assertThat(log.text()).contains("retry 1 of 2", "retry 2 of 2");
    }

    @Test
    void aDeadLetterThatCannotBeSentRollsTheMessageBackToTheQueue() throws Exception {
        String key = TestSecrets.sessionKey("qrbk");

        queues.send("host.broken", session -> session.createTextMessage(key));

        // taken, failed to dead-letter, rolled back and delivered again by the broker
        await().atMost(Duration.ofSeconds(15)).until(() -> BROKEN_DEAD_LETTERS.contains("true"));
        host.getRouteController().stopRoute("host-broken-queue");
        // (the broker holds it back for its redelivery delay)
        assertThat(broker.messageCount("host.broken")).as("still on the queue").isEqualTo(1);
    }

    @Test
    void whileSuperOfficeKeepsFailingTheQueueIsPausedAndResumesWhenItAnswers() throws Exception {
        String key = TestSecrets.sessionKey("qbrk");
        FLAKY.addSession(key, 4713);
        FLAKY.failAll(SimulatedFailure.httpStatus(503));
        try {
            queues.send("host.flaky", session -> session.createTextMessage(TestSecrets.sessionKey("qbk1")));
            queues.send("host.flaky", session -> session.createTextMessage(TestSecrets.sessionKey("qbk2")));
            assertThat(queues.receive("host.flaky.failed", 10_000)).isNotNull();
            assertThat(queues.receive("host.flaky.failed", 10_000)).isNotNull();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    host.getRouteController().getRouteStatus("host-flaky-queue") == ServiceStatus.Suspended);

            queues.send("host.flaky", session -> session.createTextMessage(key));

            Thread.sleep(500);
            assertThat(broker.messageCount("host.flaky")).as("waits on the queue while paused").isEqualTo(1);
            assertThat(FLAKY.requestsFor(key)).isEmpty();
        } finally {
            FLAKY.clearFailures();
        }
        // after the open state the probe gets an answer, the breaker closes and the queue is consumed again
        await().atMost(Duration.ofSeconds(15)).until(() -> FLAKY.acceptedReportCount(key) == 1);
        assertThat(host.getRouteController().getRouteStatus("host-flaky-queue")).isEqualTo(ServiceStatus.Started);
        assertThat(queues.receive("host.flaky.failed", 500)).as("not dead-lettered").isNull();
    }

    @Test
    void theTimerReportsTheListAndTheFileEveryPeriodAndDeadLettersAnUnknownKey() throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() ->
                SIMULATOR.acceptedReportCount(TIMER_KEY) >= 2 && SIMULATOR.acceptedReportCount(TIMER_FILE_KEY) >= 2);

        Message dead = queues.receive("host.keepalive.failed", 10_000);
        assertThat(dead).isNotNull();
        assertThat(((TextMessage) dead).getText()).isEqualTo(TIMER_UNKNOWN_KEY);
        assertThat(dead.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo(FailureReason.SESSION_NOT_FOUND.name());
        assertThat(dead.getStringProperty(ReporterHeaders.ROUTE_ID)).isEqualTo("host-keepalive-timer");
        assertThat(queues.receive("host.keepalive.reported", 5_000)).isNotNull();
        // the host's leader policy governs the timer route
        assertThat(LED_ROUTES).containsExactly("host-keepalive-timer");
        assertThat(LED_TICKS.get()).isPositive();
    }

    @Test
    void everyRouteIdCarriesTheHostsPrefixAndNoSecretIsLogged() throws Exception {
        String key = TestSecrets.sessionKey("qlog");
        SIMULATOR.addSession(key, 4714);
        queues.send("host.sessions", session -> session.createTextMessage(key));
        assertThat(resultFor(key, 10_000)).isNotNull();

        assertThat(host.getRoutes()).extracting(route -> route.getRouteId())
                // host-…: this test's own names; crm-…: the README example's
                .allSatisfy(id -> assertThat(id).matches("(host|crm)-.*"))
                .contains("host-sessions-queue", "host-sessions-queue-call", "host-keepalive-timer",
                        "host-keepalive-timer-call");
        // the templates' beans are local to their routes: none of ours in the host's registry
        var beans = host.getRegistry().findByTypeWithName(Object.class);
        beans.remove("hostLeadership");
        assertThat(beans).allSatisfy((name, bean) ->
                assertThat(bean.getClass().getName()).as(name).doesNotStartWith("dev.sessionreporter"));
        assertThat(log.text()).doesNotContain(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET, key, TIMER_KEY);
    }

    @Test
    void aMisconfiguredKameletDeadLettersTheKeyWithoutItsSecrets() throws Exception {
        String key = TestSecrets.sessionKey("qmis");

        queues.send("host.misconfigured", session -> session.createTextMessage(key));

        // the Kamelet's route is made with the first key: its refusal is that key's failure, with the reason
        Message dead = queues.receive("host.misconfigured.failed", 10_000);
        assertThat(dead).isNotNull();
        assertThat(((TextMessage) dead).getText()).isEqualTo(key);
        assertThat(dead.getStringProperty(ReporterHeaders.FAILURE_REASON)).isNotBlank();
        var names = java.util.Collections.list((java.util.Enumeration<?>) dead.getPropertyNames());
        for (Object name : names) {
            assertThat(String.valueOf(dead.getObjectProperty(name.toString()))).as(name.toString())
                    .doesNotContain(TestSecrets.TICKET, TestSecrets.APPLICATION_TOKEN);
        }
        assertThat(log.text()).doesNotContain(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET, key);
    }
}
