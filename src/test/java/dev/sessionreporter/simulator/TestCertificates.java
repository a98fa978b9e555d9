package dev.sessionreporter.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed test certificates for {@code 127.0.0.1}/{@code localhost}, made with the JDK's own {@code keytool}
 * ({@code -genkeypair -keyalg RSA -ext SAN=ip:127.0.0.1,dns:localhost}) into a temporary PKCS12 key store.
 *
 * <p>{@link #localhost()} generates one per JVM (keytool takes about a second) and reuses it; the files are deleted
 * when the JVM exits. For the simulator ({@link Generated#serverContext()}) and for client-side TLS tests
 * ({@link Generated#clientContext()}, {@link Generated#trustStore()}, {@link Generated#writeTrustStore(Path)}).
 */
public final class TestCertificates {

    public static final String ALIAS = "simulator";

    private static Generated localhost;

    private TestCertificates() {
    }

    /**
     * @param keyStore    the PKCS12 key store holding the private key and certificate under {@link #ALIAS}
     * @param password    its store and key password (random; test use only)
     * @param certificate the self-signed certificate (SAN ip:127.0.0.1, dns:localhost)
     */
    public record Generated(Path keyStore, char[] password, X509Certificate certificate) {

        /** Key managers from the key store: what the server presents. */
        public SSLContext serverContext() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keyStore)) {
                    store.load(in, password);
                }
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, password);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, new SecureRandom());
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot load the test key store", e);
            }
        }

        /** A trust store (in memory) holding only the certificate. */
        public KeyStore trustStore() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry(ALIAS, certificate);
                return store;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes {@link #trustStore()} as PKCS12 to {@code file} with {@code storePassword}; returns the file. */
        public Path writeTrustStore(Path file, char[] storePassword) {
            try (OutputStream out = Files.newOutputStream(file)) {
                trustStore().store(out, storePassword);
                return file;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Same, with the password "changeit". */
        public Path writeTrustStore(Path file) {
            return writeTrustStore(file, "changeit".toCharArray());
        }

        /** A client context trusting only this certificate. */
        public SSLContext clientContext() {
            try {
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trustStore());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), new SecureRandom());
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The JVM-wide certificate for 127.0.0.1/localhost, generated on first use. */
    public static synchronized Generated localhost() {
        if (localhost == null) {
            try {
                Path dir = Files.createTempDirectory("so-sim-tls");
                dir.toFile().deleteOnExit();
                localhost = generate(dir.resolve("simulator.p12"));
                localhost.keyStore().toFile().deleteOnExit();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return localhost;
    }

    /** Runs keytool to create a fresh key pair and self-signed certificate (valid 7 days) in {@code keyStore}. */
    public static Generated generate(Path keyStore) {
        return generate(keyStore, "ip:127.0.0.1,dns:localhost");
    }

    /** The same for other subject alternative names, e.g. {@code dns:crm.example.com} to test hostname checks. */
    public static Generated generate(Path keyStore, String subjectAlternativeNames) {
        return generate(keyStore, subjectAlternativeNames, "+0d");
    }

    /** For 127.0.0.1/localhost, valid 7 days from 30 days ago: expired for three weeks. */
    public static Generated expired(Path keyStore) {
        return generate(keyStore, "ip:127.0.0.1,dns:localhost", "-30d");
    }

    /** {@code startDate} in keytool's relative form, e.g. {@code +0d} (now) or {@code -30d}. */
    private static Generated generate(Path keyStore, String subjectAlternativeNames, String startDate) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
        Path keytool = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name").toLowerCase().contains("win") ? "keytool.exe" : "keytool");
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt",
                "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "7", "-startdate", startDate,
                "-dname", "CN=localhost, O=session-reporter tests",
                "-ext", "SAN=" + subjectAlternativeNames,
                "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                // the password is passed through the environment, not the command line
                "-storepass:env", "SO_SIM_STOREPASS", "-keypass:env", "SO_SIM_STOREPASS");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("SO_SIM_STOREPASS", new String(password));
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed (exit " + process.exitValue() + "): "
                        + new String(output, StandardCharsets.UTF_8));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, password);
            }
            return new Generated(keyStore, password, (X509Certificate) store.getCertificate(ALIAS));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the test certificate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
