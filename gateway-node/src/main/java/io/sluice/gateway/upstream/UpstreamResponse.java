package io.sluice.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;

/**
 * An upstream's answer: status, headers and the body as it arrives. Closing it before the body was read
 * to the end closes the connection (its unread bytes would otherwise be taken for the next answer).
 *
 * @param contentLength the body length the head declares, or -1 when the body is chunked or ends with
 *                      the connection
 */
public record UpstreamResponse(int status, HeaderList headers, long contentLength, InputStream body)
        implements AutoCloseable {

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }
}
