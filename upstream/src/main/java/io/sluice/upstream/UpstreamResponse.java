package io.sluice.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * An upstream's answer: status, headers and the body as it arrives. Closing it before the body was read
 * to the end closes the connection (its unread bytes would otherwise be taken for the next answer).
 *
 * @param contentLength the body length the head declares, or -1 when the body is chunked, ends with
 *                      the connection or comes in HTTP/2 frames
 * @param trailers      the fields that followed the body, once it was read to its end (gRPC's status);
 *                      null for an HTTP/1.1 answer, whose trailers the gateway does not take
 */
public record UpstreamResponse(int status, HeaderList headers, long contentLength, InputStream body,
                               Supplier<HeaderList> trailers) implements AutoCloseable {

    /** An HTTP/1.1 answer. */
    public UpstreamResponse(int status, HeaderList headers, long contentLength, InputStream body) {
        this(status, headers, contentLength, body, null);
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }
}
