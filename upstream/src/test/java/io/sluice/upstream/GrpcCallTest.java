package io.sluice.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class GrpcCallTest {

    /** What a relayed call was asked to do: grpc-java's side is not what these tests are about. */
    static final class RecordingCall extends ClientCall<byte[], byte[]> {
        final List<String> sent = new CopyOnWriteArrayList<>();
        volatile boolean halfClosed;
        volatile String cancelled;
        volatile int requested;

        @Override
        public void start(Listener<byte[]> listener, Metadata headers) {
        }

        @Override
        public void request(int n) {
            requested += n;
        }

        @Override
        public void cancel(String message, Throwable cause) {
            cancelled = message;
        }

        @Override
        public void halfClose() {
            halfClosed = true;
        }

        @Override
        public void sendMessage(byte[] message) {
            sent.add(new String(message, StandardCharsets.UTF_8));
        }
    }

    static byte[] frame(int flag, String message) {
        return frame(flag, message.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] frame(int flag, byte[] m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(flag);
        out.writeBytes(new byte[] {(byte) (m.length >>> 24), (byte) (m.length >>> 16), (byte) (m.length >>> 8),
                (byte) m.length});
        out.writeBytes(m);
        return out.toByteArray();
    }

    @Test
    void messagesAreCutOutOfTheirFramesHoweverTheBytesArrive() {
        RecordingCall call = new RecordingCall();
        byte[] two = concat(frame(0, "hello"), frame(0, "world!"));
        new GrpcCall(call, null).sendBody(new OutgoingBody.Streamed(-1, out -> {
            out.write(two, 0, 3);            // inside the first prefix
            out.write(two, 3, 6);            // the first message's end and a byte of the second prefix
            out.write(two, 9, two.length - 9);
        }));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> call.halfClosed);
        assertEquals(List.of("hello", "world!"), call.sent);
        assertNull(call.cancelled);
    }

    /**
     * Each byte is copied once, however small the pieces: a text-mode gRPC-Web body arrives three bytes at
     * a time, and a 4 MiB message in such pieces once took minutes of copying (all pending bytes per piece).
     */
    @Test
    void aLargeMessageInTinyPiecesGoesOnWholeAndSoDoesAnEmptyOne() {
        byte[] big = new byte[4 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        byte[] framed = concat(frame(0, big), frame(0, new byte[0]));
        RecordingCall call = new RecordingCall();
        new GrpcCall(call, null).sendBody(new OutgoingBody.Streamed(-1, out -> {
            for (int at = 0; at < framed.length; at += 3) {
                out.write(framed, at, Math.min(3, framed.length - at));
            }
        }));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> call.halfClosed);
        assertEquals(List.of(new String(big, StandardCharsets.US_ASCII), ""), call.sent);
        assertNull(call.cancelled);
    }

    @Test
    void aGzippedMessageGoesOnDecompressed() throws Exception {
        RecordingCall call = new RecordingCall();
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write("hello, compressed".getBytes(StandardCharsets.UTF_8));
        }
        new GrpcCall(call, "gzip").sendBody(new OutgoingBody.Bytes(concat(frame(1, zipped.toByteArray()),
                frame(0, "plain".getBytes(StandardCharsets.UTF_8)))));
        assertEquals(List.of("hello, compressed", "plain"), call.sent);
        assertTrue(call.halfClosed);
    }

    @Test
    void aCompressedMessageInNoEncodingTheGatewayReadsCancelsTheCallRatherThanPassAsPlainBytes() {
        for (String encoding : new String[] {null, "identity", "snappy"}) {
            RecordingCall call = new RecordingCall();
            new GrpcCall(call, encoding).sendBody(new OutgoingBody.Bytes(frame(1, "zipped")));
            assertEquals(List.of(), call.sent, encoding);
            assertTrue(call.cancelled != null && !call.halfClosed, encoding);
        }
    }

    /** A message is held whole before it goes on: one declared too large fails before its bytes arrive. */
    @Test
    void aMessageOverTheLimitCancelsTheCallAtItsPrefix() {
        RecordingCall call = new RecordingCall();
        int over = GrpcCall.MAX_MESSAGE + 1;
        new GrpcCall(call, null).sendBody(new OutgoingBody.Bytes(new byte[] {0, (byte) (over >>> 24),
                (byte) (over >>> 16), (byte) (over >>> 8), (byte) over}));
        assertEquals(List.of(), call.sent);
        assertTrue(call.cancelled != null && !call.halfClosed);
    }

    /** A small compressed message may not grow past the limit either (a zip bomb). */
    @Test
    void aMessageThatDecompressesPastTheLimitCancelsTheCall() throws Exception {
        RecordingCall call = new RecordingCall();
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(new byte[GrpcCall.MAX_MESSAGE + 1]);
        }
        new GrpcCall(call, "gzip").sendBody(new OutgoingBody.Bytes(frame(1, zipped.toByteArray())));
        assertEquals(List.of(), call.sent);
        assertTrue(call.cancelled != null && !call.halfClosed);
    }

    @Test
    void theServersMessagesAreFramedAgainAndItsStatusBecomesTrailers() throws Exception {
        RecordingCall call = new RecordingCall();
        GrpcCall relay = new GrpcCall(call, null);
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER), "v2");
        headers.put(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER), "gzip");
        relay.onHeaders(headers);
        relay.onMessage("hi".getBytes(StandardCharsets.UTF_8));
        Metadata trailing = new Metadata();
        trailing.put(Metadata.Key.of("trace-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[] {1, 2, 3});
        relay.onClose(Status.NOT_FOUND.withDescription("no cart 42%"), trailing);

        GrpcCall.Head head = relay.awaitHead();
        assertEquals("application/grpc", head.headers().first("content-type"));
        assertEquals("v2", head.headers().first("x-served-by"));
        assertNull(head.headers().first("grpc-encoding"), "the transport decompressed the messages");
        assertArrayEquals(frame(0, "hi"), relay.body().readAllBytes());
        assertEquals(1, call.requested, "one more message is asked for as one is taken");
        HeaderList trailers = relay.trailers();
        assertEquals("5", trailers.first("grpc-status"));
        assertEquals("no cart 42%25", trailers.first("grpc-message"));
        assertEquals("AQID", trailers.first("trace-bin"));
    }

    @Test
    void aCallThatEndsBeforeAnyHeadersCarriesItsStatusInTheHead() throws Exception {
        GrpcCall relay = new GrpcCall(new RecordingCall(), null);
        relay.onClose(Status.UNAVAILABLE.withCause(new java.net.ConnectException("refused")), new Metadata());
        GrpcCall.Head head = relay.awaitHead();
        assertTrue(head.failedLocally());
        assertEquals("14", head.headers().first("grpc-status"));
    }

    @Test
    void theRequestsHeadersBecomeMetadataButNotTheTransportsOwn() {
        HeaderList headers = new HeaderList().add("Host", "cart.shop").add("te", "trailers")
                .add("content-type", "application/grpc").add("grpc-timeout", "1S").add("X-User", "ann")
                .add("trace-bin", "AQID");
        Metadata m = GrpcCall.metadata(headers);
        assertEquals(Set.of("x-user", "trace-bin"), m.keys());
        assertEquals("ann", m.get(Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER)));
        assertArrayEquals(new byte[] {1, 2, 3}, m.get(Metadata.Key.of("trace-bin", Metadata.BINARY_BYTE_MARSHALLER)));
    }

    @Test
    void theDeadlineIsTheShorterOfTheRoutesTimeoutAndTheClientsGrpcTimeout() {
        assertEquals(Duration.ofSeconds(10), GrpcCall.deadline(null, "10S"));
        assertEquals(Duration.ofSeconds(2), GrpcCall.deadline(Duration.ofSeconds(2), "10S"));
        assertEquals(Duration.ofMillis(500), GrpcCall.deadline(Duration.ofSeconds(10), "500m"));
        assertEquals(Duration.ofMinutes(3), GrpcCall.deadline(Duration.ofMinutes(3), "soon"));
        assertNull(GrpcCall.deadline(null, null));
    }

    @Test
    void grpcMessageIsPercentEncodedAsTheProtocolSays() {
        assertEquals("100%25 sure%0Acaf%C3%A9", GrpcCall.percentEncoded("100% sure\ncafé"));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
