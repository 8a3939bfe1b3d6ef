package io.sluice.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class GrpcWebTest {

    private static final byte[] ONE = GrpcCallTest.frame(0, "hello");
    private static final byte[] TWO = GrpcCallTest.frame(0, "world!");

    private static byte[] written(OutgoingBody body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((OutgoingBody.Streamed) body).writer().writeTo(out);
        return out.toByteArray();
    }

    /** A text-mode client may send each message base64-encoded on its own, padding and all. */
    @Test
    void paddedBase64PiecesOneAfterAnotherDecodeAsOneStream() throws IOException {
        byte[] text = GrpcCallTest.concat(Base64.getEncoder().encode(ONE), Base64.getEncoder().encode(TWO));
        assertArrayEquals(GrpcCallTest.concat(ONE, TWO), written(GrpcWeb.decoded(new OutgoingBody.Bytes(text))));
    }

    @Test
    void aTextBodyThatIsNotBase64FailsTheWrite() {
        assertThrows(IOException.class, () -> written(GrpcWeb.decoded(new OutgoingBody.Bytes("AB!?".getBytes(
                StandardCharsets.US_ASCII)))));
        assertThrows(IOException.class, () -> written(GrpcWeb.decoded(new OutgoingBody.Bytes("ABC".getBytes(
                StandardCharsets.US_ASCII)))));
    }

    @Test
    void theAnswersTrailersFollowItsFramesInAFrameFlagged0x80() throws IOException {
        HeaderList trailers = new HeaderList().add("grpc-status", "5").add("grpc-message", "no%20cart")
                .add("Trace-Id", "abc");
        byte[] body = GrpcWeb.body(new ByteArrayInputStream(ONE), () -> trailers, false).readAllBytes();
        byte[] block = "grpc-status:5\r\ngrpc-message:no%20cart\r\ntrace-id:abc\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(ONE);
        expected.write(0x80);
        expected.writeBytes(new byte[] {0, 0, 0, (byte) block.length});
        expected.writeBytes(block);
        assertArrayEquals(expected.toByteArray(), body);
        byte[] text = GrpcWeb.body(new ByteArrayInputStream(ONE), () -> trailers, true).readAllBytes();
        assertEquals(new String(Base64.getEncoder().encode(ONE), StandardCharsets.US_ASCII)
                        + new String(Base64.getEncoder().encode(GrpcWeb.trailerFrame(trailers)), StandardCharsets.US_ASCII),
                new String(text, StandardCharsets.US_ASCII), "each piece encoded as it is read");
    }
}
