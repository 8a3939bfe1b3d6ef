package io.sluice.gateway.proxy;

import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.UnaryOperator;
import java.io.OutputStream;
import java.io.SequenceInputStream;

/**
 * A request body as the proxy forwards it. Bodies up to a cap are buffered, so that a retry can send
 * them again; a larger one is streamed once and its request is never retried.
 */
public final class RequestBody {

    /** Bodies up to this many bytes are kept for retries (Envoy's per-request buffer is 64 KiB too). */
    public static final int REPLAY_LIMIT = 64 * 1024;

    private static final RequestBody NONE = new RequestBody(false, new byte[0], null);

    private final boolean present;
    private final byte[] buffered;
    private InputStream stream;
    private long bytes;

    private RequestBody(boolean present, byte[] buffered, InputStream stream) {
        this.present = present;
        this.buffered = buffered;
        this.stream = stream;
        this.bytes = buffered == null ? 0 : buffered.length;
    }

    /** @param tee sees the body as it is read (the mirror's copy); identity when nothing watches */
    static RequestBody read(ServerRequest req, int limit, UnaryOperator<InputStream> tee) throws IOException {
        if (!req.content().hasEntity()) {
            return NONE;
        }
        long declared = req.headers().contentLength().orElse(-1L);
        InputStream in = tee.apply(req.content().inputStream());
        if (declared > limit) {
            return new RequestBody(true, null, in);
        }
        byte[] head = in.readNBytes(limit + 1);
        if (head.length <= limit) {
            return new RequestBody(true, head, null);
        }
        return new RequestBody(true, null, new SequenceInputStream(new ByteArrayInputStream(head), in));
    }

    public boolean present() {
        return present;
    }

    /** Whether the body can be sent more than once (it is absent or was buffered). */
    public boolean replayable() {
        return buffered != null;
    }

    /** The buffered bytes of a replayable body (not a copy: do not change them). */
    public byte[] bytes() {
        if (buffered == null) {
            throw new IllegalStateException("a streamed body cannot be read twice");
        }
        return buffered;
    }

    /** Bytes received from the client so far. */
    long size() {
        return bytes;
    }

    void writeTo(OutputStream out) throws IOException {
        if (buffered != null) {
            out.write(buffered);
            return;
        }
        if (stream == null) {
            throw new IllegalStateException("a streamed body cannot be sent twice");
        }
        InputStream in = stream;
        stream = null;
        byte[] chunk = new byte[16 * 1024];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            out.write(chunk, 0, n);
            bytes += n;
        }
    }
}
