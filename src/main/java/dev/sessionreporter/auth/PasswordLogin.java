package dev.sessionreporter.auth;

import dev.sessionreporter.failure.Causes;
import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.Dispatch;
import jakarta.xml.ws.Service;
import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPBinding;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Source;
import javax.xml.transform.dom.DOMSource;
import org.apache.cxf.binding.soap.SoapHeader;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.headers.Header;
import org.apache.cxf.jaxws.DispatchImpl;
import org.apache.cxf.staxutils.StaxUtils;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http.HTTPException;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * {@code superoffice.auth.mode=password}: {@code SoPrincipal.AuthenticateUsernamePassword} (SOAP 1.1, CXF Dispatch in
 * PAYLOAD mode, the ApplicationToken SOAP header). The ticket comes back in the body's {@code Credentials/Ticket};
 * {@code AuthenticationSucceeded=false} or {@code Succeeded=false} is a refused login.
 */
public final class PasswordLogin implements Login {
    static final String NAMESPACE = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    static final String SOAP_ACTION = NAMESPACE + "/SoPrincipal/AuthenticateUsernamePassword";
    private static final QName SERVICE = new QName(NAMESPACE, "WcfSoPrincipalService");
    private static final QName PORT = new QName(NAMESPACE, "BasicHttpBinding_SoPrincipal");

    private final org.apache.cxf.Bus bus;
    private final String url;
    private final String applicationToken;
    private final String username;
    private final String password;
    private final SSLContext sslContext;
    private final long connectTimeoutMillis;
    private final long receiveTimeoutMillis;
    private final Clock clock;

    public PasswordLogin(org.apache.cxf.Bus bus, String url, String applicationToken, String username, String password,
            SSLContext sslContext, long connectTimeoutMillis, long receiveTimeoutMillis, Clock clock) {
        this.bus = bus;
        this.url = url;
        this.applicationToken = applicationToken;
        this.username = username;
        this.password = password;
        this.sslContext = sslContext;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.receiveTimeoutMillis = receiveTimeoutMillis;
        this.clock = clock;
    }

    /** {@code .../Remote/Services88/CustomerService.svc} to {@code .../Remote/Services88/SoPrincipal.svc}. */
    public static String urlFor(String customerServiceUrl) {
        int at = customerServiceUrl.lastIndexOf('/');
        return customerServiceUrl.substring(0, at + 1) + "SoPrincipal.svc";
    }

    @Override
    public Ticket login() throws AuthenticationException {
        Dispatch<Source> dispatch = dispatch();
        try {
            Source answer = dispatch.invoke(new DOMSource(request()));
            return ticketFrom(StaxUtils.read(answer), dispatch);
        } catch (WebServiceException e) {
            String message = "SoPrincipal.AuthenticateUsernamePassword at " + url + " failed: " + rootMessage(e);
            throw unreachable(e, dispatch) ? AuthenticationException.unavailable(message) : new AuthenticationException(message);
        } catch (javax.xml.stream.XMLStreamException e) {
            throw new AuthenticationException("SoPrincipal answered something that is not XML");
        } finally {
            ((DispatchImpl<?>) dispatch).getClient().destroy();
        }
    }

    private Dispatch<Source> dispatch() {
        // JAX-WS takes the thread's CXF bus: the reporter's own, never CXF's default bus of the host JVM
        org.apache.cxf.Bus previous = org.apache.cxf.BusFactory.getThreadDefaultBus(false);
        org.apache.cxf.BusFactory.setThreadDefaultBus(bus);
        Dispatch<Source> dispatch;
        try {
            Service service = Service.create(SERVICE);
            service.addPort(PORT, SOAPBinding.SOAP11HTTP_BINDING, url);
            dispatch = service.createDispatch(PORT, Source.class, Service.Mode.PAYLOAD);
        } finally {
            org.apache.cxf.BusFactory.setThreadDefaultBus(previous);
        }
        var context = dispatch.getRequestContext();
        // the same HTTP client as the CustomerService endpoint, chosen for this client only
        context.put("force.urlconnection.http.conduit", Boolean.TRUE);
        context.put(BindingProvider.SOAPACTION_USE_PROPERTY, Boolean.TRUE);
        context.put(BindingProvider.SOAPACTION_URI_PROPERTY, SOAP_ACTION);
        context.put(Header.HEADER_LIST, List.of(new SoapHeader(new QName(NAMESPACE, "ApplicationToken"),
                textElement(newDocument(), "ApplicationToken", applicationToken))));
        Client client = ((DispatchImpl<?>) dispatch).getClient();
        HTTPConduit conduit = (HTTPConduit) client.getConduit();
        HTTPClientPolicy policy = new HTTPClientPolicy();
        policy.setConnectionTimeout(connectTimeoutMillis);
        policy.setReceiveTimeout(receiveTimeoutMillis);
        policy.setAllowChunking(false);
        policy.setVersion("1.1");
        conduit.setClient(policy);
        if (sslContext != null) {
            TLSClientParameters tls = new TLSClientParameters();
            tls.setSslContext(sslContext);
            conduit.setTlsClientParameters(tls);
        }
        return dispatch;
    }

    private Element request() {
        Document document = newDocument();
        Element body = document.createElementNS(NAMESPACE, "AuthenticateUsernamePassword");
        body.appendChild(textElement(document, "UserName", username));
        body.appendChild(textElement(document, "Password", password));
        return body;
    }

    private Ticket ticketFrom(Document answer, Dispatch<Source> dispatch) throws AuthenticationException {
        Object headers = dispatch.getResponseContext().get(Header.HEADER_LIST);
        if (headers instanceof List<?> list) {
            for (Object header : list) {
                if (header instanceof SoapHeader soapHeader && "Succeeded".equals(soapHeader.getName().getLocalPart())
                        && soapHeader.getObject() instanceof Element element && "false".equals(element.getTextContent().strip())) {
                    throw new AuthenticationException("SoPrincipal answered Succeeded=false");
                }
            }
        }
        Element root = answer.getDocumentElement();
        if (!"true".equals(text(descendant(root, "AuthenticationSucceeded")))) {
            throw new AuthenticationException("SuperOffice refused the login of user '" + username
                    + "' (AuthenticationSucceeded=false): wrong superoffice.username or superoffice.password");
        }
        Element credentials = descendant(root, "Credentials");
        String ticket = credentials == null ? null : text(descendant(credentials, "Ticket"));
        if (ticket == null || ticket.isBlank()) {
            throw new AuthenticationException("SoPrincipal reported success but returned no ticket");
        }
        return new Ticket(ticket, null, clock.instant());
    }

    private static Element descendant(Element parent, String localName) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                if (localName.equals(element.getLocalName()) && NAMESPACE.equals(element.getNamespaceURI())) {
                    return element;
                }
                Element found = descendant(element, localName);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String text(Element element) {
        return element == null ? null : element.getTextContent().strip();
    }

    private static Element textElement(Document document, String localName, String text) {
        Element element = document.createElementNS(NAMESPACE, localName);
        element.setTextContent(text);
        return element;
    }

    private static Document newDocument() {
        try {
            // not newDefaultNSInstance(): Karaf's java.xml API (lib/endorsed) predates it
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().newDocument();
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An outage rather than an answer: no connection, a reset or timeout (an I/O error other than a certificate or
     * host name failure), or an HTTP status of an outage (408, 429, 5xx) that carried no SOAP fault. A SOAP fault or
     * any other status is an answer and does not heal.
     */
    private static boolean unreachable(WebServiceException failure, Dispatch<Source> dispatch) {
        HTTPException http = Causes.find(failure, HTTPException.class);
        if (http != null) {
            return AuthenticationException.transientStatus(http.getResponseCode());
        }
        if (Causes.find(failure, java.io.IOException.class) != null) {
            return AuthenticationException.transientIo(failure);
        }
        if (failure instanceof jakarta.xml.ws.soap.SOAPFaultException) {
            return false;
        }
        Object status = dispatch.getResponseContext() == null ? null
                : dispatch.getResponseContext().get(jakarta.xml.ws.handler.MessageContext.HTTP_RESPONSE_CODE);
        if (status instanceof Integer code && code >= 300) {
            return AuthenticationException.transientStatus(code);
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = Causes.root(failure);
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
