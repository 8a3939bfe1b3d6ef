package io.sluice.gateway.mirror;

import io.sluice.upstream.HeaderList;
import io.sluice.model.mirror.MirrorRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One request on its way through the proxy, seen by the mirror: the request body is copied up to the
 * cap as it streams upstream, the primary's response body is counted and hashed as it streams to the
 * client, and {@link #finish} queues one copy per chosen target. Used by one request thread.
 */
public sealed interface MirrorCapture {

    /** The request is not mirrored: streams pass through untouched. */
    MirrorCapture NONE = new None();

    InputStream requestBody(InputStream in);

    OutputStream responseBody(OutputStream out);

    /** The primary's status and headers, once it answered. */
    void primary(int status, HeaderList headers);

    /**
     * The exchange is over (answered or failed): queue the copies.
     *
     * @param grpcStatus the primary's gRPC status when it was a gRPC call, else null
     */
    void finish(String grpcStatus);

    final class None implements MirrorCapture {
        private None() {
        }

        @Override
        public InputStream requestBody(InputStream in) {
            return in;
        }

        @Override
        public OutputStream responseBody(OutputStream out) {
            return out;
        }

        @Override
        public void primary(int status, HeaderList headers) {
        }

        @Override
        public void finish(String grpcStatus) {
        }
    }

    final class Active implements MirrorCapture {

        private final MirrorTap tap;
        private final String route;
        private final List<MirrorRecord.Target> targets;
        private final String method;
        private final String path;
        private final String authority;
        private final String requestId;
        private final List<MirrorRecord.Header> headers;
        private final MirrorRecord.Target primaryTarget;
        private final long time = System.currentTimeMillis();
        private final long start = System.nanoTime();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final MessageDigest digest;
        private long requestSize;
        private long responseSize;
        private int status;
        private Map<String, String> responseHeaders = Map.of();
        private boolean finished;

        Active(MirrorTap tap, String route, List<MirrorRecord.Target> targets, String method, String path,
               HeaderList forwarded, MirrorRecord.Target primaryTarget) {
            this.tap = tap;
            this.route = route;
            this.targets = targets;
            this.method = method;
            this.path = path;
            this.primaryTarget = primaryTarget;
            String host = forwarded.first("host");
            this.authority = host == null ? "" : host;
            String id = forwarded.first("x-request-id");
            this.requestId = id != null ? id : UUID.randomUUID().toString();
            this.headers = redacted(forwarded, tap.settings());
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }

        private static List<MirrorRecord.Header> redacted(HeaderList forwarded, MirrorSettings settings) {
            List<MirrorRecord.Header> out = new ArrayList<>(forwarded.size());
            forwarded.forEach((name, value) -> {
                boolean secret = settings.redactedHeaders().contains(name.toLowerCase(Locale.ROOT));
                out.add(new MirrorRecord.Header(name, secret ? MirrorRecord.Request.REDACTED : value));
            });
            return out;
        }

        @Override
        public InputStream requestBody(InputStream in) {
            int cap = tap.settings().bodyCap();
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        keep(new byte[] {(byte) b}, 0, 1, cap);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        keep(b, off, n, cap);
                    }
                    return n;
                }

                @Override
                public int available() throws IOException {
                    return in.available();
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        }

        private void keep(byte[] b, int off, int n, int cap) {
            requestSize += n;
            int room = cap - body.size();
            if (room > 0) {
                body.write(b, off, Math.min(room, n));
            }
        }

        @Override
        public OutputStream responseBody(OutputStream out) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    digest.update((byte) b);
                    responseSize++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    digest.update(b, off, len);
                    responseSize += len;
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        }

        @Override
        public void primary(int status, HeaderList headers) {
            this.status = status;
            Map<String, String> kept = new LinkedHashMap<>();
            for (String name : tap.settings().keptResponseHeaders()) {
                String v = headers.first(name);
                if (v != null) {
                    kept.put(name, v);
                }
            }
            this.responseHeaders = kept;
        }

        @Override
        public void finish(String grpcStatus) {
            if (finished) {
                return;
            }
            finished = true;
            long latencyMs = (System.nanoTime() - start) / 1_000_000;
            var primary = new MirrorRecord.Primary(status, grpcStatus, responseHeaders,
                    HexFormat.of().formatHex(digest.digest()), responseSize, latencyMs);
            byte[] kept = body.toByteArray();
            for (MirrorRecord.Target t : targets) {
                tap.publish(new MirrorRecord.Request(requestId, time, tap.node(), route, method, authority, path,
                        headers, kept, requestSize, requestSize > kept.length, t, primaryTarget, primary));
            }
        }
    }
}
