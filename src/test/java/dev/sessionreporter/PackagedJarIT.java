package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.jar.DevProfileSettings;
import dev.sessionreporter.jar.JarProcess;
import dev.sessionreporter.jar.JarProcesses;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded jar as an operator would: {@code java -jar target/session-reporter.jar} from the project root, as a
 * separate process configured only through environment variables, watched through its console output.
 */
class PackagedJarIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("session-reporter.jar",
            PROJECT_ROOT.resolve("target/session-reporter.jar").toString()));
    private static final Duration START_AND_REPORT = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(30);
    private static final Duration REFUSE_TO_START = Duration.ofSeconds(60);
    private static final String INPUT_QUEUE = "superoffice.session-active";

    private static DevProfileSettings dev;

    @RegisterExtension
    final JarProcesses jars = new JarProcesses(JAR, PROJECT_ROOT);

    @TempDir
    Path brokerDataDir;

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(JAR).as("the packaged jar (mvn package)").isRegularFile();
        assertThat(PROJECT_ROOT.resolve("application.properties")).as("run from the project root").isRegularFile();
        dev = DevProfileSettings.readFrom(JAR);
        // Load the shared test helpers now: a parallel build that recompiles target/test-classes cannot pull them
        // away in the middle of a test.
        FreePort.find();
        assertThat(TestSecrets.APPLICATION_TOKEN).isNotBlank();
    }

    @AfterEach
    void killLeftovers() {
        jars.destroyAll();
    }

    @Test
    void startsInDevProfileAndReportsThroughTheSimulator() throws Exception {
        Map<String, String> environment = devEnvironment();
        int simulatorPort = port(environment, "SIMULATOR_PORT");
        int brokerPort = port(environment, "BROKER_EMBEDDED_PORT");
        int managementPort = port(environment, "REPORTER_MANAGEMENT_PORT");
        JarProcess reporter = jars.start("dev", environment);

        // The first timer tick reports the demo keys of application-dev.properties through the simulator.
        awaitLine(reporter, "Session \\S+ reported active: loginId=1001, .*route=timer-trigger");
        assertThat(JarProcess.classDataArchiveOf(JAR)).as("the class-data archive of mvn package").isRegularFile();
        assertThat(reporter.output())
                .as("the JVM maps the class-data archive written for this jar (a stale one only warns)")
                .doesNotContain("Unable to use shared archive");
        assertThat(reporter.output())
                .as("dev-profile banner: the built-in simulator runs, on SIMULATOR_PORT")
                .contains("SIMULATOR")
                .contains("127.0.0.1:" + simulatorPort);
        Set<String> unknownKeys = new LinkedHashSet<>(dev.timerSessionKeys());
        unknownKeys.removeAll(dev.simulatorSessions().keySet());
        if (!unknownKeys.isEmpty()) {
            awaitLine(reporter, "Session \\S+ dead-lettered: reason=SESSION_NOT_FOUND, .*route=timer-trigger");
        }

        // Another process puts a key on the queue through the embedded broker's TCP acceptor (BROKER_EMBEDDED_PORT).
        String queuedKey = dev.sessionKeyOf(1002);
        sendOverTcp(brokerPort, queuedKey);
        awaitLine(reporter, "Session \\S+ reported active: loginId=1002, .*route=queue-trigger");
        assertThat(brokerDataDir.resolve("journal"))
                .as("the broker journal is in BROKER_EMBEDDED_DATA_DIR")
                .isDirectory();

        // The management server of the packaged jar: health and Prometheus metrics on loopback.
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as("GET /observe/health of the jar").isEqualTo(200);
        assertThat(health.body()).contains("UP");
        String metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("sessionreporter_reports_total{outcome=\"reported\",reason=\"none\"}")
                .doesNotContain(dev.ticket()).doesNotContain(dev.applicationToken());

        // SIGTERM, as a service manager stops it: a graceful shutdown within the time limit.
        reporter.terminate();
        assertThat(reporter.waitForExit(STOP))
                .as("the reporter exits within %s of SIGTERM", STOP)
                .isTrue();
        assertThat(reporter.exitValue()).as("exit code after a clean stop on SIGTERM").isZero();

        String output = reporter.output();
        assertThat(output)
                .as("no secret in the console output")
                .doesNotContain(dev.ticket())
                .doesNotContain(dev.applicationToken());
        Set<String> demoKeys = new LinkedHashSet<>(dev.timerSessionKeys());
        demoKeys.addAll(dev.simulatorSessions().keySet());
        demoKeys.add(queuedKey);
        for (String key : demoKeys) {
            assertThat(output).as("no full session key in the console output").doesNotContain(key);
        }
    }

    @Test
    void sendAndRedriveCommandsOfTheJarReachTheRunningReporter() throws Exception {
        Map<String, String> environment = new HashMap<>(devEnvironment());
        // queue input only: the demo timer keys would add dead letters of their own
        environment.put("REPORTER_TIMER_ENABLED", "false");
        String broker = "tcp://127.0.0.1:" + port(environment, "BROKER_EMBEDDED_PORT");
        JarProcess reporter = jars.start("dev", environment);
        awaitLine(reporter, "Started queue-trigger");
        String unknownKey = TestSecrets.sessionKey("jar0");

        JarProcess send = jars.start("send", Map.of(), "send", "--broker", broker, unknownKey);
        assertThat(send.waitForExit(REFUSE_TO_START)).isTrue();
        assertThat(send.exitValue()).as("send exit code").isZero();
        assertThat(send.output()).contains("Sent 1 session key(s)");
        awaitLine(reporter, "Session jar0… dead-lettered: reason=SESSION_NOT_FOUND, .*route=queue-trigger");

        JarProcess redrive = jars.start("redrive", Map.of(), "redrive", "--reason", "SESSION_NOT_FOUND", "--broker", broker);
        assertThat(redrive.waitForExit(REFUSE_TO_START)).isTrue();
        assertThat(redrive.exitValue()).as("redrive exit code").isZero();
        assertThat(redrive.output()).contains("Moved 1 dead-lettered message(s) with reason SESSION_NOT_FOUND");

        // back on the input queue, the reporter takes it again (the server still does not know it)
        await().atMost(START_AND_REPORT).until(() -> reporter.output().lines()
                .filter(line -> line.contains("Session jar0… dead-lettered: reason=SESSION_NOT_FOUND")).count() == 2);
        assertThat(send.output() + redrive.output() + reporter.output()).doesNotContain(unknownKey.substring(4));
    }

    @Test
    void refusesToStartOnABrokerDataDirectoryOrPortAnotherReporterUses(@TempDir Path otherDataDir) throws Exception {
        Map<String, String> firstEnvironment = devEnvironment();
        JarProcess first = jars.start("dev-first", firstEnvironment);
        awaitLine(first, "Session \\S+ reported active: .*route=timer-trigger");

        // Same BROKER_EMBEDDED_DATA_DIR, ports of its own: before, its broker waited for the journal's lock for ever,
        // without a word, and so did the start.
        JarProcess second = jars.start("dev-second-same-data-dir", devEnvironment());

        assertExitsByItselfWithFailure(second);
        assertThat(second.output())
                .as("a start-up error that names the directory and the property")
                .contains("is in use by another broker")
                .contains(brokerDataDir.toString())
                .contains("broker.embedded.data-dir");

        // Its own data directory but the first one's broker port: a failure of its own, not the directory's.
        Map<String, String> samePort = new HashMap<>(devEnvironment());
        samePort.put("BROKER_EMBEDDED_PORT", firstEnvironment.get("BROKER_EMBEDDED_PORT"));
        samePort.put("BROKER_EMBEDDED_DATA_DIR", otherDataDir.toString());
        JarProcess third = jars.start("dev-third-same-broker-port", samePort);

        assertExitsByItselfWithFailure(third);
        assertThat(third.output())
                .as("a start-up error that points at the port, not at the data directory")
                .contains("The embedded broker did not start")
                .contains("broker.embedded.port")
                .doesNotContain("is in use by another broker");
        assertThat(first.isAlive()).as("the first reporter keeps running").isTrue();
        String queuedKey = dev.sessionKeyOf(1002);
        sendOverTcp(port(firstEnvironment, "BROKER_EMBEDDED_PORT"), queuedKey);
        awaitLine(first, "Session \\S+ reported active: loginId=1002, .*route=queue-trigger");
    }

    private static int port(Map<String, String> environment, String variable) {
        return Integer.parseInt(environment.get(variable));
    }

    /** dev profile with free ports of its own and the test's broker data directory. */
    private Map<String, String> devEnvironment() {
        int simulatorPort = FreePort.find();
        return Map.of(
                "SIMULATOR_PORT", Integer.toString(simulatorPort),
                "BROKER_EMBEDDED_PORT", Integer.toString(freePortOtherThan(simulatorPort)),
                "BROKER_EMBEDDED_DATA_DIR", brokerDataDir.toString(),
                "REPORTER_MANAGEMENT_PORT", Integer.toString(FreePort.find()));
    }

    @Test
    void refusesToStartInProdWithoutTheServerUrl() throws Exception {
        JarProcess reporter = jars.start("prod-without-url", prodEnvironment(Map.of()));

        assertExitsByItselfWithFailure(reporter);
        String output = reporter.output();
        assertThat(output).contains("superoffice.url").contains("SUPEROFFICE_URL");
        assertThat(output.lines().filter(line -> line.contains("superoffice.url") && line.contains("SUPEROFFICE_URL")))
                .as("one message naming the property and its environment variable")
                .isNotEmpty();
        assertThat(output).as("prod never starts the simulator").doesNotContain("SIMULATOR");
    }

    @Test
    void refusesToStartInProdWithoutTheTicket() throws Exception {
        int unusedPort = FreePort.find();
        JarProcess reporter = jars.start("prod-without-ticket", prodEnvironment(Map.of(
                "SUPEROFFICE_URL", "http://127.0.0.1:" + unusedPort + "/x/Remote/Services88/CustomerService.svc",
                "SUPEROFFICE_APPLICATION_TOKEN", TestSecrets.APPLICATION_TOKEN)));

        assertExitsByItselfWithFailure(reporter);
        String output = reporter.output();
        assertThat(output).contains("superoffice.ticket").contains("SUPEROFFICE_TICKET");
        assertThat(output.lines().filter(line -> line.contains("superoffice.ticket") && line.contains("SUPEROFFICE_TICKET")))
                .as("one message naming the property and its environment variable")
                .isNotEmpty();
        assertThat(output)
                .as("prod never starts the simulator")
                .doesNotContain("SIMULATOR");
        assertThat(output)
                .as("the application token is not shown")
                .doesNotContain(TestSecrets.APPLICATION_TOKEN);
    }

    @Test
    void readsTheSecretsFromTheSecretsFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path secretsDir) throws Exception {
        java.nio.file.Path secrets = secretsDir.resolve("secrets.properties");
        java.nio.file.Files.writeString(secrets, "superoffice.application-token = " + TestSecrets.APPLICATION_TOKEN + "\n"
                + "superoffice.ticket = " + TestSecrets.TICKET + "\n");
        Map<String, String> environment = new HashMap<>(prodEnvironment(Map.of(
                "SUPEROFFICE_URL", "http://127.0.0.1:" + FreePort.find() + "/x/Remote/Services88/CustomerService.svc",
                "SESSION_REPORTER_SECRETS_FILE", secrets.toString())));
        // nothing to report: only the start with the secrets file is the subject
        environment.put("REPORTER_TIMER_ENABLED", "false");
        JarProcess reporter = jars.start("prod-secrets-file", environment);

        awaitLine(reporter, "Started queue-trigger");
        reporter.terminate();
        assertThat(reporter.waitForExit(Duration.ofSeconds(30))).isTrue();
        assertThat(reporter.exitValue()).isZero();
        assertThat(reporter.output()).doesNotContain("Missing required property")
                .doesNotContain(TestSecrets.APPLICATION_TOKEN).doesNotContain(TestSecrets.TICKET);
    }

    @Test
    void refusesPlainHttpToARemoteHostInProd() throws Exception {
        // nothing is contacted: the check runs at start-up, before any call
        JarProcess reporter = jars.start("prod-plain-http", prodEnvironment(Map.of(
                "SUPEROFFICE_URL", "http://crm.example.com/SuperOffice/Remote/Services88/CustomerService.svc",
                "SUPEROFFICE_APPLICATION_TOKEN", TestSecrets.APPLICATION_TOKEN,
                "SUPEROFFICE_TICKET", TestSecrets.TICKET)));

        assertExitsByItselfWithFailure(reporter);
        assertThat(reporter.output()).contains("superoffice.url uses plain http:// to crm.example.com",
                "superoffice.allow-insecure-http=true");
        assertThat(reporter.output()).doesNotContain(TestSecrets.APPLICATION_TOKEN).doesNotContain(TestSecrets.TICKET);
    }

    /** prod profile, own free ports and data dir (should anything start), no SuperOffice variable unless given. */
    private Map<String, String> prodEnvironment(Map<String, String> superOffice) {
        int simulatorPort = FreePort.find();
        Map<String, String> environment = new HashMap<>(Map.of(
                "CAMEL_MAIN_PROFILE", "prod",
                "SIMULATOR_PORT", Integer.toString(simulatorPort),
                "BROKER_EMBEDDED_PORT", Integer.toString(freePortOtherThan(simulatorPort)),
                "BROKER_EMBEDDED_DATA_DIR", brokerDataDir.toString()));
        environment.putAll(superOffice);
        return environment;
    }

    /** As another process would: an Artemis JMS client over the broker's TCP acceptor on loopback. */
    private static void sendOverTcp(int brokerPort, String text) throws Exception {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(INPUT_QUEUE))) {
            producer.send(session.createTextMessage(text));
        }
    }

    private static void assertExitsByItselfWithFailure(JarProcess reporter) throws InterruptedException {
        assertThat(reporter.waitForExit(REFUSE_TO_START))
                .as("the reporter exits by itself within %s (no thread keeps the JVM alive)", REFUSE_TO_START)
                .isTrue();
        assertThat(reporter.exitValue()).as("exit code of a failed start").isEqualTo(1);
    }

    private static void awaitLine(JarProcess reporter, String regex) {
        Pattern pattern = Pattern.compile(regex);
        await("a line matching /" + regex + "/ from " + reporter.name())
                .atMost(START_AND_REPORT)
                .pollInterval(Duration.ofMillis(200))
                .failFast("the reporter exited", () -> !reporter.isAlive())
                .until(() -> reporter.output().lines().anyMatch(line -> pattern.matcher(line).find()));
    }

    private static int freePortOtherThan(int port) {
        int other = FreePort.find();
        while (other == port) {
            other = FreePort.find();
        }
        return other;
    }
}
