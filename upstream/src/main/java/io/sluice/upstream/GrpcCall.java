package io.sluice.upstream;

import io.grpc.ClientCall;
import io.grpc.Codec;
import io.grpc.Decompressor;
import io.grpc.DecompressorRegistry;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One relayed gRPC call: the client's messages, cut out of their length-prefixed frames, are sent one
 * by one (from a thread of their own when the body streams, so both directions flow at once); the
 * server's come back framed, one asked for as the last one is taken; its status and trailing metadata
 * become the response's trailers.
 */
final class GrpcCall extends ClientCall.Listener<byte[]> {

    /**
     * The answer's head; for a trailers-only answer (the call ended before any headers), with its status.
     *
     * @param failedLocally no answer came: the endpoint could not be reached or the deadline passed
     * @param status        how the call ended, when it ended before any headers
     */
    record Head(HeaderList headers, boolean failedLocally, Status status) {
    }

    /** Request headers that are the transport's own, or the call options' (authority, deadline). */
    private static final Set<String> NOT_METADATA = Set.of("host", "te", "content-type", "content-length",
            "user-agent", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding");
    private static final byte[] END = new byte[0];
    private static final int PREFIX = 5;
    /**
     * The largest message relayed to the server, as sent or once decompressed: four times gRPC's default
     * limit, and small enough that a few at once fit a gateway's heap (a message is held whole).
     */
    static final int MAX_MESSAGE = 16 * 1024 * 1024;

    private final ClientCall<byte[], byte[]> call;
    /** How the client's compressed messages are read; null when it named no encoding the gateway knows. */
    private final Decompressor decompressor;
    private final String encoding;
    private final CompletableFuture<Head> head = new CompletableFuture<>();
    private final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    private volatile Status status;
    private volatile Metadata trailing;

    /** @param encoding the client's {@code grpc-encoding}, or null */
    GrpcCall(ClientCall<byte[], byte[]> call, String encoding) {
        this.call = call;
        this.encoding = encoding;
        Decompressor d = encoding == null ? null
                : DecompressorRegistry.getDefaultInstance().lookupDecompressor(encoding);
        this.decompressor = d == Codec.Identity.NONE ? null : d;
    }

    // -- the server's side, on grpc-java's threads

    @Override
    public void onHeaders(Metadata headers) {
        HeaderList out = new HeaderList();
        copy(headers, out);
        // the server's compression is undone by the transport: the messages go on as they are relayed, plain
        out.remove("grpc-encoding");
        if (out.first("content-type") == null) {
            out.add("content-type", "application/grpc");
        }
        head.complete(new Head(out, false, null));
    }

    @Override
    public void onMessage(byte[] message) {
        messages.add(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        this.status = status;
        this.trailing = trailers;
        if (!head.isDone()) {
            // the server sent no headers: a trailers-only answer, or no answer at all
            boolean local = status.getCause() != null || status.getCode() == Status.Code.DEADLINE_EXCEEDED;
            HeaderList out = new HeaderList().add("content-type", "application/grpc");
            statusFields(status, trailers, out);
            head.complete(new Head(out, local, status));
        }
        messages.add(END);
    }

    // -- the request's side, on the request's thread

    /** Sends the client's messages and half-closes; a streamed body is read on a virtual thread of its own. */
    void sendBody(OutgoingBody body) {
        switch (body) {
            case OutgoingBody.None none -> call.halfClose();
            case OutgoingBody.Bytes bytes -> {
                try (MessageSink sink = new MessageSink()) {
                    sink.write(bytes.bytes());
                } catch (IOException e) {
                    call.cancel("the request's messages could not be read", e);
                }
            }
            case OutgoingBody.Streamed streamed -> Thread.ofVirtual().name("sluice-grpc-request").start(() -> {
                try (MessageSink sink = new MessageSink()) {
                    streamed.writer().writeTo(sink);
                } catch (IOException | RuntimeException e) {
                    call.cancel("the client's request stream failed", e);
                }
            });
        }
    }

    Head awaitHead() throws IOException {
        try {
            return head.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel("the gateway is stopping", e);
            throw new IOException("interrupted waiting for the gRPC answer", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** The server's messages, framed again, as they come; closing it early cancels the call. */
    InputStream body() {
        return new PieceStream() {
            private boolean ended;

            @Override
            protected byte[] next() throws IOException {
                if (ended) {
                    return null;
                }
                byte[] message;
                try {
                    message = messages.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted reading the gRPC answer", e);
                }
                if (message == END) {
                    ended = true;
                    return null;
                }
                call.request(1);
                return framed(message);
            }

            @Override
            public void close() {
                if (!ended) {
                    call.cancel("the client went away", null);
                }
            }
        };
    }

    /** The call's status and trailing metadata, once the body was read to its end. */
    HeaderList trailers() {
        HeaderList out = new HeaderList();
        if (status != null) {
            statusFields(status, trailing, out);
        }
        return out;
    }

    /** The request's headers as the call's metadata: transport and call-option headers left out. */
    static Metadata metadata(HeaderList headers) {
        Metadata out = new Metadata();
        headers.forEach((name, value) -> {
            String key = name.toLowerCase(Locale.ROOT);
            if (NOT_METADATA.contains(key) || key.startsWith(":") || !key.matches("[a-z0-9._-]+")) {
                return;
            }
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                out.put(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER), Base64.getDecoder().decode(value));
            } else {
                out.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
            }
        });
        return out;
    }

    /**
     * The shorter of the route's timeout and the client's own {@code grpc-timeout} (a number and a unit:
     * H, M, S, m, u or n), or null for neither.
     */
    static Duration deadline(Duration route, String grpcTimeout) {
        Duration client = null;
        if (grpcTimeout != null && grpcTimeout.matches("\\d{1,8}[HMSmun]")) {
            long n = Long.parseLong(grpcTimeout.substring(0, grpcTimeout.length() - 1));
            client = switch (grpcTimeout.charAt(grpcTimeout.length() - 1)) {
                case 'H' -> Duration.ofHours(n);
                case 'M' -> Duration.ofMinutes(n);
                case 'S' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMillis(n);
                case 'u' -> Duration.ofNanos(n * 1000);
                default -> Duration.ofNanos(n);
            };
        }
        return route == null ? client : client == null || route.compareTo(client) <= 0 ? route : client;
    }

    private static byte[] framed(byte[] message) {
        byte[] frame = new byte[PREFIX + message.length];
        int n = message.length;
        frame[1] = (byte) (n >>> 24);
        frame[2] = (byte) (n >>> 16);
        frame[3] = (byte) (n >>> 8);
        frame[4] = (byte) n;
        System.arraycopy(message, 0, frame, PREFIX, n);
        return frame;
    }

    private static void statusFields(Status status, Metadata trailers, HeaderList out) {
        out.add("grpc-status", Integer.toString(status.getCode().value()));
        if (status.getDescription() != null) {
            out.add("grpc-message", percentEncoded(status.getDescription()));
        }
        if (trailers != null) {
            copy(trailers, out);
        }
    }

    private static void copy(Metadata metadata, HeaderList out) {
        for (String key : metadata.keys()) {
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                for (byte[] v : metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
                    out.add(key, Base64.getEncoder().withoutPadding().encodeToString(v));
                }
            } else {
                for (String v : metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
                    out.add(key, v);
                }
            }
        }
    }

    /** gRPC's encoding of grpc-message: bytes outside printable ASCII, and '%', as %XX. */
    static String percentEncoded(String message) {
        StringBuilder out = new StringBuilder();
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0x20 && b < 0x7f && b != '%') {
                out.append((char) b);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /**
     * Takes the client's bytes and sends each message once its frame is complete; closing it half-closes
     * the call. A compressed message goes on decompressed (the upstream gets plain messages, which every
     * server takes); one in an encoding the gateway cannot read fails the call rather than pass as plain.
     */
    private final class MessageSink extends OutputStream {
        /** Where a message is first given room: its frame's length is the client's word, not yet its bytes. */
        private static final int FIRST_ROOM = 64 * 1024;

        private final byte[] prefix = new byte[PREFIX];
        private int prefixFilled;
        /** The message being filled, once its prefix is complete; it grows as its bytes arrive. */
        private byte[] message;
        private int length;
        private int filled;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        /** Each byte is copied once, whatever the pieces the body arrives in (a text-mode body: three at a time). */
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int end = off + len;
            while (true) {
                if (message == null) {
                    int n = Math.min(PREFIX - prefixFilled, end - off);
                    System.arraycopy(b, off, prefix, prefixFilled, n);
                    prefixFilled += n;
                    off += n;
                    if (prefixFilled < PREFIX) {
                        return;
                    }
                    length = ((prefix[1] & 0xff) << 24) | ((prefix[2] & 0xff) << 16) | ((prefix[3] & 0xff) << 8)
                            | (prefix[4] & 0xff);
                    if (length < 0 || length > MAX_MESSAGE) {
                        throw new IOException("a gRPC message of " + Integer.toUnsignedString(length)
                                + " bytes, over the gateway's limit of " + MAX_MESSAGE);
                    }
                    message = new byte[Math.min(length, FIRST_ROOM)];
                    filled = 0;
                }
                int n = Math.min(length - filled, end - off);
                if (filled + n > message.length) {
                    message = Arrays.copyOf(message, Math.min(length, Math.max(filled + n, message.length * 2)));
                }
                System.arraycopy(b, off, message, filled, n);
                filled += n;
                off += n;
                if (filled < length) {
                    return;
                }
                call.sendMessage(prefix[0] == 0 ? message : decompressed(message));
                message = null;
                prefixFilled = 0;
            }
        }

        private byte[] decompressed(byte[] message) throws IOException {
            if (decompressor == null) {
                throw new IOException("a compressed gRPC message in encoding " + encoding
                        + ", which the gateway cannot read");
            }
            try (InputStream in = decompressor.decompress(new ByteArrayInputStream(message))) {
                byte[] plain = in.readNBytes(MAX_MESSAGE + 1);
                if (plain.length > MAX_MESSAGE) {
                    throw new IOException("a gRPC message over the gateway's limit of " + MAX_MESSAGE
                            + " bytes once decompressed");
                }
                return plain;
            }
        }

        @Override
        public void close() throws IOException {
            if (prefixFilled > 0) {
                throw new IOException("the request ended inside a gRPC message");
            }
            call.halfClose();
        }
    }
}
