package dev.sessionreporter.simulator;

/**
 * The wire names the simulated endpoints answer to: paths, namespaces and SOAPActions of NetServer's Services88, and
 * SuperOffice Online's login paths. Published on {@link CustomerServiceSimulator}.
 */
final class Services88 {
    static final String CUSTOMER_SERVICE_PATH = "/Remote/Services88/CustomerService.svc";
    static final String SO_PRINCIPAL_PATH = "/Remote/Services88/SoPrincipal.svc";
    static final String PARTNER_SYSTEM_USER_PATH = "/Login/api/PartnerSystemUser/Authenticate";
    static final String JWKS_PATH = "/login/.well-known/jwks";
    static final String SOAP11_ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String SOAP12_ENVELOPE_NS = "http://www.w3.org/2003/05/soap-envelope";
    static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    static final String REPORT_SESSION_ACTIVE_SOAP_ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActive\"";
    static final String SO_PRINCIPAL_SOAP_ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/SoPrincipal/AuthenticateUsernamePassword\"";

    private Services88() {
    }
}
