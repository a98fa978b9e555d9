package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.jar.DemoProfileSettings;
import dev.sessionreporter.jar.JarProcess;
import dev.sessionreporter.jar.JarProcesses;
import dev.sessionreporter.jar.ProdEnvironment;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.FullSuite;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
@FullSuite
class PackagedJarIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("session-reporter.jar",
            PROJECT_ROOT.resolve("target/session-reporter.jar").toString()));
    private static final Duration START_AND_REPORT = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(30);
    private static final Duration REFUSE_TO_START = Duration.ofSeconds(60);
    private static final String INPUT_QUEUE = "superoffice.session-active";
    /** The first line of the start-up banner, logged once every route (the queue consumer too) has started. */
    private static final String STARTED = "Session reporter started \\(profile ";
    /** What the console may print before the first report: the banner, the demo warning and a few notes. */
    private static final int MAX_LINES_BEFORE_FIRST_REPORT = 35;

    private static DemoProfileSettings demo;

    @RegisterExtension
    final JarProcesses jars = new JarProcesses(JAR, PROJECT_ROOT);

    @TempDir
    Path brokerDataDir;

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(JAR).as("the packaged jar (mvn package)").isRegularFile();
        assertThat(PROJECT_ROOT.resolve("application.properties")).as("run from the project root").isRegularFile();
        demo = DemoProfileSettings.readFrom(JAR);
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
    void startsInTheDemoProfileByDefaultAndReportsThroughTheSimulator() throws Exception {
        Map<String, String> environment = demoEnvironment();
        int simulatorPort = port(environment, "SIMULATOR_PORT");
        int brokerPort = port(environment, "BROKER_EMBEDDED_PORT");
        int managementPort = port(environment, "REPORTER_MANAGEMENT_PORT");
        JarProcess reporter = jars.start("demo", environment);

        // The first timer tick reports the demo keys of application-demo.properties through the simulator.
        awaitLine(reporter, "Session \\S+ reported active: loginId=1001, .*route=session-reporter-timer-trigger");
        // the banner comes once every route has started; the timer's first report may overtake it
        awaitLine(reporter, STARTED);
        List<String> console = reporter.output().lines().toList();
        int firstReport = console.stream().filter(line -> line.contains(" reported active: ")).findFirst()
                .map(console::indexOf).orElseThrow();
        assertThat(firstReport).as("console lines before the first report:%n%s",
                String.join("\n", console.subList(0, firstReport))).isLessThanOrEqualTo(MAX_LINES_BEFORE_FIRST_REPORT);
        int banner = console.indexOf(console.stream().filter(line -> line.contains("Session reporter started (profile demo"))
                .findFirst().orElseThrow());
        // Camel reads its version from camel-base-engine's pom.properties: the shaded jar must keep that file
        assertThat(console.get(banner)).as("the banner's headline").containsPattern("Apache Camel 4\\.\\d+");
        // the headline, then its indented lines
        List<String> bannerLines = console.subList(banner + 1, console.size()).stream()
                .takeWhile(line -> line.startsWith("  ")).toList();
        assertThat(bannerLines).as("the start-up banner").hasSizeBetween(4, 19)
                .anyMatch(line -> line.contains("SuperOffice  http://127.0.0.1:" + simulatorPort + "/Cust00000/"))
                .anyMatch(line -> line.contains("management   http://127.0.0.1:" + managementPort + "/observe/health"));
        assertThat(reporter.output()).as("Camel's property summaries only at DEBUG")
                .doesNotContain("Property-placeholders summary").doesNotContain("Auto-configuration summary");
        Path archive = JarProcess.classDataArchiveOf(JAR);
        if (Files.isRegularFile(archive)
                && !Files.getLastModifiedTime(archive).toInstant().isBefore(Files.getLastModifiedTime(JAR).toInstant())) {
            assertThat(reporter.output())
                    .as("the JVM maps the class-data archive mvn package -Pcds wrote for this jar")
                    .doesNotContain("Unable to use shared archive");
        }
        assertThat(reporter.output())
                .as("demo-profile banner: the built-in simulator runs, on SIMULATOR_PORT")
                .contains("SIMULATOR")
                .contains("127.0.0.1:" + simulatorPort);
        Set<String> unknownKeys = new LinkedHashSet<>(demo.timerSessionKeys());
        unknownKeys.removeAll(demo.simulatorSessions().keySet());
        if (!unknownKeys.isEmpty()) {
            awaitLine(reporter, "Session \\S+ dead-lettered: reason=SESSION_NOT_FOUND, .*route=session-reporter-timer-trigger");
        }

        // Another process puts a key on the queue through the embedded broker's TCP acceptor (BROKER_EMBEDDED_PORT).
        String queuedKey = demo.sessionKeyOf(1002);
        sendOverTcp(brokerPort, queuedKey);
        awaitLine(reporter, "Session \\S+ reported active: loginId=1002, .*route=session-reporter-queue-trigger");
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
                .doesNotContain(demo.ticket()).doesNotContain(demo.applicationToken());

        // SIGTERM, as a service manager stops it: a graceful shutdown within the time limit.
        reporter.terminate();
        assertThat(reporter.waitForExit(STOP))
                .as("the reporter exits within %s of SIGTERM", STOP)
                .isTrue();
        assertThat(reporter.exitValue()).as("exit code after a clean stop on SIGTERM").isZero();

        String output = reporter.output();
        assertThat(output)
                .as("the console holds Camel's last shutdown lines: what was logged before the process ended was written")
                .contains("(session-reporter) shutdown in ")
                .containsPattern("Apache Camel \\(Main\\) \\S+ shutdown");
        assertThat(output)
                .as("no secret in the console output")
                .doesNotContain(demo.ticket())
                .doesNotContain(demo.applicationToken());
        Set<String> demoKeys = new LinkedHashSet<>(demo.timerSessionKeys());
        demoKeys.addAll(demo.simulatorSessions().keySet());
        demoKeys.add(queuedKey);
        for (String key : demoKeys) {
            assertThat(output).as("no full session key in the console output").doesNotContain(key);
        }
    }

    @Test
    void sendAndRedriveCommandsOfTheJarReachTheRunningReporter() throws Exception {
        Map<String, String> environment = new HashMap<>(demoEnvironment());
        // queue input only: the demo timer keys would add dead letters of their own
        environment.put("REPORTER_TIMER_ENABLED", "false");
        String broker = "tcp://127.0.0.1:" + port(environment, "BROKER_EMBEDDED_PORT");
        JarProcess reporter = jars.start("demo", environment);
        awaitLine(reporter, STARTED);
        String unknownKey = TestSecrets.sessionKey("jar0");

        JarProcess send = jars.start("send", Map.of(), "send", "--broker", broker, unknownKey);
        assertThat(send.waitForExit(REFUSE_TO_START)).isTrue();
        assertThat(send.exitValue()).as("send exit code").isZero();
        assertThat(send.output()).contains("Sent 1 session key(s)");
        awaitLine(reporter, "Session jar0… dead-lettered: reason=SESSION_NOT_FOUND, .*route=session-reporter-queue-trigger");

        JarProcess list = jars.start("dead-letters", Map.of(), "dead-letters", "--broker", broker);
        assertThat(list.waitForExit(REFUSE_TO_START)).isTrue();
        assertThat(list.exitValue()).as("dead-letters exit code").isZero();
        assertThat(list.output()).contains("SESSION_NOT_FOUND  session jar0…  attempts=1  route=session-reporter-queue-trigger",
                "1 dead-lettered message(s) on superoffice.session-active.DLQ");

        JarProcess redrive = jars.start("redrive", Map.of(), "redrive", "--reason", "SESSION_NOT_FOUND", "--broker", broker);
        assertThat(redrive.waitForExit(REFUSE_TO_START)).isTrue();
        assertThat(redrive.exitValue()).as("redrive exit code").isZero();
        assertThat(redrive.output()).contains("Moved 1 dead-lettered message(s) with reason SESSION_NOT_FOUND");

        // back on the input queue, the reporter takes it again (the server still does not know it)
        await().atMost(START_AND_REPORT).until(() -> reporter.output().lines()
                .filter(line -> line.contains("Session jar0… dead-lettered: reason=SESSION_NOT_FOUND")).count() == 2);
        assertThat(send.output() + list.output() + redrive.output() + reporter.output())
                .doesNotContain(unknownKey.substring(4));
    }

    /** README "Run": the prod profile tried without a tenant, against the jar's own simulator command. */
    @Test
    void prodProfileReportsToTheSimulatorCommandOfTheJar() throws Exception {
        int simulatorPort = FreePort.find();
        String knownKey = TestSecrets.sessionKey("jarsim1");
        JarProcess simulator = jars.start("simulator", Map.of("SIMULATOR_TICKET", TestSecrets.TICKET,
                "SIMULATOR_APPLICATION_TOKEN", TestSecrets.APPLICATION_TOKEN), "simulator", "--port",
                Integer.toString(simulatorPort), "--session", knownKey + "=1001");
        awaitLine(simulator, "simulator listening on http://127.0.0.1:" + simulatorPort + "/");
        Map<String, String> environment = ProdEnvironment.of("http://127.0.0.1:" + simulatorPort
                + "/Cust00000/Remote/Services88/CustomerService.svc", freePortOtherThan(simulatorPort), brokerDataDir);
        environment.put("REPORTER_TIMER_ENABLED", "true");
        environment.put("REPORTER_TIMER_SESSION_KEYS", knownKey + "," + TestSecrets.sessionKey("jarsim2"));
        environment.put("REPORTER_MANAGEMENT_PORT", Integer.toString(FreePort.find()));

        JarProcess reporter = jars.start("prod-against-simulator-command", environment);

        awaitLine(reporter, "Session jars… reported active: loginId=1001, .*route=session-reporter-timer-trigger");
        awaitLine(reporter, "Session jars… dead-lettered: reason=SESSION_NOT_FOUND, .*route=session-reporter-timer-trigger");
        simulator.terminate();
        assertThat(simulator.waitForExit(STOP)).isTrue();
        assertThat(simulator.exitValue()).as("the simulator command after SIGTERM").isZero();
        assertThat(reporter.output() + simulator.output()).doesNotContain(knownKey, TestSecrets.TICKET,
                TestSecrets.APPLICATION_TOKEN);
    }

    @Test
    void refusesToStartOnABrokerDataDirectoryOrPortAnotherReporterUses(@TempDir Path otherDataDir) throws Exception {
        Map<String, String> firstEnvironment = demoEnvironment();
        JarProcess first = jars.start("demo-first", firstEnvironment);
        awaitLine(first, "Session \\S+ reported active: .*route=session-reporter-timer-trigger");

        // Same BROKER_EMBEDDED_DATA_DIR, ports of its own: before, its broker waited for the journal's lock for ever,
        // without a word, and so did the start.
        JarProcess second = jars.start("demo-second-same-data-dir", demoEnvironment());

        assertExitsByItselfWithFailure(second);
        assertThat(second.output())
                .as("a start-up error that names the directory and the property")
                .contains("is in use by another broker")
                .contains(brokerDataDir.toString())
                .contains("broker.embedded.data-dir");

        // Its own data directory but the first one's broker port: a failure of its own, not the directory's.
        Map<String, String> samePort = new HashMap<>(demoEnvironment());
        samePort.put("BROKER_EMBEDDED_PORT", firstEnvironment.get("BROKER_EMBEDDED_PORT"));
        samePort.put("BROKER_EMBEDDED_DATA_DIR", otherDataDir.toString());
        JarProcess third = jars.start("demo-third-same-broker-port", samePort);

        assertExitsByItselfWithFailure(third);
        assertThat(third.output())
                .as("a start-up error that points at the port, not at the data directory")
                .contains("The embedded broker did not start")
                .contains("broker.embedded.port")
                .doesNotContain("is in use by another broker");
        assertThat(first.isAlive()).as("the first reporter keeps running").isTrue();
        String queuedKey = demo.sessionKeyOf(1002);
        sendOverTcp(port(firstEnvironment, "BROKER_EMBEDDED_PORT"), queuedKey);
        awaitLine(first, "Session \\S+ reported active: loginId=1002, .*route=session-reporter-queue-trigger");
    }

    /**
     * A real server configured, the profile forgotten: the demo refuses to start instead of sending its demo keys
     * there. A second simulator plays the real server and must receive nothing.
     */
    @Test
    void withoutAProfileARealServerGetsNothingAndTheStartIsRefused() throws Exception {
        try (CustomerServiceSimulator realServer = new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN,
                TestSecrets.TICKET).start(0)) {
            Map<String, String> environment = new HashMap<>(demoEnvironment());
            environment.put("SUPEROFFICE_URL", realServer.customerServiceUrl());
            environment.put("SUPEROFFICE_APPLICATION_TOKEN", TestSecrets.APPLICATION_TOKEN);
            environment.put("SUPEROFFICE_TICKET", TestSecrets.TICKET);
            JarProcess reporter = jars.start("no-profile-real-server", environment);

            assertExitsByItselfWithFailure(reporter);
            assertThat(reporter.output()).contains("superoffice.url").contains("CAMEL_MAIN_PROFILE=prod")
                    .doesNotContain("SIMULATOR is running")
                    .doesNotContain(TestSecrets.TICKET).doesNotContain(TestSecrets.APPLICATION_TOKEN);
            assertThat(realServer.requestCount()).as("requests the real server received").isZero();
        }
    }

    @Test
    void refusesAnUnknownProfile() throws Exception {
        Map<String, String> environment = new HashMap<>(demoEnvironment());
        environment.put("CAMEL_MAIN_PROFILE", "production");
        JarProcess reporter = jars.start("unknown-profile", environment);

        assertExitsByItselfWithFailure(reporter);
        assertThat(reporter.output()).contains("Unknown profile 'production'").contains("CAMEL_MAIN_PROFILE")
                .contains("demo").contains("prod").doesNotContain("SIMULATOR is running");
    }

    /**
     * The demo and prod run from the same folder (no routes/ folder there: the routes in the jar) keep their broker
     * data apart: a demo key dead-lettered by the demo cannot be redriven to the real server.
     */
    @Test
    void demoAndProdFromTheSameFolderKeepTheirDeadLettersApart(@TempDir Path folder) throws Exception {
        int brokerPort = FreePort.find();
        Map<String, String> demoEnvironment = new HashMap<>(Map.of(
                "SIMULATOR_PORT", Integer.toString(freePortOtherThan(brokerPort)),
                "BROKER_EMBEDDED_PORT", Integer.toString(brokerPort)));
        JarProcess demoRun = jars.startIn(folder, "demo-in-folder", demoEnvironment);
        awaitLine(demoRun, "Session \\S+ dead-lettered: reason=SESSION_NOT_FOUND, .*route=session-reporter-timer-trigger");
        demoRun.terminate();
        assertThat(demoRun.waitForExit(STOP)).isTrue();
        assertThat(folder.resolve("data/demo/broker/journal")).as("the demo's broker journal").isDirectory();
        assertThat(folder.resolve("data/broker")).as("prod's broker folder, untouched by the demo").doesNotExist();

        try (CustomerServiceSimulator realServer = new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN,
                TestSecrets.TICKET).start(0)) {
            Map<String, String> prodEnvironment = ProdEnvironment.of(realServer.customerServiceUrl(), brokerPort, folder);
            // prod's own default folders under ./data
            prodEnvironment.remove("BROKER_EMBEDDED_DATA_DIR");
            JarProcess prodRun = jars.startIn(folder, "prod-in-folder", prodEnvironment);
            awaitLine(prodRun, STARTED);

            JarProcess redrive = jars.startIn(folder, "redrive-in-folder", Map.of(), "redrive", "--broker",
                    "tcp://127.0.0.1:" + brokerPort);
            assertThat(redrive.waitForExit(REFUSE_TO_START)).isTrue();
            assertThat(redrive.exitValue()).as("redrive exit code").isZero();
            assertThat(redrive.output()).as("prod's dead letters hold no demo key").contains("Moved 0 dead-lettered");
            assertThat(realServer.requestCount()).as("requests the real server received").isZero();
        }
    }

    @Test
    void startsFromAFolderWithAnEmptyRoutesFolderWithTheBuiltInRoutes(@TempDir Path folder) throws Exception {
        Files.createDirectories(folder.resolve("routes"));
        JarProcess reporter = jars.startIn(folder, "empty-routes-folder", demoEnvironment());

        awaitLine(reporter, "Session \\S+ reported active: loginId=1001, .*route=session-reporter-timer-trigger");
    }

    /** A file in routes/ with a built-in file's name replaces it; renamed routes keep their behaviour. */
    @Test
    void aRouteFileInTheRoutesFolderReplacesTheBuiltInOne(@TempDir Path folder) throws Exception {
        Files.createDirectories(folder.resolve("routes"));
        String builtIn = Files.readString(PROJECT_ROOT.resolve("routes/triggers.camel.yaml"));
        assertThat(builtIn).contains("routeId: session-reporter-timer-trigger", "routeId: session-reporter-queue-trigger");
        Files.writeString(folder.resolve("routes/triggers.camel.yaml"), builtIn
                .replace("routeId: session-reporter-timer-trigger", "routeId: my-timer")
                .replace("routeId: session-reporter-queue-trigger", "routeId: my-queue"));
        Map<String, String> environment = demoEnvironment();
        JarProcess reporter = jars.startIn(folder, "replaced-triggers", environment);

        awaitLine(reporter, "Session \\S+ reported active: loginId=1001, .*route=my-timer");
        awaitLine(reporter, "Session \\S+ dead-lettered: reason=SESSION_NOT_FOUND, .*route=my-timer");
        sendOverTcp(port(environment, "BROKER_EMBEDDED_PORT"), demo.sessionKeyOf(1002));
        awaitLine(reporter, "Session \\S+ reported active: loginId=1002, .*route=my-queue");
        assertThat(reporter.output()).contains("triggers.camel.yaml (replaces the built-in one)")
                .doesNotContain("route=session-reporter-timer-trigger").doesNotContain("route=session-reporter-queue-trigger");
    }

    @Test
    void refusesToStartWhenARouteFileLeavesOutRequiredRoutes(@TempDir Path folder) throws Exception {
        Files.createDirectories(folder.resolve("routes"));
        // replaces the built-in report-session.camel.yaml with a file that defines none of its routes
        Files.writeString(folder.resolve("routes/report-session.camel.yaml"), """
                - route:
                    id: something-else
                    from:
                      uri: direct:something-else
                      steps:
                        - log: "something else"
                """);
        JarProcess reporter = jars.startIn(folder, "required-route-missing", demoEnvironment());

        assertExitsByItselfWithFailure(reporter);
        assertThat(reporter.output()).contains("Required routes are missing")
                .contains("session-reporter-report").contains("session-reporter-call").contains("session-reporter-dead-letter");
    }

    /**
     * broker.username / broker.password: the embedded broker accepts that user only; the reporter and the send and
     * redrive commands use them (from the environment, never the command line).
     */
    @Test
    void anEmbeddedBrokerWithAUserAcceptsOnlyItAndTheCommandsUseIt() throws Exception {
        String user = "reporter-user";
        String password = "broker-pw-" + TestSecrets.TICKET;
        try (CustomerServiceSimulator server = new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN,
                TestSecrets.TICKET).start(0)) {
            String key = TestSecrets.sessionKey("usr1");
            server.addSession(key, 4242);
            int brokerPort = FreePort.find();
            Map<String, String> environment = ProdEnvironment.of(server.customerServiceUrl(), brokerPort, brokerDataDir);
            environment.put("BROKER_USERNAME", user);
            environment.put("BROKER_PASSWORD", password);
            JarProcess reporter = jars.start("prod-broker-user", environment);
            awaitLine(reporter, STARTED);
            String broker = "tcp://127.0.0.1:" + brokerPort;

            JarProcess anonymous = jars.start("send-anonymous", Map.of(), "send", "--broker", broker, key);
            assertThat(anonymous.waitForExit(REFUSE_TO_START)).isTrue();
            assertThat(anonymous.exitValue()).as("send without the broker user").isEqualTo(1);

            Map<String, String> credentials = Map.of("BROKER_USERNAME", user, "BROKER_PASSWORD", password);
            JarProcess send = jars.start("send-as-user", credentials, "send", "--broker", broker, key);
            assertThat(send.waitForExit(REFUSE_TO_START)).isTrue();
            assertThat(send.exitValue()).as("send as the broker user").isZero();
            awaitLine(reporter, "Session \\S+ reported active: loginId=4242, .*route=session-reporter-queue-trigger");

            JarProcess redrive = jars.start("redrive-as-user", credentials, "redrive", "--broker", broker);
            assertThat(redrive.waitForExit(REFUSE_TO_START)).isTrue();
            assertThat(redrive.exitValue()).as("redrive as the broker user").isZero();
            assertThat(reporter.output() + anonymous.output() + send.output() + redrive.output())
                    .doesNotContain(password);
        }
    }

    private static int port(Map<String, String> environment, String variable) {
        return Integer.parseInt(environment.get(variable));
    }

    /** demo profile (the default) with free ports of its own and the test's broker data directory. */
    private Map<String, String> demoEnvironment() {
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

        awaitLine(reporter, STARTED);
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
