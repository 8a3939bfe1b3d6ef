package io.sluice.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;

/**
 * An upstream's answer: status, headers and the body as it arrives. Closing it before the body was read
 * to the end closes the connection (its unread bytes would otherwise be taken for the next answer).
 */
public record UpstreamResponse(int status, HeaderList headers, InputStream body) implements AutoCloseable {

    /** The declared body length, or -1 when the body is chunked or ends with the connection. */
    public long contentLength() {
        String chunked = headers.first("transfer-encoding");
        String length = headers.first("content-length");
        if (chunked != null || length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
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
