package io.sluice.upstream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** A reusable, growing byte buffer for request heads: one per connection, so no head allocates one. */
final class ByteSink {

    private byte[] bytes;
    private int size;

    ByteSink(int capacity) {
        bytes = new byte[capacity];
    }

    void reset() {
        size = 0;
    }

    /**
     * Appends characters as single bytes: heads are ASCII, header values Latin-1 (RFC 9110 §5.5).
     * {@link String#getBytes(int, int, byte[], int)} keeps each char's low byte, exactly that, and for a
     * Latin-1 string it is one array copy instead of a loop over charAt.
     */
    @SuppressWarnings("deprecation")
    ByteSink ascii(String s) {
        int n = s.length();
        ensure(n);
        s.getBytes(0, n, bytes, size);
        size += n;
        return this;
    }

    ByteSink append(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
        return this;
    }

    /** Appends {@code name: value\r\n}; {@link HeaderList} keeps out what would break the framing. */
    void field(String name, String value) {
        ascii(name).ascii(": ").ascii(value);
        ensure(2);
        bytes[size++] = '\r';
        bytes[size++] = '\n';
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
