package io.sluice.upstream;

import java.io.IOException;
import java.io.InputStream;

/** A stream over byte arrays made as they are asked for: the bytes of one, then of the next. */
abstract class PieceStream extends InputStream {

    private byte[] piece = new byte[0];
    private int pos;

    /** The next piece (it may be empty), or null at the end of the stream. */
    protected abstract byte[] next() throws IOException;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (pos == piece.length) {
            byte[] p = next();
            if (p == null) {
                return -1;
            }
            piece = p;
            pos = 0;
        }
        int n = Math.min(len, piece.length - pos);
        System.arraycopy(piece, pos, b, off, n);
        pos += n;
        return n;
    }
}
