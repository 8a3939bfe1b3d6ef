package io.sluice.mirror;

import io.sluice.model.mirror.MirrorRecord;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.Cluster;
import io.sluice.routing.Upstream;
import io.sluice.upstream.ConnectionPool;
import io.sluice.upstream.Destination;
import io.sluice.upstream.Destinations;
import io.sluice.upstream.GrpcExchanges;
import io.sluice.upstream.HeaderList;
import io.sluice.upstream.OutgoingBody;
import io.sluice.upstream.UpstreamResponse;
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
 * Sends a recorded request again, to a shadow or to any {@code host:port}, and reads the answer: status
 * (and a gRPC call's status), the headers kept for comparison, the body's SHA-256 and size, and the
 * first {@link #BODY_KEPT} bytes of it for a field diff. A shadow is spoken to with the gateway's own
 * client, as a gateway would have sent it: HTTP/1.1, HTTP/2 or a gRPC call as its port says, with the
 * TLS its DestinationRule originates.
 */
final class Replayer implements AutoCloseable {

    static final int BODY_KEPT = 1 << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Set per hop or by the client; the length is the recorded body's. */
    private static final Set<String> NOT_REPLAYED = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-connection");

    /**
     * An answer; status 0 when none came (connect failure, timeout).
     *
     * @param grpcStatus a gRPC call's status, from the trailers or a trailers-only head; null for other answers
     */
    record Response(int status, String grpcStatus, Map<String, String> headers, String bodySha256, long bodySize,
                    byte[] body, long latencyMs, String error) {

        static Response none(String error) {
            return new Response(0, null, Map.of(), "", 0, new byte[0], 0, error);
        }
    }

    private final ConnectionPool pool = new ConnectionPool();
    private final Destinations destinations = new Destinations(ResolveOverrides.fromEnvironment());
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
     * To one endpoint of a cluster, in the protocol and with the TLS the cluster's port and rule give.
     *
     * @param authority the Host (or {@code :authority}) to send
     * @param kept      response headers to keep, lower-case
     */
    Response send(MirrorRecord.Request r, Cluster cluster, Upstream endpoint, String authority, List<String> kept) {
        // a gRPC client spoke HTTP/2: a rule's useClientProtocol keeps it
        // no client to name in a PROXY protocol header: the endpoint is told so
        return send(r, destinations.destination(cluster, endpoint, isGrpc(r), null), authority, kept);
    }

    /**
     * To any {@code host:port}, in cleartext: a gRPC call in HTTP/2 (prior knowledge), anything else in
     * HTTP/1.1.
     */
    Response send(MirrorRecord.Request r, String host, int port, String authority, List<String> kept) {
        Destination plain = new Destination(host, port, null);
        Destination to = isGrpc(r) ? new Destination(host, port, null, plain.idleTimeout(), null, null, true, null)
                : plain;
        return send(r, to, authority, kept);
    }

    private Response send(MirrorRecord.Request r, Destination to, String authority, List<String> kept) {
        long start = System.nanoTime();
        HeaderList headers = new HeaderList();
        for (MirrorRecord.Header h : r.headers()) {
            if (!NOT_REPLAYED.contains(h.name().toLowerCase(Locale.ROOT))
                    && !MirrorRecord.Request.REDACTED.equals(h.value())) {
                headers.add(h.name(), h.value());
            }
        }
        headers.set("host", authority);
        OutgoingBody body = r.body().length == 0 ? OutgoingBody.NONE : new OutgoingBody.Bytes(r.body());
        try (UpstreamResponse in = pool.send(to, CONNECT_TIMEOUT, timeout, r.method(), r.path(), headers, body,
                false)) {
            Map<String, String> keptHeaders = new LinkedHashMap<>();
            for (String name : kept) {
                String v = in.headers().first(name);
                if (v != null) {
                    keptHeaders.put(name, v);
                }
            }
            MessageDigest sha = sha256();
            ByteArrayOutputStream prefix = new ByteArrayOutputStream();
            long size = 0;
            try (InputStream is = in.body()) {
                byte[] buf = new byte[8192];
                for (int n; (n = is.read(buf)) >= 0; ) {
                    sha.update(buf, 0, n);
                    size += n;
                    if (prefix.size() < BODY_KEPT) {
                        prefix.write(buf, 0, Math.min(n, BODY_KEPT - prefix.size()));
                    }
                }
            }
            return new Response(in.status(), grpcStatus(in), keptHeaders, HexFormat.of().formatHex(sha.digest()), size,
                    prefix.toByteArray(), (System.nanoTime() - start) / 1_000_000, null);
        } catch (IOException | RuntimeException e) {
            return new Response(0, null, Map.of(), "", 0, new byte[0], (System.nanoTime() - start) / 1_000_000,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static boolean isGrpc(MirrorRecord.Request r) {
        for (MirrorRecord.Header h : r.headers()) {
            if (h.name().equalsIgnoreCase("content-type")) {
                return GrpcExchanges.isGrpc(h.value());
            }
        }
        return false;
    }

    /** A trailers-only answer has it in its head; any other gRPC answer in the trailers after its body. */
    private static String grpcStatus(UpstreamResponse in) {
        String status = in.headers().first("grpc-status");
        if (status == null && in.trailers() != null) {
            status = in.trailers().get().first("grpc-status");
        }
        return status;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
