package io.sluice.gateway.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * One Secret made ready for handshakes: parsed once per Secret version, shared by every handshake.
 *
 * @param alias       name and resourceVersion: a handshake that chose this version gets this key and
 *                    chain even if the Secret is replaced halfway through it
 * @param clientTrust the CA from {@code ca.crt} or the {@code <name>-cacert} Secret, for MUTUAL; or null
 */
record TlsCredential(String name, String alias, PrivateKey key, X509Certificate[] chain,
                     X509TrustManager clientTrust) {

    /** The JSSE key type this key signs for: RSA, EC, … */
    String keyType() {
        return key.getAlgorithm();
    }
}
