package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.karaf.KarafContainer;
import dev.sessionreporter.karaf.OtherCamelBundle;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.support.BrokerProcess;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.FullSuite;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Karaf bundle in a real, stock Apache Karaf 4.4 (fetched through Maven, unpacked under target/): installed as an
 * operator would ({@code feature:repo-add mvn:...}, {@code feature:install session-reporter}), configured through
 * {@code etc/dev.sessionreporter.cfg} with the secrets in Karaf's environment, talking to the SuperOffice simulator in
 * this JVM and to an external Artemis broker started by the test. Asserted from the simulator's and the broker's side.
 * The tests share one Karaf and run in order.
 */
@FullSuite
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarafIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
    private static final Path TARGET = PROJECT_ROOT.resolve("target");
    private static final String VERSION = System.getProperty("session-reporter.version", "0.1.0-SNAPSHOT");
    private static final Path KARAF_DISTRIBUTION = Path.of(System.getProperty("karaf.home",
            TARGET.resolve("karaf-dist/apache-karaf-4.4.10").toString()));
    private static final String FEATURES = "mvn:dev.sessionreporter/session-reporter/" + VERSION + "/xml/features";
    /** Every route file of the project: the feature must install each one (features.xml lists them by name). */
    private static final List<String> ROUTE_FILES = projectRouteFiles();
    private static final Duration REPORT = Duration.ofSeconds(60);
    /**
     * Threads the reporter starts, by the names their libraries give them, from the start of the name: Karaf names
     * threads after folders too ({@code fileinstall-<path>/deploy}), and a path may contain any word.
     */
    private static final Pattern REPORTER_THREAD = Pattern.compile(String.join("|",
            "session-reporter-karaf", // the reporter's lifecycle thread (KarafReporter)
            "Camel \\(.+\\) thread #\\d+ - .+", // Camel's thread pools and timers
            "Thread-\\d+ \\((?i:activemq)-.+\\)", // the Artemis client's pools (ActiveMQThreadFactory)
            "(globalEventExecutor|nioEventLoopGroup|epollEventLoopGroup)-\\d+-\\d+", // Netty's own threads
            "CircuitBreakerAutoTransitionThread", // resilience4j's breaker scheduler
            "vert\\.x-.+|vertx-.+")); // Vert.x (management server)
    /** Packages the bundle may import: what every Karaf provides (the JDK's outside java.*, OSGi, SLF4J). */
    private static final Pattern CONTAINER_PACKAGE = Pattern.compile(
            "javax\\..+|org\\.w3c\\..+|org\\.xml\\..+|org\\.ietf\\..+|jdk\\.(?!internal\\.).+|org\\.osgi\\..+|org\\.slf4j(\\..+)?");
    private static final String CAMEL_CONTEXT_CLASS = "org.apache.camel.impl.DefaultCamelContext";
    /** Camel Main's default shutdown strategy: each one a JVM shutdown hook that pins its CamelContext. */
    private static final String HOOKING_SHUTDOWN_STRATEGY_CLASS = "org.apache.camel.main.DefaultMainShutdownStrategy";
    /** What CXF's URLConnection conduit makes the JVM's default java.net.Authenticator (one per bundle install). */
    private static final String CXF_DEFAULT_AUTHENTICATOR_CLASS = "org.apache.cxf.transport.http.ReferencingAuthenticator";

    private static final String TIMER_KEY = TestSecrets.sessionKey("ktim");
    private static final String QUEUE_KEY = TestSecrets.sessionKey("kque");
    private static final String CHANGED_KEY = TestSecrets.sessionKey("kcfg");
    private static final String ROUTE_FILE_KEY = TestSecrets.sessionKey("krou");
    private static final String UNKNOWN_KEY = TestSecrets.sessionKey("kunk");

    private static CustomerServiceSimulator simulator;
    private static BrokerProcess broker;
    private static QueueClient queue;
    private static KarafContainer karaf;
    private static long karafPid;
    private static String otherCamelBundleId;
    /** Where the Karaf log stood before the first feature:install: everything after it is the reporter's doing. */
    private static int logLinesBeforeInstall;
    /** The first line of a Karaf log event: "2026-11-27T03:14:40,563 | ERROR | ..."; stack trace lines follow it. */
    private static final Pattern KARAF_LOG_EVENT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T");

    @BeforeAll
    static void installTheFeatureInKaraf() throws Exception {
        assertThat(TARGET.resolve("session-reporter-karaf.jar")).as("the bundle (mvn package)").isRegularFile();
        assertThat(KARAF_DISTRIBUTION.resolve("bin/karaf")).as("Karaf unpacked by the build (pre-integration-test)").isRegularFile();
        simulator = new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).start(FreePort.find());
        simulator.addSession(TIMER_KEY, 1001);
        simulator.addSession(QUEUE_KEY, 1002);
        simulator.addSession(CHANGED_KEY, 1003);
        simulator.addSession(ROUTE_FILE_KEY, 1004);
        broker = BrokerProcess.startNew();
        queue = new QueueClient(broker.port());

        karaf = KarafContainer.prepare(KARAF_DISTRIBUTION, TARGET.resolve("karaf-it"));
        String group = "dev.sessionreporter";
        String artifact = "session-reporter";
        karaf.publish(group, artifact, VERSION, "xml", "features", TARGET.resolve("karaf/features.xml"));
        karaf.publish(group, artifact, VERSION, "cfg", "configuration", TARGET.resolve("karaf/dev.sessionreporter.cfg"));
        karaf.publish(group, artifact, VERSION, "jar", "karaf", TARGET.resolve("session-reporter-karaf.jar"));
        for (String route : ROUTE_FILES) {
            karaf.publish(group, artifact, VERSION, "yaml", route, PROJECT_ROOT.resolve("routes/" + route + ".camel.yaml"));
        }
        karaf.publish("test", "other-camel", "4.0.0", "jar", "bundle", OtherCamelBundle.write(
                TARGET.resolve("session-reporter-karaf.jar"), TARGET.resolve("karaf-it/other-camel.jar")));
        // The operator's configuration, written before the install (the feature keeps an existing .cfg). No secret in
        // it: they come from Karaf's environment.
        writeConfiguration(TIMER_KEY, "");
        karaf.start(Map.of(
                "SUPEROFFICE_APPLICATION_TOKEN", TestSecrets.APPLICATION_TOKEN,
                "SUPEROFFICE_TICKET", TestSecrets.TICKET));
        karafPid = karaf.pid();
        logLinesBeforeInstall = (int) karaf.logText().lines().count();
        // another application's Camel, installed and started before the reporter
        String installed = karaf.shell("bundle:install -s mvn:test/other-camel/4.0.0/jar/bundle");
        otherCamelBundleId = installed.replaceAll("(?s).*Bundle ID: (\\d+).*", "$1").trim();
        assertThat(otherCamelBundleId).as("bundle:install said: %s", installed).matches("\\d+");
        karaf.shell("feature:repo-add " + FEATURES, "feature:install session-reporter");
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (karaf != null) {
                karaf.stop();
                assertThat(ProcessHandle.of(karafPid).filter(ProcessHandle::isAlive))
                        .as("Karaf (PID %s) is gone", karafPid).isEmpty();
            }
        } finally {
            if (queue != null) {
                queue.close();
            }
            if (broker != null) {
                broker.close();
            }
            if (simulator != null) {
                simulator.close();
            }
        }
    }

    @Test
    @Order(1)
    void theBundleExportsNothingAndImportsOnlyTheFrameworkSlf4jAndTheJdk() throws Exception {
        try (JarFile bundle = new JarFile(TARGET.resolve("session-reporter-karaf.jar").toFile())) {
            Attributes manifest = bundle.getManifest().getMainAttributes();
            assertThat(manifest.getValue("Export-Package")).isNull();
            assertThat(manifest.getValue("DynamicImport-Package")).as("wires whatever another bundle exports").isNull();
            List<String> imports = List.of(manifest.getValue("Import-Package").split(",(?=[a-z])")).stream()
                    .map(clause -> clause.split(";")[0]).toList();
            assertThat(imports).contains("org.osgi.framework", "org.osgi.service.cm", "org.slf4j")
                    .allMatch(name -> CONTAINER_PACKAGE.matcher(name).matches(), "the framework, SLF4J or the JDK");
        }
        assertThat(karaf.shell("bundle:list -s")).contains("dev.sessionreporter").contains("Active");
    }

    /**
     * Without DynamicImport-Package a package the bundle uses but does not import fails only when a class of it is
     * first needed (a TLS handshake, a JNDI lookup...): so every package of the JDK, the OSGi framework or SLF4J that
     * its classes or embedded jars refer to (jdeps) and that the jars do not bring themselves must be imported.
     */
    @Test
    @Order(1)
    void theBundleImportsEveryContainerPackageItsClassesUse() throws Exception {
        Path classes = TARGET.resolve("karaf-it/bundle-classes");
        Set<String> embedded = unpackClasses(TARGET.resolve("session-reporter-karaf.jar"), classes);
        StringWriter output = new StringWriter();
        PrintWriter writer = new PrintWriter(output);
        int exit = ToolProvider.findFirst("jdeps").orElseThrow().run(writer, writer,
                "-verbose:package", "-e", CONTAINER_PACKAGE.pattern(), classes.toString());
        writer.flush();
        assertThat(exit).as("jdeps: %s", output).isZero();
        // "   org.apache.cxf.configuration.jsse   -> javax.net.ssl   java.base": package, used package, its module
        Set<String> used = output.toString().lines().map(String::trim).map(line -> line.split("\\s+"))
                .filter(columns -> columns.length >= 4 && columns[1].equals("->"))
                .filter(columns -> columns[3].startsWith("java.") || columns[3].startsWith("jdk.")
                        || columns[2].startsWith("org.osgi.") || columns[2].startsWith("org.slf4j"))
                .map(columns -> columns[2])
                .filter(name -> !embedded.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(used).as("jdeps found the JDK's XML API in use").contains("javax.xml.parsers");

        try (JarFile bundle = new JarFile(TARGET.resolve("session-reporter-karaf.jar").toFile())) {
            List<String> imports = List.of(bundle.getManifest().getMainAttributes().getValue("Import-Package")
                    .split(",(?=[a-z])")).stream().map(clause -> clause.split(";")[0]).toList();
            assertThat(imports).as("Import-Package").containsAll(used);
        }
    }

    /** Writes the .class files of the bundle and its lib/*.jar to {@code folder}; returns their packages. */
    private static Set<String> unpackClasses(Path bundle, Path folder) throws java.io.IOException {
        Set<String> packages = new TreeSet<>();
        try (JarFile jar = new JarFile(bundle.toFile())) {
            for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                if (entry.getName().matches("lib/[^/]+\\.jar")) {
                    try (JarInputStream embedded = new JarInputStream(jar.getInputStream(entry))) {
                        for (JarEntry inner = embedded.getNextJarEntry(); inner != null; inner = embedded.getNextJarEntry()) {
                            unpackClass(inner.getName(), embedded, folder, packages);
                        }
                    }
                } else {
                    try (InputStream in = jar.getInputStream(entry)) {
                        unpackClass(entry.getName(), in, folder, packages);
                    }
                }
            }
        }
        return packages;
    }

    private static void unpackClass(String name, InputStream in, Path folder, Set<String> packages) throws java.io.IOException {
        // module descriptors would make jdeps resolve modules; versioned classes repeat the base ones
        if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")
                || !name.contains("/")) {
            return;
        }
        packages.add(name.substring(0, name.lastIndexOf('/')).replace('/', '.'));
        Path file = folder.resolve(name);
        Files.createDirectories(file.getParent());
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(2)
    void runsBesideAnotherBundleThatExportsCamelAndUsesNoneOfItsPackages() throws Exception {
        awaitAcceptedReport(TIMER_KEY);

        assertThat(karaf.shell("bundle:list -s")).contains(OtherCamelBundle.SYMBOLIC_NAME);
        assertThat(karaf.shell("bundle:capabilities " + otherCamelBundleId))
                .as("the other Camel's packages").contains("org.apache.camel.util")
                .doesNotContain("dev.sessionreporter");
    }

    @Test
    @Order(1)
    void theFeatureInstallsTheProjectsOwnRouteFiles() throws Exception {
        for (String route : ROUTE_FILES) {
            Path installed = karaf.etc().resolve("session-reporter/routes/" + route + ".camel.yaml");
            assertThat(installed).as("installed by the feature").isRegularFile();
            assertThat(Files.mismatch(installed, PROJECT_ROOT.resolve("routes/" + route + ".camel.yaml")))
                    .as("%s is the project's own route file", route).isEqualTo(-1L);
        }
    }

    @Test
    @Order(2)
    void reportsTimerKeysWithTheSuperOfficeHeadersAndTheSecretsFromKarafsEnvironment() throws Exception {
        ReceivedRequest request = awaitAcceptedReport(TIMER_KEY);

        assertSuperOfficeRequest(request, TIMER_KEY);
        assertThat(karaf.threadNames()).as("the running reporter's threads are recognised (see awaitNoReporterThread)")
                .anyMatch(name -> REPORTER_THREAD.matcher(name).matches());
    }

    @Test
    @Order(3)
    void reportsKeysFromTheExternalBrokersQueue() {
        queue.send(QueueClient.INPUT_QUEUE, session -> {
            TextMessage message = session.createTextMessage(QUEUE_KEY);
            message.setStringProperty("CustomerCorrelation", "order-17");
            return message;
        });

        ReceivedRequest request = awaitAcceptedReport(QUEUE_KEY);
        assertSuperOfficeRequest(request, QUEUE_KEY);
        assertThat(request.httpHeaders().keySet()).as("nothing of the JMS message travels as an HTTP header")
                .noneMatch(name -> name.startsWith("session-reporter-jms") || name.startsWith("camel"))
                .doesNotContain("customercorrelation");
    }

    @Test
    @Order(4)
    void deadLettersAnUnknownKeyWithItsReason() throws Exception {
        queue.sendText(UNKNOWN_KEY);

        Message deadLetter = await().atMost(REPORT).until(
                () -> queue.receive(QueueClient.DEAD_LETTER_QUEUE, 500), message -> message != null);
        assertThat(((TextMessage) deadLetter).getText()).as("the original message").isEqualTo(UNKNOWN_KEY);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("SESSION_NOT_FOUND");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.ROUTE_ID)).isEqualTo("session-reporter-queue-trigger");
        assertThat(simulator.requestsFor(UNKNOWN_KEY)).as("the server was asked").isNotEmpty();
    }

    @Test
    @Order(5)
    void appliesAChangedCfgWithoutRestartingKaraf() throws Exception {
        writeConfiguration(CHANGED_KEY, "superoffice.time-zone-id = 7\n");

        ReceivedRequest request = awaitAcceptedReport(CHANGED_KEY);
        assertSuperOfficeRequest(request, CHANGED_KEY);
        assertThat(request.timeZoneId()).as("the new superoffice.time-zone-id").isEqualTo(7);
        assertThat(karaf.pid()).isEqualTo(karafPid);
        assertThat(karaf.isAlive()).isTrue();
    }

    @Test
    @Order(6)
    void loadsARouteFileAddedToTheRoutesFolder() throws Exception {
        Path routes = karaf.etc().resolve("session-reporter/routes");
        // written beside the folder and moved in, as the README advises: Camel must not read a half-written file
        Path draft = karaf.etc().resolve("report-one-more.camel.yaml.draft");
        Files.writeString(draft, """
                - route:
                    id: report-one-more
                    from:
                      uri: timer:report-one-more
                      parameters:
                        repeatCount: 1
                      steps:
                        - setBody:
                            constant: "%s"
                        - to: direct:session-reporter-report
                """.formatted(ROUTE_FILE_KEY));
        Files.move(draft, routes.resolve("report-one-more.camel.yaml"), StandardCopyOption.ATOMIC_MOVE);

        assertSuperOfficeRequest(awaitAcceptedReport(ROUTE_FILE_KEY), ROUTE_FILE_KEY);
    }

    @Test
    @Order(7)
    void reconfigurationsLeaveOnlyTheRunningCamelContextAndNoShutdownHook() throws Exception {
        for (int timeZone = 11; timeZone <= 13; timeZone++) {
            writeConfiguration(CHANGED_KEY, "superoffice.time-zone-id = " + timeZone + "\n");
            int expected = timeZone;
            await().atMost(REPORT).until(() -> simulator.requestsFor(CHANGED_KEY).stream()
                    .anyMatch(request -> request.accepted() && Integer.valueOf(expected).equals(request.timeZoneId())));
        }

        assertThat(karaf.liveInstances(HOOKING_SHUTDOWN_STRATEGY_CLASS)).as("Camel Main shutdown hooks").isZero();
        assertThat(karaf.liveInstances(CAMEL_CONTEXT_CLASS)).as("CamelContexts in Karaf's heap").isEqualTo(1);
    }

    @Test
    @Order(8)
    void uninstallLeavesNoReporterThreadAndTwoRedeploysKeepTheLogClean() throws Exception {
        for (int redeploy = 1; redeploy <= 2; redeploy++) {
            karaf.shell("feature:uninstall session-reporter");
            awaitNoReporterThread();
            int reportsBefore = simulator.acceptedReportCount(CHANGED_KEY);
            karaf.shell("feature:install session-reporter");
            await().atMost(REPORT).until(() -> simulator.acceptedReportCount(CHANGED_KEY) > reportsBefore);
        }
        karaf.shell("feature:uninstall session-reporter");
        awaitNoReporterThread();
        assertThat(karaf.shell("bundle:list -s")).doesNotContain("dev.sessionreporter");
        // (The uninstalled bundles' CamelContexts themselves are not counted: they stay in the heap, one per install,
        // kept by a reference that a heap dump does not show; see README "Known limits".)
        assertThat(karaf.liveInstances(HOOKING_SHUTDOWN_STRATEGY_CLASS)).as("Camel Main shutdown hooks").isZero();
        assertThat(karaf.liveInstances(CXF_DEFAULT_AUTHENTICATOR_CLASS)).as("CXF's JVM-wide default Authenticators").isZero();

        List<String> log = withoutKarafBootRace(karaf.logText().lines().skip(logLinesBeforeInstall).toList());
        assertThat(log).as("the reporter ran in Karaf").anyMatch(line -> line.contains("Session reporter started in Karaf"));
        assertThat(log).as("no ERROR in Karaf's log").noneMatch(line -> line.contains("| ERROR |"));
        // Camel's start-up summary lists property values, and superoffice.auth.credential-rejection-types names
        // exception types (SoCredentialsException): a setting, not a failure
        assertThat(log).as("no exception in Karaf's log").noneMatch(line -> !line.contains("credential-rejection-types")
                && (line.contains("Exception") || line.contains("Error:")));
        assertThat(log).as("no thread of the bundle's class loader outlived a stop (KarafReporter's own check)")
                .noneMatch(line -> line.contains("of its threads are still running"));
        String text = String.join("\n", log);
        assertThat(text).as("no secret in Karaf's log")
                .doesNotContain(TestSecrets.APPLICATION_TOKEN).doesNotContain(TestSecrets.TICKET);
        for (String key : List.of(TIMER_KEY, QUEUE_KEY, CHANGED_KEY, ROUTE_FILE_KEY, UNKNOWN_KEY)) {
            assertThat(text).as("no full session key in Karaf's log").doesNotContain(key);
        }
    }

    /**
     * Karaf 4.4.10 itself sometimes logs, while it is still booting (after the shell is up, so after the baseline), an
     * ERROR with a stack trace from Aries JMX: its whiteboard and Karaf's management activator both register the
     * features MBean ("InstanceAlreadyExistsException: org.apache.karaf:type=feature"). Seen once in 4 runs, with no
     * reporter bundle involved; that one log event (the line and its stack trace) is left out, nothing else.
     */
    private static List<String> withoutKarafBootRace(List<String> lines) {
        List<String> kept = new ArrayList<>();
        boolean skipping = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean eventStart = KARAF_LOG_EVENT.matcher(line).lookingAt();
            if (eventStart) {
                String next = i + 1 < lines.size() ? lines.get(i + 1) : "";
                skipping = line.contains("| ERROR |") && line.contains("org.apache.aries.jmx.whiteboard")
                        && next.startsWith("javax.management.InstanceAlreadyExistsException: org.apache.karaf:type=");
            }
            if (!skipping) {
                kept.add(line);
            }
        }
        return kept;
    }

    @Test
    @Order(9)
    void aFreshInstallGetsTheDefaultCfgAndSaysWhichSettingIsMissing() throws Exception {
        Path cfg = karaf.etc().resolve("dev.sessionreporter.cfg");
        Files.delete(cfg);
        await().atMost(Duration.ofSeconds(30)).until(() -> karaf.shell("config:list '(service.pid=dev.sessionreporter)'").isBlank());
        int logLines = (int) karaf.logText().lines().count();

        karaf.shell("feature:install session-reporter");

        assertThat(Files.mismatch(cfg, TARGET.resolve("karaf/dev.sessionreporter.cfg"))).as("the default .cfg").isEqualTo(-1L);
        await().atMost(REPORT).until(() -> karaf.logText().lines().skip(logLines)
                .anyMatch(line -> line.contains("| ERROR |")
                        && line.matches(".*Session reporter cannot start: Missing required property (broker|superoffice)\\.url .*")));
        karaf.shell("feature:uninstall session-reporter");
        awaitNoReporterThread();
    }

    private static List<String> projectRouteFiles() {
        try (var files = Files.list(PROJECT_ROOT.resolve("routes"))) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".camel.yaml"))
                    .map(name -> name.substring(0, name.length() - ".camel.yaml".length()))
                    .sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void writeConfiguration(String timerKey, String extra) throws Exception {
        Files.writeString(karaf.etc().resolve("dev.sessionreporter.cfg"), """
                superoffice.url = %s
                broker.url = %s
                reporter.timer.session-keys = %s
                reporter.timer.period = 2s
                reporter.timer.initial-delay = 200
                reporter.shutdown.timeout = 5s
                %s""".formatted(simulator.customerServiceUrl(), broker.url(), timerKey, extra));
    }

    private static ReceivedRequest awaitAcceptedReport(String key) {
        return await().atMost(REPORT).until(
                () -> simulator.requestsFor(key).stream().filter(ReceivedRequest::accepted).findFirst().orElse(null),
                request -> request != null);
    }

    private static void assertSuperOfficeRequest(ReceivedRequest request, String key) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.httpVersion()).isEqualTo("HTTP/1.1");
        assertThat(request.soapEnvelopeNamespace()).isEqualTo(CustomerServiceSimulator.SOAP11_ENVELOPE_NS);
        assertThat(request.soapAction()).isEqualTo(CustomerServiceSimulator.SOAP_ACTION);
        assertThat(request.httpHeader("content-type")).isEqualToIgnoringCase("text/xml; charset=utf-8");
        assertThat(request.headersInsideSoapHeader()).isTrue();
        assertThat(request.applicationToken()).isEqualTo(TestSecrets.APPLICATION_TOKEN);
        assertThat(request.ticket()).isEqualTo(TestSecrets.TICKET);
        assertThat(request.sessionKey()).isEqualTo(key);
        assertThat(request.httpHeaders().keySet()).doesNotContain("upgrade", "http2-settings");
    }

    private static void awaitNoReporterThread() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(karaf.threadNames())
                .as("threads of the reporter left in Karaf's JVM")
                .noneMatch(name -> REPORTER_THREAD.matcher(name).matches()));
    }
}
