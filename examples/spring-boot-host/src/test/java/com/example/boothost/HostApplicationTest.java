package com.example.boothost;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot host application as it runs, against its own broker (in this JVM), a SOAP service of its own (a JDK HTTP server)
 * and the SuperOffice simulator of the session-reporter project (its runnable jar, in a process of its own): keys are
 * reported through the Kamelet, an unknown key reaches the host's own dead-letter queue, and the host's own JMS
 * component, CXF endpoint, routes, system properties and CXF default bus are as the host made them.
 */
class HostApplicationTest {
    private static final String TOKEN = "host-test-application-token";
    private static final String TICKET = "7T:aG9zdC10ZXN0LXRpY2tldA==";
    private static final String KNOWN_1 = sessionKey();
    private static final String KNOWN_2 = sessionKey();
    private static final long RECEIVE_MILLIS = 15_000;

    private static EmbeddedActiveMQ broker;
    private static int brokerPort;
    private static Process simulator;
    private static HttpServer echoService;
    private static final List<Map<String, List<String>>> echoRequestHeaders = new CopyOnWriteArrayList<>();
    private static Properties systemPropertiesBefore;
    private static ConfigurableApplicationContext host;
    private static CamelContext context;
    private static ProducerTemplate producer;
    private static ConsumerTemplate consumer;

    @BeforeAll
    static void startHostAndItsNeighbours() throws Exception {
        // the JDK itself sets user.timezone at the first use of the default time zone
        java.util.TimeZone.getDefault();
        systemPropertiesBefore = (Properties) System.getProperties().clone();
        brokerPort = freePort();
        broker = new EmbeddedActiveMQ().setConfiguration(new ConfigurationImpl()
                .setPersistenceEnabled(false).setSecurityEnabled(false).setJMXManagementEnabled(false)
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + brokerPort + "?protocols=CORE"));
        broker.start();
        String superOfficeUrl = startSimulator();
        startEchoService();

        // what an operator would set in the environment (over application.properties): this test's neighbours
        host = SpringApplication.run(HostApplication.class,
                "--camel.main.run-controller=false",  // the test, not a controller thread, keeps the JVM alive
                "--host.broker.url=tcp://127.0.0.1:" + brokerPort,
                "--host.echo.url=http://127.0.0.1:" + echoService.getAddress().getPort() + "/echo",
                "--superoffice.url=" + superOfficeUrl,
                "--superoffice.application-token=" + TOKEN,
                "--superoffice.ticket=" + TICKET);
        context = host.getBean(CamelContext.class);
        producer = context.createProducerTemplate();
        consumer = context.createConsumerTemplate();
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (host != null) {
            host.close();
        }
        if (echoService != null) {
            echoService.stop(0);
        }
        if (simulator != null) {
            simulator.destroy();
            simulator.waitFor(10, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void reportsKeysFromTheHostsQueueThroughTheKamelet() {
        producer.sendBody("jms:queue:host.sessions", KNOWN_1);
        producer.sendBody("jms:queue:host.sessions", "{\"sessionKey\":\"" + KNOWN_2 + "\"}");

        Exchange first = consumer.receive("jms:queue:host.sessions.reported", RECEIVE_MILLIS);
        Exchange second = consumer.receive("jms:queue:host.sessions.reported", RECEIVE_MILLIS);

        assertThat(first).as("reported").isNotNull();
        assertThat(second).as("reported").isNotNull();
        assertThat(List.of(first.getMessage().getHeader("SuperOfficeLoginId", Integer.class),
                second.getMessage().getHeader("SuperOfficeLoginId", Integer.class)))
                .as("the login ids the simulator knows for the keys").containsExactlyInAnyOrder(101, 102);
        assertThat(first.getMessage().getBody(String.class)).as("the body goes on unchanged").isIn(KNOWN_1,
                "{\"sessionKey\":\"" + KNOWN_2 + "\"}");
    }

    @Test
    void anUnknownKeyReachesTheHostsOwnDeadLetterQueueWithItsReason() {
        String unknown = sessionKey();
        producer.sendBody("jms:queue:host.sessions", unknown);

        Exchange failed = consumer.receive("jms:queue:host.sessions.failed", RECEIVE_MILLIS);

        assertThat(failed).as("dead-lettered by the host's onException").isNotNull();
        assertThat(failed.getMessage().getHeader("SuperOfficeFailureReason", String.class)).isEqualTo("SESSION_NOT_FOUND");
        assertThat(failed.getMessage().getBody(String.class)).isEqualTo(unknown);
    }

    @Test
    void theHostsOwnPartsAreAsTheHostMadeThem() throws Exception {
        // the reports go through first: whatever the library could change, it has had its chance
        producer.sendBody("jms:queue:host.sessions", KNOWN_1);
        assertThat(consumer.receive("jms:queue:host.sessions.reported", RECEIVE_MILLIS)).isNotNull();

        // its own jms component, on its own connection factory
        JmsComponent jms = context.getComponent("jms", JmsComponent.class);
        assertThat(jms).isSameAs(context.getRegistry().lookupByName("jms"));
        assertThat(jms.getConnectionFactory()).isInstanceOf(ActiveMQConnectionFactory.class);
        assertThat(jms.getConnectionFactory().toString()).as("on host.broker.url")
                .contains("port=" + brokerPort + "&host=127-0-0-1");
        // its own route
        producer.sendBody("jms:queue:host.orders", "42");
        Exchange accepted = consumer.receive("jms:queue:host.orders.accepted", RECEIVE_MILLIS);
        assertThat(accepted).isNotNull();
        assertThat(accepted.getMessage().getBody(String.class)).isEqualTo("order 42 accepted");
        // its own CXF endpoint answers, on CXF's default bus and CXF's default HTTP client
        assertThat(producer.requestBody("direct:host-echo", "hello", String.class)).isEqualTo("echo: hello");
        assertThat(echoRequestHeaders).isNotEmpty();
        assertThat(echoRequestHeaders.get(0).get("Upgrade"))
                .as("CXF's default client on plain http (the library chooses its conduit per endpoint, not JVM-wide)")
                .containsExactly("h2c");
        Bus defaultBus = BusFactory.getDefaultBus(false);
        CxfEndpoint hostEndpoint = context.getEndpoints().stream()
                .filter(CxfEndpoint.class::isInstance).map(CxfEndpoint.class::cast)
                .filter(endpoint -> endpoint.getServiceClass() == Echo.class).findFirst().orElseThrow();
        assertThat(hostEndpoint.getBus()).as("the host's endpoint").isSameAs(defaultBus);
        assertThat(List.of(defaultBus.getInInterceptors(), defaultBus.getOutInterceptors(),
                defaultBus.getInFaultInterceptors(), defaultBus.getOutFaultInterceptors(), defaultBus.getFeatures()))
                .flatMap(list -> list).noneMatch(HostApplicationTest::fromTheLibrary);
        // no bean of the library in the host's registry, no system property changed
        assertThat(context.getRegistry().findByTypeWithName(Object.class).values())
                .noneMatch(HostApplicationTest::fromTheLibrary);
        Map<Object, Object> changed = new java.util.HashMap<>(System.getProperties());
        changed.entrySet().removeAll(systemPropertiesBefore.entrySet());
        // Spring Boot's own: SpringApplication sets java.awt.headless, its logging system the others
        changed.keySet().removeAll(List.of("java.awt.headless", "PID", "APPLICATION_NAME", "LOGGED_APPLICATION_NAME",
                "CONSOLE_LOG_CHARSET", "FILE_LOG_CHARSET"));
        assertThat(changed).as("system properties set or changed").isEmpty();
        assertThat(systemPropertiesBefore.keySet()).as("none removed").allMatch(System.getProperties()::containsKey);
    }

    private static boolean fromTheLibrary(Object object) {
        return object != null && object.getClass().getName().startsWith("dev.sessionreporter.");
    }

    /** The project's simulator, from its runnable jar, on a free loopback port; returns its CustomerService URL. */
    private static String startSimulator() throws Exception {
        Path jar = Path.of(System.getProperty("session-reporter.jar"));
        assertThat(jar).as("the project's runnable jar (mvn package in the project root)").isRegularFile();
        simulator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", jar.toString(), "dev.sessionreporter.simulator.CustomerServiceSimulator", "--port", "0",
                "--application-token", TOKEN, "--ticket", TICKET,
                "--session", KNOWN_1 + "=101", "--session", KNOWN_2 + "=102")
                .redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(
                new InputStreamReader(simulator.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/\\S+)");
        CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    Matcher matcher = listening.matcher(line);
                    if (matcher.find()) {
                        return matcher.group(1);
                    }
                }
                throw new IllegalStateException("the simulator ended without listening");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String customerServiceUrl = url.get(30, TimeUnit.SECONDS);
        // keep reading, so that a full pipe never blocks the simulator
        CompletableFuture.runAsync(() -> output.lines().forEach(line -> { }));
        return customerServiceUrl;
    }

    /** The host's own SOAP service: answers echo(text) with "echo: text" and keeps the request headers. */
    private static void startEchoService() throws IOException {
        echoService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Pattern text = Pattern.compile("<text>([^<]*)</text>");
        echoService.createContext("/echo", exchange -> {
            echoRequestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher matcher = text.matcher(request);
            String answer = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                    + "<ns2:echoResponse xmlns:ns2=\"urn:example:host\"><return>echo: "
                    + (matcher.find() ? matcher.group(1) : "?") + "</return></ns2:echoResponse></soap:Body>"
                    + "</soap:Envelope>";
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        echoService.start();
    }

    private static String sessionKey() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
