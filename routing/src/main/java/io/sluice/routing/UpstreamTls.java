package io.sluice.routing;

import java.util.List;

/**
 * TLS a gateway opens to a cluster's endpoints: Istio's {@code ClientTLSSettings} of a
 * DestinationRule, with the credential already read from its Secret or files. Only SIMPLE and MUTUAL
 * reach a table; DISABLE means plain connections, and ISTIO_MUTUAL has no mesh CA here.
 *
 * @param mode            SIMPLE or MUTUAL
 * @param sni             the server name to send; null sends the destination host
 * @param caCertificates  PEM of the CAs to trust; null trusts the JDK's default CAs
 * @param certificateChain PEM client certificate chain (MUTUAL), else null
 * @param privateKey      PEM client key (MUTUAL), else null; never logged or dumped
 * @param subjectAltNames names the server certificate must carry; empty checks the server name
 * @param insecureSkipVerify whether to skip checking the server certificate (Istio's field)
 */
public record UpstreamTls(String mode, String sni, String caCertificates, String certificateChain,
                          String privateKey, List<String> subjectAltNames, boolean insecureSkipVerify) {

    public UpstreamTls {
        subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
    }

    public boolean mutual() {
        return "MUTUAL".equals(mode);
    }

    @Override
    public String toString() {
        return "UpstreamTls[mode=" + mode + ", sni=" + sni + ", ca=" + (caCertificates != null)
                + ", clientCertificate=" + (certificateChain != null) + ", subjectAltNames=" + subjectAltNames
                + ", insecureSkipVerify=" + insecureSkipVerify + "]";
    }
}
