package dev.sessionreporter.soap;

import dev.sessionreporter.secret.SecretRedactor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.jaxws.CxfConfigurer;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.cxf.Bus;
import org.apache.cxf.databinding.AbstractDataBinding;
import org.apache.cxf.databinding.DataBinding;
import org.apache.cxf.jaxb.JAXBDataBinding;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.ext.logging.LoggingFeature;
import org.apache.cxf.ext.logging.MaskSensitiveHelper;
import org.apache.cxf.frontend.AbstractWSDLBasedEndpointFactory;
import org.apache.cxf.message.Exchange;
import org.apache.cxf.message.MessageUtils;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.apache.cxf.wsdl.WSDLManager;
import org.slf4j.LoggerFactory;

/**
 * The camel-cxf-soap endpoint for CustomerService.ReportSessionActive: our WSDL, PAYLOAD mode (we build the body and
 * SOAP headers as DOM, CXF writes the SOAP 1.1 envelope and the SOAPAction from the WSDL), synchronous, HTTP/1.1 with
 * keep-alive, the configured connect and receive timeouts, and a cap on the size of an answer.
 */
public final class CustomerServiceEndpoint {
    private CustomerServiceEndpoint() {
    }

    /**
     * SOAP elements whose content the optional wire log replaces with XXX: the secrets we send, and the free text of
     * the server's ExceptionInfo and SOAP faults, which may echo them back (their text, redacted, is in the dead letter).
     */
    static final Set<String> SENSITIVE_ELEMENTS = Set.of("ApplicationToken", "Ticket", "SessionKey", "Password",
            "Message", "FriendlyText", "StackTrace", "faultstring", "detail");

    /**
     * The endpoint on a CXF bus of its own, which is shut down with {@code camelContext}: nothing is changed on CXF's
     * default bus or in system properties, so other CXF and HTTP clients in the same JVM keep their behaviour.
     */
    public static CxfEndpoint create(CamelContext camelContext, String address, long connectTimeoutMillis,
            long receiveTimeoutMillis, long maxAnswerBytes, SSLContextParameters tls, boolean wireLogging,
            SecretRedactor redactor) {
        return create(camelContext, CustomerServiceBus.startedWith(camelContext), address, connectTimeoutMillis,
                receiveTimeoutMillis, maxAnswerBytes, tls, wireLogging, redactor);
    }

    /** The same on a bus the caller owns (the configuration shares it with the SoPrincipal login). */
    public static CxfEndpoint create(CamelContext camelContext, CustomerServiceBus bus, String address,
            long connectTimeoutMillis, long receiveTimeoutMillis, long maxAnswerBytes, SSLContextParameters tls,
            boolean wireLogging, SecretRedactor redactor) {
        CxfEndpoint endpoint = new CxfEndpoint();
        configure(endpoint, camelContext, bus, address, connectTimeoutMillis, receiveTimeoutMillis, maxAnswerBytes, tls,
                wireLogging, redactor);
        return endpoint;
    }

    /** Makes {@code endpoint} the CustomerService endpoint on {@code bus} (also used by the Kamelet's own endpoint). */
    public static void configure(CxfEndpoint endpoint, CamelContext camelContext, CustomerServiceBus bus, String address,
            long connectTimeoutMillis, long receiveTimeoutMillis, long maxAnswerBytes, SSLContextParameters tls,
            boolean wireLogging, SecretRedactor redactor) {
        prepareInBackground(bus.bus());
        endpoint.setCamelContext(camelContext);
        endpoint.setBus(bus.bus());
        endpoint.setAddress(address.strip());
        endpoint.setWsdlURL(CustomerServiceContract.WSDL_LOCATION);
        endpoint.setServiceNameAsQName(CustomerServiceContract.SERVICE);
        endpoint.setPortNameAsQName(CustomerServiceContract.PORT);
        endpoint.setDataFormat(DataFormat.PAYLOAD);
        endpoint.setDefaultOperationName(CustomerServiceContract.OPERATION);
        endpoint.setDefaultOperationNamespace(CustomerServiceContract.NAMESPACE);
        // The calling thread waits for the answer: transacted JMS consumers must commit on the thread that received.
        endpoint.setSynchronous(true);
        // CXF's default conduit (java.net.http) starts a thread per request; the
        // HttpURLConnection conduit, for this endpoint only (the system property would switch every CXF client).
        endpoint.setProperties(new HashMap<>(Map.of("force.urlconnection.http.conduit", Boolean.TRUE)));
        endpoint.setCxfConfigurer(new TimeoutsConfigurer(connectTimeoutMillis, receiveTimeoutMillis, maxAnswerBytes,
                new CallDeadlines(camelContext, receiveTimeoutMillis)));
        // Only https:// uses it. Hostname verification stays CXF's default (on); there is no way to switch it off.
        endpoint.setSslContextParameters(tls);
        if (wireLogging) {
            LoggingFeature logging = new LoggingFeature();
            logging.setSensitiveDataHelper(new RedactingMaskHelper(redactor));
            logging.addSensitiveElementNames(SENSITIVE_ELEMENTS);
            endpoint.getFeatures().add(logging);
        }
    }

    /**
     * Reads our WSDL into the bus on a thread of its own while Camel goes on loading routes and starting services: the
     * client the route's producer creates later finds the parsed WSDL and the classes ready (start-up time). A failure
     * here changes nothing: the producer then does the same work itself and reports it.
     */
    private static void prepareInBackground(Bus bus) {
        Thread thread = new Thread(() -> {
            try {
                // the same location string as the endpoint's: WSDLManager caches the definition under it
                bus.getExtension(WSDLManager.class).getDefinition(CustomerServiceContract.WSDL_LOCATION);
            } catch (Exception | LinkageError e) {
                LoggerFactory.getLogger(CustomerServiceEndpoint.class).debug("CXF preparation in the background failed", e);
            }
        }, "cxf-prepare");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Masks the sensitive elements, then removes every form of a known secret left anywhere in the logged text, also
     * the session key and the ticket of this call wherever the server echoes them (other elements, attributes,
     * comments, an HTML error page): the request names them, and its answer is logged in the same CXF exchange.
     */
    private static final class RedactingMaskHelper extends MaskSensitiveHelper {
        private static final Pattern SESSION_KEY = sentElement("SessionKey");
        private static final Pattern TICKET = sentElement("Ticket");
        private static final String SENT_SESSION_KEY = RedactingMaskHelper.class.getName() + ".sessionKey";
        private static final String SENT_TICKET = RedactingMaskHelper.class.getName() + ".ticket";

        private final SecretRedactor redactor;

        RedactingMaskHelper(SecretRedactor redactor) {
            this.redactor = redactor;
        }

        @Override
        public String maskSensitiveElements(org.apache.cxf.message.Message message, String originalLogString) {
            Exchange exchange = message.getExchange();
            if (exchange != null && originalLogString != null && MessageUtils.isOutbound(message)) {
                exchange.put(SENT_SESSION_KEY, firstGroup(SESSION_KEY, originalLogString));
                exchange.put(SENT_TICKET, firstGroup(TICKET, originalLogString));
            }
            String sessionKey = exchange == null ? null : (String) exchange.get(SENT_SESSION_KEY);
            String ticket = exchange == null ? null : (String) exchange.get(SENT_TICKET);
            return redactor.redact(super.maskSensitiveElements(message, originalLogString), sessionKey, ticket);
        }

        @Override
        public void maskHeaders(Map<String, String> headers, Set<String> sensitiveHeaderNames) {
            super.maskHeaders(headers, sensitiveHeaderNames);
            headers.replaceAll((name, value) -> redactor.redact(value, null));
        }

        /** The text of the element {@code name} in any namespace prefix, as we write it (no nested elements). */
        private static Pattern sentElement(String name) {
            return Pattern.compile("<(?:[\\w.-]+:)?" + name + "(?:\\s[^>]*)?>([^<]+)</");
        }

        private static String firstGroup(Pattern pattern, String text) {
            Matcher matcher = pattern.matcher(text);
            return matcher.find() ? matcher.group(1).strip() : null;
        }
    }

    private record TimeoutsConfigurer(long connectTimeoutMillis, long receiveTimeoutMillis, long maxAnswerBytes,
            CallDeadlines deadlines) implements CxfConfigurer {
        @Override
        public void configure(AbstractWSDLBasedEndpointFactory factoryBean) {
            // A data binding without a bus takes CXF's default bus, creating it if the host JVM has none yet: give it
            // the endpoint's own bus.
            DataBinding binding = factoryBean.getDataBinding();
            if (binding == null) {
                binding = new JAXBDataBinding();
                factoryBean.setDataBinding(binding);
            }
            if (binding instanceof AbstractDataBinding withBus) {
                withBus.setBus(factoryBean.getBus());
            }
        }

        @Override
        public void configureClient(Client client) {
            HTTPClientPolicy policy = new HTTPClientPolicy();
            policy.setConnectionTimeout(connectTimeoutMillis);
            // the longest wait for one byte; the deadline of the whole call is CallDeadlines'
            policy.setReceiveTimeout(receiveTimeoutMillis);
            policy.setVersion("1.1");
            policy.setAllowChunking(false);
            // a compressed answer is then the server's error (INVALID_ANSWER), never something to decode
            policy.setAcceptEncoding("identity");
            ((HTTPConduit) client.getConduit()).setClient(policy);
            client.getOutInterceptors().add(new WholeRequestInterceptor(deadlines));
            CallDeadlineInterceptor deadline = new CallDeadlineInterceptor();
            client.getInInterceptors().add(deadline);
            client.getInFaultInterceptors().add(deadline);
            AnswerSizeLimitInterceptor sizeLimit = new AnswerSizeLimitInterceptor(maxAnswerBytes);
            client.getInInterceptors().add(sizeLimit);
            client.getInFaultInterceptors().add(sizeLimit);
            NonSoapErrorStatusInterceptor errorStatus = new NonSoapErrorStatusInterceptor();
            client.getInInterceptors().add(errorStatus);
            client.getInFaultInterceptors().add(errorStatus);
            StrictAnswerInterceptor strictAnswer = new StrictAnswerInterceptor();
            client.getInInterceptors().add(strictAnswer);
            client.getInFaultInterceptors().add(strictAnswer);
        }

        @Override
        public void configureServer(Server server) {
            // client only
        }
    }
}
