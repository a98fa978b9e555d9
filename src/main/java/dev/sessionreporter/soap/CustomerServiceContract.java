package dev.sessionreporter.soap;

import javax.xml.namespace.QName;

/** Names from SuperOffice's Services88 CustomerService contract (see src/main/resources/wsdl/CustomerService.wsdl). */
public final class CustomerServiceContract {
    public static final String NAMESPACE = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    public static final String WSDL_LOCATION = "wsdl/CustomerService.wsdl";
    public static final QName SERVICE = new QName(NAMESPACE, "WcfCustomerServiceService");
    public static final QName PORT = new QName(NAMESPACE, "BasicHttpBinding_CustomerService");
    public static final String OPERATION = "ReportSessionActive";

    static final QName APPLICATION_TOKEN = new QName(NAMESPACE, "ApplicationToken");
    static final QName CREDENTIALS = new QName(NAMESPACE, "Credentials");
    static final QName TIME_ZONE = new QName(NAMESPACE, "TimeZone");
    static final QName EXCEPTION_INFO = new QName(NAMESPACE, "ExceptionInfo");
    static final QName SUCCEEDED = new QName(NAMESPACE, "Succeeded");
    static final QName RESPONSE_ELEMENT = new QName(NAMESPACE, "ReportSessionActiveResponse");

    private CustomerServiceContract() {
    }
}
