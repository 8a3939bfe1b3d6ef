package io.sluice.upstream;

import java.io.IOException;
import java.io.OutputStream;

/** What follows a request head upstream: nothing, bytes in hand (sent with the head), or a stream. */
public sealed interface OutgoingBody {

    OutgoingBody NONE = new None();

    record None() implements OutgoingBody {
    }

    record Bytes(byte[] bytes) implements OutgoingBody {
    }

    /** @param length the declared length, or -1 to send it chunked */
    record Streamed(long length, Writer writer) implements OutgoingBody {
    }

    @FunctionalInterface
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }
}
