package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.TestCertificates;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * superoffice.auth.jwt-certificate-file: the system-user JWT is verified with a PEM certificate instead of the JWKS
 * (the JWKS URL points at a closed port here, so only the certificate can make the login work).
 */
class SystemUserPemCertificateTest extends ReporterTestSupport {
    private static final String SYSTEM_USER_TOKEN = "SysUserTok-" + TestSecrets.sessionKey("pem1");
    private static final String CONTEXT = "Cust54321";
    private static final KeyPair PARTNER_KEY = rsaKeyPair();
    private static final TestCertificates.Generated JWT_SIGNER = signer();

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addSystemUser(SYSTEM_USER_TOKEN, CONTEXT, PARTNER_KEY.getPublic());
        SIMULATOR.useJwtSigningKey(signerKeyPair());
        Properties properties = new Properties();
        // credentials and addresses: the simulator's Online system user, the JWT checked with a PEM certificate
        // (the JWKS address leads nowhere, so that only the certificate can verify it)
        properties.setProperty("superoffice.auth.mode", "system-user");
        properties.setProperty("superoffice.ticket", "");
        properties.setProperty("superoffice.auth.system-user-token", SYSTEM_USER_TOKEN);
        properties.setProperty("superoffice.auth.private-key-file", pem("PRIVATE KEY", PARTNER_KEY.getPrivate().getEncoded()));
        properties.setProperty("superoffice.auth.context-identifier", CONTEXT);
        properties.setProperty("superoffice.auth.system-user-url", SIMULATOR.partnerSystemUserUrl());
        properties.setProperty("superoffice.auth.jwks-url", "http://127.0.0.1:" + FreePort.find() + "/no-jwks-here");
        try {
            properties.setProperty("superoffice.auth.jwt-certificate-file",
                    pem("CERTIFICATE", JWT_SIGNER.certificate().getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return properties;
    }

    @AfterAll
    void ownKeyAgain() {
        SIMULATOR.useJwtSigningKey(rsaKeyPair());
    }

    @Test
    void verifiesTheJwtWithThePemCertificate() {
        String key = TestSecrets.sessionKey("pemk");
        SIMULATOR.addSession(key, 41);

        queue().sendText(key);

        await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        assertThat(SIMULATOR.requestsFor(key).get(0).path()).startsWith("/" + CONTEXT + "/");
    }

    private static TestCertificates.Generated signer() {
        try {
            return TestCertificates.generate(Files.createTempDirectory("jwt-signer").resolve("signer.p12"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair signerKeyPair() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(JWT_SIGNER.keyStore())) {
                store.load(in, JWT_SIGNER.password());
            }
            String alias = store.aliases().nextElement();
            return new KeyPair(store.getCertificate(alias).getPublicKey(), (PrivateKey) store.getKey(alias, JWT_SIGNER.password()));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        try {
            Path file = Files.createTempFile("pem", ".pem");
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
            Files.writeString(file, "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n");
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
