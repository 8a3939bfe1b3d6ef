package io.sluice.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * gRPC-Web, as Envoy's grpc_web filter (on in every Istio gateway) translates it for browsers: a
 * request framed as gRPC's, over HTTP/1.1 or HTTP/2, base64-encoded in the {@code -text} variant, goes
 * on as a gRPC call; the answer's status and trailing metadata, which browsers cannot read from HTTP
 * trailers, come back in a last frame flagged 0x80 holding them as header lines.
 */
final class GrpcWeb {

    private static final int TRAILER_FLAG = 0x80;
    /** Carried in the trailer frame, not in the head. */
    private static final Set<String> STATUS_FIELDS = Set.of("grpc-status", "grpc-message", "content-type");

    private GrpcWeb() {
    }

    /** Whether a content type is gRPC-Web's, binary or text. */
    static boolean isGrpcWeb(String contentType) {
        return contentType != null && contentType.startsWith("application/grpc-web");
    }

    static boolean isText(String contentType) {
        return contentType.startsWith("application/grpc-web-text");
    }

    /**
     * The request's messages as gRPC frames: the text variant's base64 undone as it streams. A body that
     * is not base64 fails as a malformed gRPC frame does: the call is cancelled.
     */
    static OutgoingBody decoded(OutgoingBody body) {
        return switch (body) {
            case OutgoingBody.None none -> none;
            case OutgoingBody.Bytes bytes -> new OutgoingBody.Streamed(-1, out -> {
                try (OutputStream decoder = new Base64Groups(out)) {
                    decoder.write(bytes.bytes());
                }
            });
            case OutgoingBody.Streamed streamed -> new OutgoingBody.Streamed(-1, out -> {
                try (OutputStream decoder = new Base64Groups(out)) {
                    streamed.writer().writeTo(decoder);
                }
            });
        };
    }

    /** The answer's head for a gRPC-Web client: the call's headers, its content type the client's. */
    static HeaderList head(HeaderList grpc, boolean text) {
        HeaderList out = new HeaderList();
        grpc.forEach((name, value) -> {
            if (!STATUS_FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
                out.add(name, value);
            }
        });
        out.add("content-type", text ? "application/grpc-web-text+proto" : "application/grpc-web+proto");
        return out;
    }

    /**
     * The call's frames as they come, then its trailers as a frame of their own; in the text variant
     * each piece base64-encoded as it is read (padded pieces one after another, as Envoy sends them).
     */
    static InputStream body(InputStream frames, Supplier<HeaderList> trailers, boolean text) {
        return new PieceStream() {
            private final byte[] buf = new byte[8192];
            private boolean trailed;

            @Override
            protected byte[] next() throws IOException {
                if (trailed) {
                    return null;
                }
                int n = frames.read(buf);
                byte[] piece;
                if (n < 0) {
                    piece = trailerFrame(trailers.get());
                    trailed = true;
                } else {
                    piece = Arrays.copyOf(buf, n);
                }
                return text ? Base64.getEncoder().encode(piece) : piece;
            }

            @Override
            public void close() throws IOException {
                frames.close();
            }
        };
    }

    static byte[] trailerFrame(HeaderList trailers) {
        StringBuilder lines = new StringBuilder();
        trailers.forEach((name, value) -> lines.append(name.toLowerCase(Locale.ROOT)).append(':').append(value)
                .append("\r\n"));
        byte[] block = lines.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[5 + block.length];
        frame[0] = (byte) TRAILER_FLAG;
        frame[1] = (byte) (block.length >>> 24);
        frame[2] = (byte) (block.length >>> 16);
        frame[3] = (byte) (block.length >>> 8);
        frame[4] = (byte) block.length;
        System.arraycopy(block, 0, frame, 5, block.length);
        return frame;
    }

    /**
     * Decodes base64 written to it four characters at a time, so that padded pieces one after another
     * (how a text-mode client may send its messages) decode as one stream; line breaks are skipped.
     */
    private static final class Base64Groups extends OutputStream {
        private final OutputStream out;
        private final byte[] group = new byte[4];
        private int filled;

        Base64Groups(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\r' || b == '\n') {
                return;
            }
            group[filled++] = (byte) b;
            if (filled == 4) {
                try {
                    out.write(Base64.getDecoder().decode(group));
                } catch (IllegalArgumentException e) {
                    throw new IOException("a gRPC-Web text body that is not base64", e);
                }
                filled = 0;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        /** Checks the body ended on a whole group; the stream written to is its owner's to close. */
        @Override
        public void close() throws IOException {
            if (filled != 0) {
                throw new IOException("a gRPC-Web text body that ends inside a base64 group");
            }
        }
    }
}
