package com.example.boothost;

import jakarta.jws.WebParam;
import jakarta.jws.WebResult;
import jakarta.jws.WebService;

/** A SOAP service the host calls with its own CXF endpoint (route host-echo). */
@WebService(targetNamespace = "urn:example:host")
public interface Echo {
    @WebResult(name = "return")
    String echo(@WebParam(name = "text") String text);
}
