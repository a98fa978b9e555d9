package dev.sessionreporter.auth;

import java.util.Objects;

/**
 * What goes into the SOAP headers of every call: the application token (Online: the app's client secret) and the
 * ticket. {@link #toString()} never shows either.
 */
public final class SuperOfficeCredentials {
    private final String applicationToken;
    private final String ticket;

    public SuperOfficeCredentials(String applicationToken, String ticket) {
        this.applicationToken = Objects.requireNonNull(applicationToken, "applicationToken");
        this.ticket = Objects.requireNonNull(ticket, "ticket");
    }

    public String applicationToken() {
        return applicationToken;
    }

    public String ticket() {
        return ticket;
    }

    @Override
    public String toString() {
        return "SuperOfficeCredentials[applicationToken=***, ticket=***]";
    }
}
