package io.sluice.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

/** Istio's {@code subjectAltNames} checks, for servers' and clients' certificates alike. */
public final class SubjectAltNames {

    private SubjectAltNames() {
    }

    /** Whether the certificate carries one of the names among its subject alternative names (of any type). */
    public static boolean hasAny(X509Certificate cert, List<String> wanted) throws CertificateParsingException {
        if (cert.getSubjectAlternativeNames() == null) {
            return false;
        }
        for (List<?> san : cert.getSubjectAlternativeNames()) {
            if (wanted.contains(String.valueOf(san.get(1)))) {
                return true;
            }
        }
        return false;
    }
}
