package io.sluice.e2e;

import io.sluice.testing.TestDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A certificate authority made in the test with the real {@code openssl} tool, as the book's readers
 * make theirs, issuing leaf certificates (RSA 2048, PKCS#8 keys) for stand-in servers and clients.
 */
final class TestCa {

    static final String PASSWORD = "changeit";

    private final Path dir;
    final Path caCert;
    private final Path caKey;

    private TestCa(Path dir, String subject) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.crt");
        this.caKey = dir.resolve("ca.key");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
                "-subj", subject, "-keyout", caKey.toString(), "-out", caCert.toString());
    }

    static TestCa create(String subject) {
        return new TestCa(TestDirectories.directory("ca"), subject);
    }

    /** A leaf for {@code subject} with DNS SANs, signed by this CA. */
    Leaf issue(String name, String subject, String... dnsNames) {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path crt = dir.resolve(name + ".crt");
        Path ext = dir.resolve(name + ".ext");
        Path p12 = dir.resolve(name + ".p12");
        List<String> sans = new ArrayList<>();
        for (String d : dnsNames) {
            sans.add("DNS:" + d);
        }
        try {
            Files.writeString(ext, sans.isEmpty() ? "basicConstraints=CA:FALSE\n"
                    : "subjectAltName=" + String.join(",", sans) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", key.toString(),
                "-out", csr.toString());
        openssl("x509", "-req", "-sha256", "-days", "2", "-in", csr.toString(), "-CA", caCert.toString(),
                "-CAkey", caKey.toString(), "-CAcreateserial", "-extfile", ext.toString(), "-out", crt.toString());
        openssl("pkcs12", "-export", "-in", crt.toString(), "-inkey", key.toString(), "-out", p12.toString(),
                "-passout", "pass:" + PASSWORD);
        return new Leaf(crt, key, p12);
    }

    String caPem() {
        return read(caCert);
    }

    record Leaf(Path cert, Path key, Path p12) {

        String certPem() {
            return read(cert);
        }

        String keyPem() {
            return read(key);
        }

        /** A server-side context presenting this leaf. */
        SSLContext serverContext(javax.net.ssl.TrustManager[] trust) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (var in = Files.newInputStream(p12)) {
                    ks.load(in, PASSWORD.toCharArray());
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, PASSWORD.toCharArray());
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), trust, null);
                return ctx;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Trust managers that accept this CA only, for a server that checks client certificates. */
    javax.net.ssl.TrustManager[] trustManagers() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            try (var in = Files.newInputStream(caCert)) {
                ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Tools.run(cmd, 30).requireExit(0);
    }
}
