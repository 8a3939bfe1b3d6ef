package io.sluice.e2e;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.sluice.model.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for httpbin.org's {@code /get}: echoes the Host it was asked for, the path, whether the
 * request came over TLS and the forwarding chain, and counts requests. Plain HTTP, TLS with a
 * certificate from a {@link TestCa}, or TLS that requires a client certificate.
 */
final class EchoBackend implements AutoCloseable {

    private final WebServer server;
    final AtomicInteger requests = new AtomicInteger();

    private EchoBackend(String name, SSLContext tls, boolean requireClientCert) {
        var b = WebServer.builder().host("127.0.0.1").port(0);
        if (tls != null) {
            b.tls(Tls.builder().sslContext(tls)
                    .clientAuth(requireClientCert ? TlsClientAuth.REQUIRED : TlsClientAuth.NONE).build());
        }
        server = b.routing(r -> r.any((req, res) -> {
            requests.incrementAndGet();
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("backend", name);
            echo.put("host", req.headers().first(HeaderNames.HOST).orElse(""));
            echo.put("path", req.path().rawPath());
            echo.put("tls", req.isSecure());
            echo.put("x-forwarded-for", req.headers().first(HeaderNames.X_FORWARDED_FOR).orElse(""));
            res.header("Content-Type", "application/json").send(Json.write(echo));
        })).build().start();
    }

    static EchoBackend plain(String name) {
        return new EchoBackend(name, null, false);
    }

    static EchoBackend tls(String name, TestCa.Leaf leaf) {
        return new EchoBackend(name, leaf.serverContext(null), false);
    }

    /** TLS that accepts only clients with a certificate from {@code ca}. */
    static EchoBackend mutualTls(String name, TestCa.Leaf leaf, TestCa ca) {
        return new EchoBackend(name, leaf.serverContext(ca.trustManagers()), true);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
