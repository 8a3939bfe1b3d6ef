package io.sluice.e2e;

import io.sluice.testing.TestDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The book's PKI made with the {@code openssl} command, as the book makes it: a CA {@code O=Sockshop
 * Inc., CN=Sockshop.inc} and leaves signed by it, written to a temporary directory; and the command-line
 * clients (curl, openssl s_client) the checks run.
 */
final class TestPki {

    final Path dir;
    private int serial = 1;

    TestPki() {
        dir = TestDirectories.directory("pki");
        run("openssl", "req", "-x509", "-sha256", "-nodes", "-days", "30", "-newkey", "rsa:2048",
                "-subj", "/O=Sockshop Inc./CN=Sockshop.inc", "-keyout", "ca.key", "-out", "ca.crt");
    }

    Path ca() {
        return dir.resolve("ca.crt");
    }

    /** A leaf signed by the CA, files {@code <file>.crt} and {@code <file>.key}; a new key every call. */
    Path leaf(String file, String subject) {
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", file + ".key",
                "-out", file + ".csr");
        run("openssl", "x509", "-req", "-sha256", "-days", "30", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-set_serial", Integer.toString(serial++), "-in", file + ".csr", "-out", file + ".crt");
        return dir.resolve(file + ".crt");
    }

    /** A {@code kubernetes.io/tls} Secret in istio-system, as {@code kubectl create secret tls} makes it. */
    String tlsSecret(String name, String file, boolean withCa) {
        return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n  namespace: istio-system\n"
                + "type: kubernetes.io/tls\ndata:\n"
                + "  tls.crt: " + base64(file + ".crt") + "\n"
                + "  tls.key: " + base64(file + ".key") + "\n"
                + (withCa ? "  ca.crt: " + base64("ca.crt") + "\n" : "");
    }

    String base64(String file) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** curl over HTTPS to {@code host} at the gateway's local port, trusting only the book's CA. */
    Result curl(String host, int port, String path, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "5",
                "--resolve", host + ":" + port + ":127.0.0.1", "--cacert", ca().toString(),
                "-w", "\n%{http_code} %{http_version}"));
        cmd.addAll(List.of(extra));
        cmd.add("https://" + host + ":" + port + path);
        return run(cmd.toArray(String[]::new));
    }

    /** {@code openssl s_client} with SNI {@code serverName} (null: none), offering h2 and http/1.1. */
    Result sClient(int port, String serverName) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-CAfile", ca().toString(), "-alpn", "h2,http/1.1"));
        cmd.addAll(serverName == null ? List.of("-noservername") : List.of("-servername", serverName));
        return run(cmd.toArray(String[]::new));
    }

    record Result(int exit, String out, String err) {
        String all() {
            return out + "\n" + err;
        }

        /** The peer certificate's subject as s_client prints it: {@code CN = sockshop.com, O = sockshop.inc}. */
        String subject() {
            return line("subject=");
        }

        String issuer() {
            return line("issuer=");
        }

        private String line(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                    .findFirst().orElse(null);
        }
    }

    Result run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            Result r = new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
            if (cmd[0].equals("openssl") && !cmd[1].equals("s_client") && r.exit() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + r.err());
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
