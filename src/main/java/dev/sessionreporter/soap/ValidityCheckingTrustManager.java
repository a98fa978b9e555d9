package dev.sessionreporter.soap;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's trust manager, which also refuses a server certificate outside its validity period when that certificate
 * is itself a trust anchor: PKIX checks no dates on an anchor, so an expired self-signed certificate pinned in the
 * trust store was accepted (an expired CA-signed one is refused by PKIX already). Everything else, hostname
 * verification included, is the JDK's.
 */
final class ValidityCheckingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager jdk;

    private ValidityCheckingTrustManager(X509ExtendedTrustManager jdk) {
        this.jdk = jdk;
    }

    /** Trusting the certificates in {@code trustStore}; {@code null} is the JVM's default trust store. */
    static ValidityCheckingTrustManager of(KeyStore trustStore) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return new ValidityCheckingTrustManager(x509);
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        jdk.checkServerTrusted(chain, authType, socket);
        requireValid(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        jdk.checkServerTrusted(chain, authType, engine);
        requireValid(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        jdk.checkServerTrusted(chain, authType);
        requireValid(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        jdk.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        jdk.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        jdk.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return jdk.getAcceptedIssuers();
    }

    /**
     * The server's own certificate (the first of the chain). Not the others: a server may still send an expired
     * cross-signing root that PKIX rightly leaves out of the path it builds.
     */
    private static void requireValid(X509Certificate[] chain) throws CertificateException {
        X509Certificate server = chain[0];
        try {
            server.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new CertificateExpiredException("the server's certificate " + server.getSubjectX500Principal()
                    + " expired on " + server.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new CertificateNotYetValidException("the server's certificate " + server.getSubjectX500Principal()
                    + " is not valid before " + server.getNotBefore().toInstant());
        }
    }
}
