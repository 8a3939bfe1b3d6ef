package io.sluice.mirror;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.sluice.model.mirror.MirrorRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends a recorded request again, to a shadow or to any {@code host:port}, and reads the answer: status,
 * the headers kept for comparison, the body's SHA-256 and size, and the first {@link #BODY_KEPT} bytes
 * of it for a field diff.
 */
final class Replayer {

    static final int BODY_KEPT = 1 << 20;
    /** Set per hop or by the client library; content-length is recomputed from the recorded body. */
    private static final Set<String> NOT_REPLAYED = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-connection");

    /** An answer; status 0 when none came (connect failure, timeout). */
    record Response(int status, Map<String, String> headers, String bodySha256, long bodySize, byte[] body,
                    long latencyMs, String error) {
    }

    private final WebClient client = WebClient.builder()
            .followRedirects(false)
            .sendExpectContinue(false)
            .keepAlive(true)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    private final Duration timeout;

    Replayer(Duration timeout) {
        this.timeout = timeout;
    }

    /** Istio's shadow authority: {@code -shadow} after the host, before any port. */
    static String shadowAuthority(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return authority.substring(0, end + 1) + "-shadow" + authority.substring(end + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority + "-shadow" : authority.substring(0, colon) + "-shadow" + authority.substring(colon);
    }

    /**
     * @param endpoint  {@code host:port} to connect to
     * @param authority the Host header to send
     * @param kept      response headers to keep, lower-case
     */
    Response send(MirrorRecord.Request r, String endpoint, String authority, List<String> kept) {
        long start = System.nanoTime();
        HttpClientRequest out = client.method(Method.create(r.method()))
                .uri("http://" + endpoint + r.path())
                .skipUriEncoding(true)
                .readTimeout(timeout);
        for (MirrorRecord.Header h : r.headers()) {
            if (!NOT_REPLAYED.contains(h.name().toLowerCase(Locale.ROOT))
                    && !MirrorRecord.Request.REDACTED.equals(h.value())) {
                out.header(HeaderNames.create(h.name()), h.value());
            }
        }
        out.header(HeaderNames.HOST, authority);
        try (HttpClientResponse in = r.body().length == 0 && r.bodySize() == 0 ? out.request() : out.submit(r.body())) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : kept) {
                in.headers().first(HeaderNames.create(name)).ifPresent(v -> headers.put(name, v));
            }
            MessageDigest sha = sha256();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            long size = 0;
            try (InputStream is = in.inputStream()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = is.read(buf)) > 0) {
                    sha.update(buf, 0, n);
                    size += n;
                    if (body.size() < BODY_KEPT) {
                        body.write(buf, 0, Math.min(n, BODY_KEPT - body.size()));
                    }
                }
            }
            return new Response(in.status().code(), headers, HexFormat.of().formatHex(sha.digest()), size,
                    body.toByteArray(), (System.nanoTime() - start) / 1_000_000, null);
        } catch (IOException | RuntimeException e) {
            return new Response(0, Map.of(), "", 0, new byte[0], (System.nanoTime() - start) / 1_000_000,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
