package dev.sessionreporter.auth;

import dev.sessionreporter.StartupConfigurationException;
import java.util.Arrays;
import java.util.Locale;

/** {@code superoffice.auth.mode}: how the reporter gets its ticket. */
public enum AuthMode {
    /** The configured superoffice.ticket, never renewed. */
    TICKET,
    /** SoPrincipal.AuthenticateUsernamePassword with superoffice.username / superoffice.password. */
    PASSWORD,
    /** SuperOffice Online system user: a signed system-user token exchanged for a JWT. */
    SYSTEM_USER;

    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The configured mode, or (when empty) the one whose credentials are set: ticket, then password, then system user. */
    public static AuthMode resolve(String configured, String ticket, String username, String systemUserToken) {
        if (configured != null && !configured.isBlank()) {
            String wanted = configured.strip().toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(mode -> mode.propertyValue().equals(wanted)).findFirst()
                    .orElseThrow(() -> new StartupConfigurationException("superoffice.auth.mode must be ticket, password or "
                            + "system-user, not '" + configured.strip() + "'"));
        }
        if (isSet(ticket)) {
            return TICKET;
        }
        if (isSet(username)) {
            return PASSWORD;
        }
        if (isSet(systemUserToken)) {
            return SYSTEM_USER;
        }
        return TICKET;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
