package dev.sessionreporter.simulator;

import java.util.List;

/**
 * A SOAP operation the simulator serves: where, which SOAPAction, body element, the header entries it knows and its
 * parameters in declaration order.
 */
record SoapOperation(String path, String soapAction, String name, List<String> headers, List<String> parameters) {

    static final SoapOperation REPORT_SESSION_ACTIVE = new SoapOperation(
            Services88.CUSTOMER_SERVICE_PATH, Services88.REPORT_SESSION_ACTIVE_SOAP_ACTION,
            "ReportSessionActive", List.of("ApplicationToken", "Credentials", "TimeZone"), List.of("SessionKey"));
    static final SoapOperation AUTHENTICATE_USERNAME_PASSWORD = new SoapOperation(
            Services88.SO_PRINCIPAL_PATH, Services88.SO_PRINCIPAL_SOAP_ACTION,
            "AuthenticateUsernamePassword", List.of("ApplicationToken"), List.of("UserName", "Password"));
}
