package dev.sessionreporter.kamelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sessionreporter.auth.LoginUnavailableException;
import dev.sessionreporter.failure.Causes;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.PartnerKeys;
import dev.sessionreporter.support.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.cxf.BusFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Camel application that is not ours (a plain DefaultCamelContext, no Camel Main, none of our configuration) calls the
 * Kamelet superoffice-session-active-action from its own route: keys are reported to the simulator, failures reach the
 * host's own onException with their reason, and the host's beans, routes, system properties and CXF default bus stay
 * as they were.
 */
class KameletInHostApplicationTest extends CamelTestSupport {
    private static final CustomerServiceSimulator SIMULATOR =
            new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET);
    private static final String KAMELET = "kamelet:superoffice-session-active-action?url={{superoffice.url}}"
            + "&applicationToken=RAW({{superoffice.application-token}})&ticket=RAW({{superoffice.ticket}})";
    private static final String USER = "host-user";
    private static final String PASSWORD = "Pa55-h0st-5ecret-q3";
    private static final String SYSTEM_USER_TOKEN = "SysUserTok-" + TestSecrets.sessionKey("ksys");
    private static final KeyPair PARTNER_KEY = PartnerKeys.rsaKeyPair();
    /** The host's own "jms" component: our library must neither need nor replace it. */
    private final SedaComponent hostJms = new SedaComponent();
    private Properties systemPropertiesBefore;

    @BeforeAll
    static void startSimulator() {
        SIMULATOR.start(0);
        SIMULATOR.addUser(USER, PASSWORD);
        SIMULATOR.addSystemUser(SYSTEM_USER_TOKEN, "Cust12345", PARTNER_KEY.getPublic());
        // a fresh host JVM: no CXF client has created the default bus yet (earlier tests in this fork may have)
        BusFactory.setDefaultBus(null);
    }

    @AfterAll
    static void stopSimulator() {
        SIMULATOR.close();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        systemPropertiesBefore = (Properties) System.getProperties().clone();
        CamelContext context = new DefaultCamelContext();
        Properties hostProperties = new Properties();
        // the host's own settings, named as the host likes: the simulator on loopback and the credentials it accepts
        hostProperties.setProperty("superoffice.url", SIMULATOR.customerServiceUrl());
        hostProperties.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
        hostProperties.setProperty("superoffice.ticket", TestSecrets.TICKET);
        // a user the simulator's SoPrincipal accepts (credential mode password)
        hostProperties.setProperty("superoffice.username", USER);
        hostProperties.setProperty("superoffice.password", PASSWORD);
        // an Online system user the simulator knows, its partner key, and the simulator's login and JWKS addresses
        hostProperties.setProperty("superoffice.system-user-token", SYSTEM_USER_TOKEN);
        hostProperties.setProperty("superoffice.private-key-file", PartnerKeys.privateKeyPem(PARTNER_KEY).toString());
        hostProperties.setProperty("superoffice.system-user-url", SIMULATOR.partnerSystemUserUrl());
        hostProperties.setProperty("superoffice.jwks-url", SIMULATOR.jwksUrl());
        // a loopback port nothing listens on: an unreachable SuperOffice
        hostProperties.setProperty("unreachable.url", "http://127.0.0.1:" + FreePort.find()
                + CustomerServiceSimulator.CUSTOMER_SERVICE_PATH);
        context.getPropertiesComponent().setInitialProperties(hostProperties);
        return context;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        // each test stops its context: a seda consumer notices the stop only when its poll (1 s by default) ends
        hostJms.setDefaultPollTimeout(50);
        registry.bind("jms", hostJms);
        registry.bind("greeting", "hello from the host");
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the host's own error handling: a transient failure is tried once more, then like any other
                onException(ReportFailedException.class)
                        .onWhen(exchange -> failureOf(exchange).isTransient())
                        .maximumRedeliveries(1).redeliveryDelay(0)
                        .handled(true)
                        .process(KameletInHostApplicationTest::recordFailure)
                        .to("mock:host-failures");
                onException(ReportFailedException.class)
                        .handled(true)
                        .process(KameletInHostApplicationTest::recordFailure)
                        .to("mock:host-failures");

                from("jms:queue:session-keys").routeId("host-report")
                        .setHeader("hostHeader", constant("kept"))
                        .to(KAMELET)
                        .to("mock:reported");

                from("direct:unreachable").routeId("host-unreachable")
                        .to("kamelet:superoffice-session-active-action?url={{unreachable.url}}"
                                + "&applicationToken=RAW({{superoffice.application-token}})"
                                + "&ticket=RAW({{superoffice.ticket}})&connectTimeout=2000")
                        .to("mock:reported");

                from("direct:password").routeId("host-password")
                        .to("kamelet:superoffice-session-active-action?url={{superoffice.url}}"
                                + "&applicationToken=RAW({{superoffice.application-token}})"
                                + "&username={{superoffice.username}}&password=RAW({{superoffice.password}})")
                        .to("mock:reported");

                from("direct:system-user").routeId("host-system-user")
                        .to("kamelet:superoffice-session-active-action?url={{superoffice.url}}"
                                + "&applicationToken=RAW({{superoffice.application-token}})"
                                + "&systemUserToken=RAW({{superoffice.system-user-token}})"
                                + "&privateKeyFile={{superoffice.private-key-file}}&contextIdentifier=Cust12345"
                                + "&systemUserUrl={{superoffice.system-user-url}}&jwksUrl={{superoffice.jwks-url}}")
                        .to("mock:reported");

                // the host handles the library's own "login endpoint unavailable" failure itself: Camel finds it as
                // the cause of the Kamelet's SessionActiveFailedException
                from("direct:login-down").routeId("host-login-down")
                        .onException(LoginUnavailableException.class).handled(true).to("mock:login-unavailable").end()
                        .to("kamelet:superoffice-session-active-action?url={{superoffice.url}}"
                                + "&applicationToken=RAW({{superoffice.application-token}})"
                                + "&username={{superoffice.username}}&password=RAW({{superoffice.password}})"
                                + "&soPrincipalUrl={{unreachable.url}}&connectTimeout=2000")
                        .to("mock:reported");

                // the settings a host needs beyond the address and credentials
                from("direct:time-zone").routeId("host-time-zone")
                        .to("kamelet:superoffice-session-active-action?url={{superoffice.url}}"
                                + "&applicationToken=RAW({{superoffice.application-token}})"
                                + "&ticket=RAW({{superoffice.ticket}})&timeZoneId=294&wireLogging=true")
                        .to("mock:reported");

                from("direct:host-own").routeId("host-own")
                        .setBody(simple("${ref:greeting}"));
            }
        };
    }

    private static ReportFailedException failureOf(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ReportFailedException.class);
    }

    private static void recordFailure(Exchange exchange) {
        ReportFailedException failure = failureOf(exchange);
        exchange.getMessage().setHeader("reason", failure.reason().name());
        exchange.getMessage().setHeader("transient", failure.isTransient());
        exchange.getMessage().setHeader("message", failure.getMessage());
    }

    @Test
    void withAPasswordItLogsInOnceAndARejectedTicketIsRenewedWhenTheHostTriesAgain() throws Exception {
        int loginsBefore = SIMULATOR.loginCount();
        String first = TestSecrets.sessionKey("pwd1");
        String second = TestSecrets.sessionKey("pwd2");
        SIMULATOR.addSession(first, 21);
        SIMULATOR.addSession(second, 22);
        var reported = getMockEndpoint("mock:reported");
        reported.expectedMessageCount(2);

        template.sendBody("direct:password", first);
        // the server forgets the ticket: the call is rejected, the Kamelet says "transient", the host tries again
        SIMULATOR.expireAllTickets();
        template.sendBody("direct:password", second);

        reported.assertIsSatisfied(10_000);
        assertThat(getMockEndpoint("mock:host-failures").getReceivedCounter()).isZero();
        assertThat(SIMULATOR.requestsFor(first).get(0).ticket()).as("an issued ticket").isNotEqualTo(TestSecrets.TICKET);
        assertThat(SIMULATOR.requestsFor(second)).as("rejected, then accepted with a new ticket").hasSize(2);
        assertThat(SIMULATOR.acceptedReportCount(second)).isEqualTo(1);
        assertThat(SIMULATOR.loginCount() - loginsBefore).as("the first login and one renewal").isEqualTo(2);
        // the login has a CXF bus of its own too
        assertThat(BusFactory.getDefaultBus(false)).isNull();
    }

    @Test
    void aRefusedLoginIsAnAuthenticationFailureThatTryingAgainDoesNotHeal() throws Exception {
        SIMULATOR.addUser(USER, "changed-by-the-admin");
        try {
            hostFailureOf("direct:password", TestSecrets.sessionKey("refu"), FailureReason.AUTHENTICATION_FAILED, false);
        } finally {
            SIMULATOR.addUser(USER, PASSWORD);
        }
    }

    @Test
    void withAnOnlineSystemUserItLogsInWithTheSignedTokenAndReports() throws Exception {
        int loginsBefore = SIMULATOR.loginCount();
        String key = TestSecrets.sessionKey("ksu1");
        SIMULATOR.addSession(key, 23);

        Exchange reported = reportedThrough("direct:system-user", key);

        assertThat(reported.getMessage().getHeader(SessionActiveAction.LOGIN_ID)).isEqualTo(23);
        assertThat(SIMULATOR.requestsFor(key).get(0).ticket()).as("the system user's ticket")
                .isNotEqualTo(TestSecrets.TICKET);
        assertThat(SIMULATOR.loginCount() - loginsBefore).isEqualTo(1);
    }

    @Test
    void aKeyIsReportedAndContinuesUnchangedWithTheLoginId() throws Exception {
        String key = TestSecrets.sessionKey("kmlt");
        SIMULATOR.addSession(key, 4711);
        var reported = getMockEndpoint("mock:reported");
        reported.expectedMessageCount(2);

        template.sendBody("jms:queue:session-keys", key);
        template.sendBody("jms:queue:session-keys", "{\"sessionKey\":\"" + key + "\"}");

        reported.assertIsSatisfied(10_000);
        assertThat(SIMULATOR.acceptedReportCount(key)).isEqualTo(2);
        Exchange first = reported.getExchanges().get(0);
        assertThat(first.getMessage().getBody(String.class)).isEqualTo(key);
        assertThat(first.getMessage().getHeader(SessionActiveAction.LOGIN_ID)).isEqualTo(4711);
        assertThat(first.getMessage().getHeader("hostHeader")).isEqualTo("kept");
        // nothing secret stays behind on the host's exchange, where a host's log or tracer may show it
        assertThat(first.getAllProperties().values()).doesNotContain(TestSecrets.TICKET, TestSecrets.APPLICATION_TOKEN);
        assertThat(reported.getExchanges().get(1).getMessage().getBody(String.class)).startsWith("{\"sessionKey\"");
    }

    @Test
    void anUnknownKeyReachesTheHostsOnExceptionAsSessionNotFound() throws Exception {
        String key = TestSecrets.sessionKey("unkn");

        Exchange failed = hostFailureOf("jms:queue:session-keys", key, FailureReason.SESSION_NOT_FOUND, false);

        // the host's dead letter would get the original message
        assertThat(failed.getMessage().getBody(String.class)).isEqualTo(key);
        assertThat(getMockEndpoint("mock:reported").getReceivedCounter()).isZero();
    }

    @Test
    void anInvalidKeyIsRejectedBeforeAnyCall() throws Exception {
        int requestsBefore = SIMULATOR.requestCount();

        hostFailureOf("jms:queue:session-keys", "not a key", FailureReason.INVALID_INPUT, false);

        assertThat(SIMULATOR.requestCount()).isEqualTo(requestsBefore);
    }

    @Test
    void anUnreachableServerIsATransientFailureOfTheHostsOwnErrorHandling() throws Exception {
        hostFailureOf("direct:unreachable", TestSecrets.sessionKey("down"), FailureReason.UNREACHABLE, true);
    }

    @Test
    void theLibrarysOwnFailureIsTheCauseThatAHostsOnExceptionMatches() throws Exception {
        var loginUnavailable = getMockEndpoint("mock:login-unavailable");
        loginUnavailable.expectedMessageCount(1);

        template.sendBody("direct:login-down", TestSecrets.sessionKey("lgdn"));

        loginUnavailable.assertIsSatisfied(10_000);
        Exception caught = loginUnavailable.getExchanges().get(0).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertThat(caught).isInstanceOf(SessionActiveFailedException.class)
                .hasCauseInstanceOf(LoginUnavailableException.class);
        assertThat(((SessionActiveFailedException) caught).reason()).isEqualTo(FailureReason.UNREACHABLE);
        assertThat(getMockEndpoint("mock:host-failures").getReceivedCounter()).isZero();
    }

    @Test
    void theTimeZoneIdIsSentAsTheStandaloneReporterSendsIt() throws Exception {
        String key = TestSecrets.sessionKey("tzid");
        SIMULATOR.addSession(key, 41);

        reportedThrough("direct:time-zone", key);

        assertThat(SIMULATOR.requestsFor(key).get(0).timeZoneId()).isEqualTo(294);
    }

    @Test
    void incompleteCredentialsStopTheRouteStartNotTheFirstMessage() {
        Throwable refused = catchThrowable(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:incomplete").routeId("host-incomplete")
                        .to("kamelet:superoffice-session-active-action?url={{superoffice.url}}"
                                + "&applicationToken=RAW({{superoffice.application-token}})&username=nobody");
            }
        }));

        assertThat(refused).isNotNull();
        assertThat(Causes.root(refused)).hasMessageContaining("password");
        assertThat(Causes.root(refused).getMessage()).doesNotContain(TestSecrets.APPLICATION_TOKEN);
    }

    @Test
    void plainHttpToAnotherMachineStopsTheRouteStart() {
        // .invalid never resolves: nothing is contacted, and it cannot be shown to be this machine
        Throwable refused = catchThrowable(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:insecure").routeId("host-insecure")
                        .to("kamelet:superoffice-session-active-action"
                                + "?url=http://superoffice.example.invalid/Cust1/Remote/Services88/CustomerService.svc"
                                + "&applicationToken=RAW({{superoffice.application-token}})"
                                + "&ticket=RAW({{superoffice.ticket}})");
            }
        }));

        assertThat(refused).isNotNull();
        assertThat(Causes.root(refused)).hasMessageContaining("url uses plain http:// to superoffice.example.invalid")
                .hasMessageContaining("allowInsecureHttp=true");
        // the refusal's own text (Camel's wrapper quotes the host's endpoint URI, masked by the host's sensitive keywords)
        assertThat(Causes.root(refused).getMessage()).doesNotContain(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET);
    }

    /** Sends {@code key} and returns what the host's route got after the Kamelet. */
    private Exchange reportedThrough(String uri, String key) throws InterruptedException {
        var reported = getMockEndpoint("mock:reported");
        reported.expectedMessageCount(1);
        template.sendBody(uri, key);
        reported.assertIsSatisfied(10_000);
        return reported.getExchanges().get(0);
    }

    /** Sends {@code key} and returns what the host's onException got, having checked its reason and message. */
    private Exchange hostFailureOf(String uri, String key, FailureReason reason, boolean transientFailure)
            throws InterruptedException {
        var failures = getMockEndpoint("mock:host-failures");
        failures.expectedMessageCount(1);

        template.sendBody(uri, key);

        failures.assertIsSatisfied(10_000);
        Exchange failed = failures.getExchanges().get(0);
        assertThat(failed.getMessage().getHeader("reason")).isEqualTo(reason.name());
        assertThat(failed.getMessage().getHeader("transient")).isEqualTo(transientFailure);
        assertThat(failed.getMessage().getHeader("message", String.class)).startsWith(reason.name() + ": ")
                .doesNotContain(key, TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET, PASSWORD);
        return failed;
    }

    @Test
    void theReadmesYamlRouteReportsAndHandsFailuresToTheHostsDeadLetterQueue() throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("readme.camel.yaml", readmeRoute()));
        String known = TestSecrets.sessionKey("yaml");
        SIMULATOR.addSession(known, 31);
        String unknown = TestSecrets.sessionKey("gone");

        template.sendBody("jms:queue:sessions", known);
        template.sendBody("jms:queue:sessions", unknown);

        Exchange failed = consumer.receive("jms:queue:sessions.failed", 10_000);
        assertThat(failed).isNotNull();
        assertThat(failed.getMessage().getBody(String.class)).isEqualTo(unknown);
        assertThat(failed.getMessage().getHeader("SuperOfficeFailureReason", String.class))
                .isEqualTo(FailureReason.SESSION_NOT_FOUND.name());
        assertThat(SIMULATOR.acceptedReportCount(known)).isEqualTo(1);
    }

    @Test
    void theHostsBeansRoutesSystemPropertiesAndCxfDefaultBusAreUntouched() throws Exception {
        String key = TestSecrets.sessionKey("host");
        SIMULATOR.addSession(key, 12);
        reportedThrough("jms:queue:session-keys", key);

        // the host's own parts behave as without the library
        assertThat(template.requestBody("direct:host-own", "", String.class)).isEqualTo("hello from the host");
        assertThat(context.getComponent("jms")).isSameAs(hostJms);
        // no bean of ours in the host's registry: the Kamelet's beans are local to it
        Map<String, Object> beans = context.getRegistry().findByTypeWithName(Object.class);
        assertThat(beans).containsKeys("jms", "greeting");
        assertThat(beans).allSatisfy((name, bean) ->
                assertThat(bean.getClass().getName()).as(name).doesNotStartWith("dev.sessionreporter"));
        // our routes are the Kamelet's, named after it
        assertThat(context.getRoutes()).allSatisfy(route -> assertThat(route.getRouteId())
                .matches("host-.*|superoffice-session-active-action.*"));
        assertThat(System.getProperties()).isEqualTo(systemPropertiesBefore);
        // no CXF default bus was created (or changed) for the host's next CXF client
        assertThat(BusFactory.getDefaultBus(false)).isNull();
    }

    /** The example route of the README's section "Use it in your Camel application". */
    private static String readmeRoute() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## Use it in your Camel application");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }
}
