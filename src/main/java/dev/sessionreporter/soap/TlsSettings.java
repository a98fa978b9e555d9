package dev.sessionreporter.soap;

import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * Camel {@code sslContextParameters} for the HTTPS connection to SuperOffice. Without a trust store the JVM's default
 * trust store is used; a configured one replaces it (e.g. an on-site server with an internal CA). A key store adds a
 * client certificate. TLS 1.2 and 1.3 only. There is deliberately no "trust all" option.
 */
public final class TlsSettings {
    private TlsSettings() {
    }

    public static SSLContextParameters create(String trustStore, String trustStorePassword, String trustStoreType,
            String keyStore, String keyStorePassword, String keyStoreType) {
        SSLContextParameters parameters = new SSLContextParameters();
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(java.util.List.of("TLSv1.3", "TLSv1.2"));
        parameters.setSecureSocketProtocols(protocols);
        if (isSet(trustStore)) {
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(keyStore(trustStore, trustStorePassword, trustStoreType));
            parameters.setTrustManagers(trustManagers);
        }
        if (isSet(keyStore)) {
            KeyManagersParameters keyManagers = new KeyManagersParameters();
            keyManagers.setKeyStore(keyStore(keyStore, keyStorePassword, keyStoreType));
            keyManagers.setKeyPassword(keyStorePassword);
            parameters.setKeyManagers(keyManagers);
        }
        return parameters;
    }

    private static KeyStoreParameters keyStore(String location, String password, String type) {
        KeyStoreParameters keyStore = new KeyStoreParameters();
        String resource = location.strip();
        // a plain path is a file; "classpath:" and "file:" prefixes are Camel resource URIs
        keyStore.setResource(resource.startsWith("classpath:") || resource.startsWith("file:") ? resource : "file:" + resource);
        keyStore.setPassword(isSet(password) ? password : null);
        keyStore.setType(isSet(type) ? type.strip() : "PKCS12");
        return keyStore;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
