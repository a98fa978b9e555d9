package dev.sessionreporter.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * {@code superoffice.auth.mode=system-user} (SuperOffice Online): signs {@code <system user token>.<UTC yyyyMMddHHmm>}
 * with the partner's RSA private key (RSA-SHA256), exchanges it with the application token and context identifier at
 * PartnerSystemUser {@code Authenticate} for a JWT, verifies the JWT's signature (JWKS or PEM certificate, nimbus
 * JOSE) and its expiry, and takes the ticket and the tenant's current {@code netserver_url} from its claims.
 */
public final class SystemUserLogin implements Login {
    static final String TICKET_CLAIM = "http://schemes.superoffice.net/identity/ticket";
    static final String NETSERVER_URL_CLAIM = "http://schemes.superoffice.net/identity/netserver_url";
    private static final java.util.regex.Pattern REMOTE_SERVICES =
            java.util.regex.Pattern.compile("(?i)/?Remote/Services\\d+/?$");
    private static final java.util.regex.Pattern ONLINE_HOST =
            java.util.regex.Pattern.compile("(sod|qaonline|online)\\d*\\.superoffice\\.com");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

    private final URI authenticateUrl;
    private final String applicationToken;
    private final String contextIdentifier;
    private final String systemUserToken;
    private final PrivateKey privateKey;
    private final URI jwksUrl;
    private final java.security.PublicKey certificateKey;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public SystemUserLogin(URI authenticateUrl, String applicationToken, String contextIdentifier, String systemUserToken,
            PrivateKey privateKey, URI jwksUrl, java.security.PublicKey certificateKey, SSLContext sslContext, Duration timeout,
            Clock clock) {
        this.authenticateUrl = authenticateUrl;
        this.applicationToken = applicationToken;
        this.contextIdentifier = contextIdentifier;
        this.systemUserToken = systemUserToken;
        this.privateKey = privateKey;
        this.jwksUrl = jwksUrl;
        this.certificateKey = certificateKey;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The partner's private key from a PKCS#8 PEM file ("BEGIN PRIVATE KEY"). */
    public static PrivateKey readPrivateKey(Path pemFile) {
        try {
            String pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
            if (pem.contains("BEGIN RSA PRIVATE KEY")) {
                throw new IllegalArgumentException("the key in " + pemFile + " is PKCS#1; convert it with "
                        + "'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem'");
            }
            String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key file " + pemFile);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() != null && e.getMessage().contains("pkcs8") ? e.getMessage()
                    : "the file " + pemFile + " holds no RSA private key in PKCS#8 PEM form");
        }
    }

    /** The public key of a PEM certificate, to verify the JWT without fetching a JWKS. */
    public static java.security.PublicKey certificateKey(Path pemCertificate) {
        try {
            var certificate = X509CertUtils.parse(Files.readString(pemCertificate, StandardCharsets.US_ASCII));
            if (certificate == null) {
                throw new IllegalArgumentException("the file " + pemCertificate + " holds no PEM certificate");
            }
            return certificate.getPublicKey();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the certificate " + pemCertificate);
        }
    }

    @Override
    public Ticket login() throws AuthenticationException {
        JsonNode answer = post(signedSystemToken());
        if (!answer.path("IsSuccessful").asBoolean(false)) {
            String error = answer.path("ErrorMessage").asText("");
            throw new AuthenticationException("PartnerSystemUser Authenticate refused the system user"
                    + (error.isBlank() ? "" : ": " + error));
        }
        JWTClaimsSet claims = verified(answer.path("Token").asText(""));
        try {
            String ticket = claims.getStringClaim(TICKET_CLAIM);
            if (ticket == null || ticket.isBlank()) {
                throw new AuthenticationException("the system-user JWT carries no ticket claim");
            }
            return new Ticket(ticket, tenantBase(claims.getStringClaim(NETSERVER_URL_CLAIM)), clock.instant());
        } catch (java.text.ParseException e) {
            throw new AuthenticationException("the system-user JWT claims are not strings");
        }
    }

    /** {@code <token>.<timestamp>.<base64 RSA-SHA256 signature of "<token>.<timestamp>">}. */
    String signedSystemToken() throws AuthenticationException {
        String tokenAndTime = systemUserToken + "." + TIMESTAMP.format(clock.instant());
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(privateKey);
            signature.update(tokenAndTime.getBytes(StandardCharsets.UTF_8));
            return tokenAndTime + "." + Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new AuthenticationException("cannot sign the system user token: " + e.getClass().getSimpleName());
        }
    }

    private JsonNode post(String signedToken) throws AuthenticationException {
        try {
            String body = json.writeValueAsString(Map.of("SignedSystemToken", signedToken, "ApplicationToken",
                    applicationToken, "ContextIdentifier", contextIdentifier, "ReturnTokenType", "JWT"));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(authenticateUrl).timeout(timeout)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw failedStatus("PartnerSystemUser Authenticate answered HTTP " + response.statusCode(),
                        response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw ioFailure("PartnerSystemUser Authenticate at " + authenticateUrl + " failed: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthenticationException("interrupted while logging in");
        }
    }

    /** An outage status (408, 429, 5xx) is transient; any other status is an answer that does not heal by retrying. */
    private static AuthenticationException failedStatus(String message, int status) {
        return AuthenticationException.transientStatus(status) ? AuthenticationException.unavailable(message)
                : new AuthenticationException(message);
    }

    /** Unreachable (transient) unless a certificate or host name failure caused it. */
    private static AuthenticationException ioFailure(String message, IOException failure) {
        return AuthenticationException.transientIo(failure) ? AuthenticationException.unavailable(message)
                : new AuthenticationException(message);
    }

    private JsonNode parse(String body) throws AuthenticationException {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new AuthenticationException("PartnerSystemUser Authenticate answered something that is not JSON");
        }
    }

    /**
     * The tenant's base URL from the {@code netserver_url} claim, without the {@code Remote/ServicesNN/} it may end in:
     * the claim names the tenant, its Services version is not guaranteed (SuperOffice's published sample,
     * superoffice-docs api/authentication/online/validate-security-tokens.md, ends in {@code /Remote/Services86/}),
     * and this reporter always calls {@code Remote/Services88/CustomerService.svc}.
     */
    static String tenantBase(String netServerUrl) {
        if (netServerUrl == null || netServerUrl.isBlank()) {
            return null;
        }
        String base = REMOTE_SERVICES.matcher(netServerUrl.strip()).replaceFirst("");
        return base.endsWith("/") ? base : base + "/";
    }

    /**
     * Where to log in (PartnerSystemUser, JWKS) for a CustomerService address: SuperOffice Online's environment login
     * host {@code sod}, {@code qaonline} or {@code online}.superoffice.com even when the address names a numbered host
     * ({@code online3}, {@code sod2}) — superoffice-docs api/authentication/online/api.md: never authenticate against
     * a numbered host, those serve API data access only. Any other host (on-site, a test server) is used as it is.
     */
    public static String loginOrigin(String customerServiceUrl) {
        URI uri = URI.create(customerServiceUrl.strip());
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher online = ONLINE_HOST.matcher(host);
        if (online.matches()) {
            return "https://" + online.group(1) + ".superoffice.com";
        }
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private JWTClaimsSet verified(String jwt) throws AuthenticationException {
        try {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            // a certificate is one key, whatever kid the token names; a JWKS is matched by kid
            processor.setJWSKeySelector(certificateKey != null
                    ? new SingleKeyJWSKeySelector<>(JWSAlgorithm.RS256, certificateKey)
                    : new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(fetchJwks())));
            // the default claims verifier rejects an expired (exp) or not yet valid (nbf) token
            return processor.process(jwt, null);
        } catch (java.text.ParseException | com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
            throw new AuthenticationException("the system-user JWT was not accepted: " + e.getMessage());
        }
    }

    private JWKSet fetchJwks() throws AuthenticationException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(jwksUrl).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw failedStatus("the JWKS at " + jwksUrl + " answered HTTP " + response.statusCode(), response.statusCode());
            }
            return JWKSet.parse(response.body());
        } catch (IOException e) {
            throw ioFailure("cannot read the JWKS at " + jwksUrl + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (java.text.ParseException e) {
            throw new AuthenticationException("the JWKS at " + jwksUrl + " is not a JWK set");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthenticationException("interrupted while reading the JWKS");
        }
    }
}
