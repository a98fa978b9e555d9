package dev.sessionreporter.soap;

import dev.sessionreporter.StartupConfigurationException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * Camel {@code sslContextParameters} for the HTTPS connection to SuperOffice. Without a trust store the JVM's default
 * trust store is used; a configured one replaces it (e.g. an on-site server with an internal CA). A key store adds a
 * client certificate. TLS 1.2 and 1.3 only. There is deliberately no "trust all" option. The server's certificates
 * must be within their validity period, also one pinned in the trust store ({@link ValidityCheckingTrustManager}).
 */
public final class TlsSettings {
    private TlsSettings() {
    }

    /**
     * Reads the stores now, so that a missing file, a wrong password or type refuses the start naming the property
     * (never the password); the first call would otherwise fail without saying which setting is wrong.
     */
    public static SSLContextParameters create(CamelContext camelContext, String trustStore, String trustStorePassword,
            String trustStoreType, String keyStore, String keyStorePassword, String keyStoreType) {
        SSLContextParameters parameters = new SSLContextParameters();
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(List.of("TLSv1.3", "TLSv1.2"));
        parameters.setSecureSocketProtocols(protocols);
        KeyStore trusted = isSet(trustStore)
                ? load(camelContext, "superoffice.tls.trust-store", trustStore, trustStorePassword, trustStoreType)
                : null;
        TrustManagersParameters trustManagers = new TrustManagersParameters();
        try {
            // null: the JVM's default trust store
            trustManagers.setTrustManager(ValidityCheckingTrustManager.of(trusted));
        } catch (GeneralSecurityException e) {
            throw new StartupConfigurationException("Property superoffice.tls.trust-store: cannot use "
                    + (trusted == null ? "the JVM's default trust store" : trustStore.strip()) + ": " + e.getMessage());
        }
        parameters.setTrustManagers(trustManagers);
        if (isSet(keyStore)) {
            KeyStoreParameters keys = new KeyStoreParameters();
            keys.setKeyStore(load(camelContext, "superoffice.tls.key-store", keyStore, keyStorePassword, keyStoreType));
            KeyManagersParameters keyManagers = new KeyManagersParameters();
            keyManagers.setKeyStore(keys);
            keyManagers.setKeyPassword(keyStorePassword);
            parameters.setKeyManagers(keyManagers);
        }
        return parameters;
    }

    private static KeyStore load(CamelContext camelContext, String property, String location, String password,
            String type) {
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setCamelContext(camelContext);
        String resource = location.strip();
        // a plain path is a file; "classpath:" and "file:" prefixes are Camel resource URIs
        keyStore.setResource(resource.startsWith("classpath:") || resource.startsWith("file:") ? resource : "file:" + resource);
        keyStore.setPassword(isSet(password) ? password : null);
        String storeType = isSet(type) ? type.strip() : "PKCS12";
        keyStore.setType(storeType);
        try {
            return keyStore.createKeyStore();
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            // the key store's own words name the file, the type or "password was incorrect", never the password
            throw new StartupConfigurationException("Property " + property + ": cannot read " + resource + " as a "
                    + storeType + " key store (" + property + "-type) with the password of " + property
                    + "-password: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
