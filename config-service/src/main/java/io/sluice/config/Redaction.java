package io.sluice.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What a read may show of a Secret: certificates and what is in them (subject, SANs, issuer, validity),
 * never a private key or any other value. Every data entry but the certificate ones reads
 * {@code <redacted>}; {@code certificates} lists, per certificate entry, each certificate's metadata so
 * an operator can see which certificate a gateway serves and when it expires.
 */
final class Redaction {

    static final String REDACTED = "<redacted>";
    /** The entries Istio reads certificates from. */
    private static final Set<String> CERTIFICATE_KEYS = Set.of("tls.crt", "ca.crt", "cert", "cacert");

    private Redaction() {
    }

    static Resource forRead(Resource r) {
        if (r.kind() != ResourceKind.SECRET) {
            return r;
        }
        ObjectNode body = r.body().deepCopy();
        body.remove("stringData");
        if (body.get("data") instanceof ObjectNode data) {
            ObjectNode certificates = body.objectNode();
            data.properties().forEach(e -> {
                List<X509Certificate> certs = CERTIFICATE_KEYS.contains(e.getKey())
                        ? certificates(e.getValue().asText()) : List.of();
                if (certs.isEmpty()) {
                    e.setValue(body.textNode(REDACTED));
                } else {
                    ArrayNode list = certificates.putArray(e.getKey());
                    certs.forEach(c -> list.add(describe(c, body)));
                }
            });
            if (!certificates.isEmpty()) {
                body.set("certificates", certificates);
            }
        }
        return new Resource(r.kind(), r.apiVersion(), r.metadata(), body);
    }

    private static List<X509Certificate> certificates(String base64) {
        try {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
            return all.stream().filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toList();
        } catch (CertificateException | IllegalArgumentException e) {
            return List.of(); // not a certificate after all: shown as redacted like any other value
        }
    }

    private static ObjectNode describe(X509Certificate c, ObjectNode factory) {
        ObjectNode o = factory.objectNode();
        o.put("subject", c.getSubjectX500Principal().getName());
        o.put("issuer", c.getIssuerX500Principal().getName());
        ArrayNode sans = o.putArray("subjectAltNames");
        try {
            if (c.getSubjectAlternativeNames() != null) {
                c.getSubjectAlternativeNames().forEach(san -> sans.add(String.valueOf(san.get(1))));
            }
        } catch (CertificateParsingException e) {
            // shown without SANs
        }
        o.put("serialNumber", c.getSerialNumber().toString(16));
        o.put("notBefore", c.getNotBefore().toInstant().toString());
        o.put("notAfter", c.getNotAfter().toInstant().toString());
        return o;
    }
}
