package dev.sessionreporter.simulator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * SuperOffice Online's system-user login, {@code POST /Login/api/PartnerSystemUser/Authenticate}, and the JWKS its
 * JWTs are verified with, {@code GET /login/.well-known/jwks}.
 *
 * <p>Request (as in SuperOffice's "system user" documentation), {@code Content-Type: application/json}:
 * <pre>
 * {"SignedSystemToken": "&lt;system user token&gt;.&lt;yyyyMMddHHmm UTC&gt;.&lt;base64 SHA256withRSA signature of
 *                        '&lt;system user token&gt;.&lt;yyyyMMddHHmm&gt;' by the partner's private key&gt;",
 *  "ApplicationToken": "&lt;client secret&gt;", "ContextIdentifier": "Cust12345", "ReturnTokenType": "JWT"}
 * </pre>
 * Property names are matched case-insensitively, as ASP.NET model binding does.
 *
 * <p>Answer, always HTTP 200 once the request is well-formed JSON (the shape of SuperOffice's
 * {@code SystemUserResult}: {@code IsSuccessful}, {@code ErrorMessage}, {@code Token}):
 * <pre>
 * {"IsSuccessful":true,"ErrorMessage":null,"Token":"&lt;JWT&gt;"}
 * {"IsSuccessful":false,"ErrorMessage":"&lt;why, never echoing a secret&gt;","Token":null}
 * </pre>
 * Wrong method 405, wrong content type 415, malformed JSON or not a JSON object 400 (same JSON shape).
 *
 * <p>The JWT: RS256, {@code kid} of the simulator's own RSA key (generated on first use, kept for the simulator's
 * life), {@code typ JWT}; claims as SuperOffice's published system-user token (superoffice-docs
 * api/authentication/online/validate-security-tokens.md: sample claims and, for "System User", issuer
 * {@code SuperOffice AS} and audience {@code spn:<serial claim value>}): {@code iss} = {@value
 * #JWT_ISSUER}, {@code aud} = {@code spn:} + the tenant's {@code .../identity/serial},
 * {@code sub}, {@code iat}/{@code nbf} = now, {@code exp} = now + ticket lifetime, {@code jti}, and the SuperOffice
 * claims {@code .../identity/ticket} (a newly issued ticket, counted as a login), {@code .../identity/netserver_url}
 * (the tenant's SOAP base; like the published sample {@code https://sod.superoffice.com/Cust26759/Remote/Services86/}
 * it names a Services version that need not be the one a client calls: {@link #setNetServerServices}),
 * {@code .../identity/webapi_url}, {@code .../identity/ctx} and {@code .../identity/serial}.
 *
 * <p>Checks in order: required properties, ReturnTokenType (JWT only), ApplicationToken (skipped when the simulator
 * has none, like on-site), known system user token, its context identifier, the signature, then the timestamp
 * (within ±10 minutes of the simulator's clock).
 */
final class PartnerSystemUserService {

    static final Duration MAX_TIMESTAMP_SKEW = Duration.ofMinutes(10);
    static final String JWT_ISSUER = "SuperOffice AS";
    static final String TICKET_CLAIM = "http://schemes.superoffice.net/identity/ticket";
    static final String NETSERVER_URL_CLAIM = "http://schemes.superoffice.net/identity/netserver_url";
    static final String WEBAPI_URL_CLAIM = "http://schemes.superoffice.net/identity/webapi_url";
    static final String CONTEXT_CLAIM = "http://schemes.superoffice.net/identity/ctx";
    static final String SERIAL_CLAIM = "http://schemes.superoffice.net/identity/serial";
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuuMMddHHmm", Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    private static final String JSON_UTF8 = "application/json; charset=utf-8";

    record Reply(int status, String contentType, String body, Map<String, String> headers, String rejectionReason) {
    }

    private record SystemUser(String token, String contextIdentifier, PublicKey partnerKey) {
    }

    private final Map<String, SystemUser> systemUsers = new ConcurrentHashMap<>();
    private final TicketRegistry tickets;
    private final Supplier<String> applicationToken;
    private final Supplier<String> baseUrl;
    private final String keyId;
    private volatile String netServerUrl;
    private volatile String netServerServices = "Services86";
    private volatile RSAKey signingKey;

    PartnerSystemUserService(TicketRegistry tickets, Supplier<String> applicationToken, Supplier<String> baseUrl,
            String keyIdPrefix) {
        this.tickets = tickets;
        this.applicationToken = applicationToken;
        this.baseUrl = baseUrl;
        this.keyId = keyIdPrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    void addSystemUser(String systemUserToken, String contextIdentifier, PublicKey partnerKey) {
        Objects.requireNonNull(systemUserToken, "systemUserToken");
        Objects.requireNonNull(contextIdentifier, "contextIdentifier");
        Objects.requireNonNull(partnerKey, "partnerKey");
        if (!"RSA".equals(partnerKey.getAlgorithm())) {
            throw new IllegalArgumentException("the partner key must be an RSA public key");
        }
        systemUsers.put(systemUserToken, new SystemUser(systemUserToken, contextIdentifier, partnerKey));
    }

    void setNetServerUrl(String netServerUrl) {
        this.netServerUrl = netServerUrl;
    }

    /** The {@code Remote/<services>/} the default netserver_url claim ends in (default Services86, as the sample). */
    void setNetServerServices(String services) {
        this.netServerServices = Objects.requireNonNull(services, "services");
    }

    /** The tenant database serial number of the serial claim (the JWT's audience is "spn:" + it). */
    static String serial(String contextIdentifier) {
        return Integer.toString(Math.floorMod(contextIdentifier.toLowerCase(Locale.ROOT).hashCode(), 2_000_000_000));
    }

    // ------------------------------------------------------------------ JWKS

    Reply jwks(String method) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return new Reply(405, "text/plain; charset=utf-8", "Method Not Allowed", Map.of("Allow", "GET"),
                    "method not allowed: " + method);
        }
        return new Reply(200, JSON_UTF8, new JWKSet(key()).toPublicJWKSet().toString(), Map.of(), null);
    }

    /** Signs the JWTs with this key pair from now on (e.g. one whose certificate a client is given as PEM). */
    void useSigningKey(KeyPair pair) {
        signingKey = rsaKey(pair);
    }

    private RSAKey rsaKey(KeyPair pair) {
        return new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                .privateKey((RSAPrivateKey) pair.getPrivate())
                .keyID(keyId)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256)
                .build();
    }

    /** The simulator's signing key, generated (JDK RSA 2048) on first use. */
    private RSAKey key() {
        RSAKey key = signingKey;
        if (key == null) {
            synchronized (this) {
                key = signingKey;
                if (key == null) {
                    try {
                        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                        generator.initialize(2048);
                        key = rsaKey(generator.generateKeyPair());
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException("cannot generate the simulator's RSA key", e);
                    }
                    signingKey = key;
                }
            }
        }
        return key;
    }

    // ------------------------------------------------------------------ Authenticate

    Reply authenticate(String method, String contentType, byte[] body) {
        if (!"POST".equals(method)) {
            return new Reply(405, "text/plain; charset=utf-8", "Method Not Allowed", Map.of("Allow", "POST"),
                    "method not allowed: " + method);
        }
        if (!isJsonUtf8(contentType)) {
            return new Reply(415, JSON_UTF8, failureJson("Unsupported content type; expected application/json."),
                    Map.of(), "unsupported content type: " + contentType);
        }
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
        } catch (ParseException | RuntimeException e) {
            return new Reply(400, JSON_UTF8, failureJson("The request body is not a JSON object."), Map.of(),
                    "malformed JSON");
        }
        String signed = property(json, "SignedSystemToken");
        String appToken = property(json, "ApplicationToken");
        String context = property(json, "ContextIdentifier");
        String returnType = property(json, "ReturnTokenType");
        if (signed == null || signed.isEmpty()) {
            return failure("SignedSystemToken is required.", "missing SignedSystemToken");
        }
        if (context == null || context.isEmpty()) {
            return failure("ContextIdentifier is required.", "missing ContextIdentifier");
        }
        if (returnType == null || !returnType.equalsIgnoreCase("JWT")) {
            return failure("ReturnTokenType must be JWT (the only token type the simulator issues).",
                    "unsupported ReturnTokenType");
        }
        String expectedAppToken = applicationToken.get();
        if (expectedAppToken != null) {
            if (appToken == null || appToken.isEmpty()) {
                return failure("ApplicationToken is required.", "missing ApplicationToken");
            }
            if (!AcceptedCredentials.secretEquals(expectedAppToken, appToken)) {
                return failure("The application token is not valid: the application is not authorized.",
                        "invalid ApplicationToken");
            }
        }
        int signatureDot = signed.lastIndexOf('.');
        int timestampDot = signatureDot > 0 ? signed.lastIndexOf('.', signatureDot - 1) : -1;
        if (timestampDot <= 0) {
            return failure("SignedSystemToken must have the form <system user token>.<yyyyMMddHHmm>.<signature>.",
                    "malformed SignedSystemToken");
        }
        String token = signed.substring(0, timestampDot);
        String timestamp = signed.substring(timestampDot + 1, signatureDot);
        String signature = signed.substring(signatureDot + 1);
        SystemUser user = systemUsers.get(token);
        if (user == null) {
            return failure("Unknown system user token.", "unknown system user token");
        }
        if (!user.contextIdentifier().equalsIgnoreCase(context)) {
            return failure("The system user token is not valid for the tenant '" + context + "'.",
                    "system user token not valid for context " + context);
        }
        if (!signatureValid(user.partnerKey(), token + "." + timestamp, signature)) {
            return failure("The signature of the SignedSystemToken is not valid.", "invalid signature");
        }
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(timestamp, TIMESTAMP).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return failure("The timestamp of the SignedSystemToken is not a UTC yyyyMMddHHmm time.",
                    "malformed timestamp");
        }
        Instant now = tickets.now();
        if (Duration.between(signedAt, now).abs().compareTo(MAX_TIMESTAMP_SKEW) > 0) {
            return failure("The SignedSystemToken has expired: its timestamp is more than "
                    + MAX_TIMESTAMP_SKEW.toMinutes() + " minutes from the server's UTC time.", "stale timestamp");
        }
        String ticket = tickets.issue();
        String jwt;
        try {
            jwt = jwt(user.contextIdentifier(), ticket, now);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the JWT", e);
        }
        return new Reply(200, JSON_UTF8, "{\"IsSuccessful\":true,\"ErrorMessage\":null,\"Token\":\"" + jwt + "\"}",
                Map.of(), null);
    }

    private String jwt(String context, String ticket, Instant now) throws JOSEException {
        String base = baseUrl.get();
        String netServer = netServerUrl;
        if (netServer == null) {
            netServer = base + "/" + context + "/Remote/" + netServerServices + "/";
        }
        String serial = serial(context);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(JWT_ISSUER)
                .audience("spn:" + serial)
                .subject("system-user@" + context)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(tickets.lifetime())))
                .jwtID(UUID.randomUUID().toString())
                .claim(TICKET_CLAIM, ticket)
                .claim(NETSERVER_URL_CLAIM, netServer)
                .claim(WEBAPI_URL_CLAIM, base + "/" + context + "/api/")
                .claim(CONTEXT_CLAIM, context)
                .claim(SERIAL_CLAIM, serial)
                .build();
        RSAKey key = key();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static boolean signatureValid(PublicKey key, String signedText, String base64Signature) {
        try {
            byte[] signatureBytes = Base64.getDecoder().decode(base64Signature);
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(signedText.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(signatureBytes);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    private static String property(Map<String, Object> json, String name) {
        for (Map.Entry<String, Object> entry : json.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue() instanceof String value ? value : null;
            }
        }
        return null;
    }

    private static Reply failure(String message, String reason) {
        return new Reply(200, JSON_UTF8, failureJson(message), Map.of(), reason);
    }

    private static String failureJson(String message) {
        return "{\"IsSuccessful\":false,\"ErrorMessage\":\"" + jsonEscape(message) + "\",\"Token\":null}";
    }

    private static boolean isJsonUtf8(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] pair = parts[i].strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")
                    && !pair[1].strip().replace("\"", "").equalsIgnoreCase("utf-8")) {
                return false;
            }
        }
        return true;
    }

    static String jsonEscape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
