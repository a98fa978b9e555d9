package dev.sessionreporter.auth;

import dev.sessionreporter.StartupConfigurationException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides whether a {@code Succeeded=false} answer means "the server rejected our credentials" (renew the ticket,
 * retry once). The {@code ExceptionInfo}'s {@code ExceptionType} (or its {@code InnerException}'s) decides first,
 * by its simple name ({@code superoffice.auth.credential-rejection-types}); the {@code Message} text counts only
 * through an explicitly configured fallback pattern ({@code superoffice.auth.credential-rejection-pattern}), because
 * free text is unreliable: in Customer Service a "ticket" is also a support case ("Ticket 4711 not found").
 *
 * <p>The shipped types (application.properties: SoCredentialsException, SoTicketException): NetServer reports a
 * server-side exception in the {@code SoExceptionInfo} header (Services88 WSDL, superoffice-docs
 * api/reference/soap/Services88: {@code ExceptionType}, {@code Message}, {@code InnerException}, ...) with the name
 * of its {@code So...Exception}. Which type an invalid or expired ticket raises is not documented publicly; these are
 * the credential/ticket names of that family. SoSecurityException is left out: a security exception may also mean
 * missing rights, where renewing would cost a login per report and change nothing. The dead letter keeps the raw
 * ExceptionInfo (redacted), so an operator who sees another type can add it.
 */
public final class CredentialRejection {
    /** A fallback pattern must not take a support case for a credentials problem. */
    private static final List<String> NOT_CREDENTIAL_PROBLEMS = List.of("Ticket 4711 not found", "ticket");

    private final Set<String> types;
    private final Pattern messageFallback;

    public CredentialRejection(Set<String> types, Pattern messageFallback) {
        this.types = types.stream().map(type -> simpleName(type).toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.messageFallback = messageFallback;
    }

    /** From the two properties; a fallback pattern that matches "ticket" alone stops the start, naming the property. */
    public static CredentialRejection fromSettings(String typesProperty, String types, String patternProperty, String pattern) {
        Set<String> typeSet = types == null ? Set.of() : Arrays.stream(types.split(","))
                .map(String::strip).filter(type -> !type.isEmpty()).collect(Collectors.toSet());
        Pattern fallback = null;
        if (pattern != null && !pattern.isBlank()) {
            try {
                fallback = Pattern.compile(pattern.strip());
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new StartupConfigurationException("Property " + patternProperty + " is not a valid regular "
                        + "expression: " + e.getDescription());
            }
            for (String text : NOT_CREDENTIAL_PROBLEMS) {
                if (fallback.matcher(text).find()) {
                    throw new StartupConfigurationException("Property " + patternProperty + " matches '" + text
                            + "', which in Customer Service is a support case, not a credentials problem: match whole "
                            + "phrases of the server's message, or list the ExceptionType in " + typesProperty);
                }
            }
        }
        return new CredentialRejection(typeSet, fallback);
    }

    /** The raw (unredacted) ExceptionType, InnerException type and Message of a {@code Succeeded=false} answer. */
    public boolean matches(String exceptionType, String innerExceptionType, String message) {
        if (isListed(exceptionType) || isListed(innerExceptionType)) {
            return true;
        }
        return messageFallback != null && message != null && messageFallback.matcher(message).find();
    }

    private boolean isListed(String exceptionType) {
        return exceptionType != null && types.contains(simpleName(exceptionType).toLowerCase(Locale.ROOT));
    }

    /** {@code SuperOffice.CRM.Security.SoCredentialsException} (or a nested {@code Outer+Inner}) to its last name. */
    private static String simpleName(String type) {
        String name = type.strip();
        int comma = name.indexOf(',');
        if (comma >= 0) {
            // an assembly-qualified name: "Namespace.Type, Assembly, Version=..."
            name = name.substring(0, comma).strip();
        }
        return name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('+')) + 1);
    }
}
