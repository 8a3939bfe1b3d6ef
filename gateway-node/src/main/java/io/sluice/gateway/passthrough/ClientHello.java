package io.sluice.gateway.passthrough;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the first TLS record of a connection without consuming it for good: the bytes read are kept
 * so they can be replayed to the upstream, and the server name (SNI) is taken from the ClientHello.
 * Nothing is decrypted; a ClientHello is sent in the clear.
 *
 * @param bytes      everything read from the client so far, to be written to the upstream first
 * @param tls        whether the stream starts with a TLS handshake record
 * @param serverName the SNI host name, lower-cased, or null when absent or not TLS
 */
public record ClientHello(byte[] bytes, boolean tls, String serverName) {

    private static final int HANDSHAKE = 0x16;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_NAME_EXTENSION = 0;
    private static final int HOST_NAME = 0;
    private static final int MAX_RECORD = 16384 + 2048;

    /** Nothing read: a plain TCP stream, whose first bytes may have to come from the server. */
    static ClientHello none() {
        return new ClientHello(new byte[0], false, null);
    }

    /**
     * Reads one TLS record (or, for a stream that is not TLS, whatever the first read returns). Blocks
     * until it is complete; the caller bounds that with a socket timeout.
     */
    public static ClientHello read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(5);
        if (header.length < 5 || (header[0] & 0xff) != HANDSHAKE) {
            return new ClientHello(header, false, null);
        }
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        if (length > MAX_RECORD) {
            return new ClientHello(header, false, null);
        }
        byte[] body = in.readNBytes(length);
        ByteArrayOutputStream all = new ByteArrayOutputStream(5 + body.length);
        all.write(header);
        all.write(body);
        return new ClientHello(all.toByteArray(), true, body.length == length ? serverName(body) : null);
    }

    /** The SNI host name in a handshake record's body, or null; never throws on malformed input. */
    static String serverName(byte[] b) {
        try {
            int p = 0;
            if ((b[p] & 0xff) != CLIENT_HELLO) {
                return null;
            }
            p += 4;              // type, 24-bit length
            p += 2 + 32;         // legacy_version, random
            p += 1 + (b[p] & 0xff);                 // session id
            p += 2 + u16(b, p);                      // cipher suites
            p += 1 + (b[p] & 0xff);                 // compression methods
            int end = p + 2 + u16(b, p);
            p += 2;
            while (p + 4 <= end && p + 4 <= b.length) {
                int type = u16(b, p);
                int len = u16(b, p + 2);
                p += 4;
                if (type == SERVER_NAME_EXTENSION) {
                    int listEnd = p + 2 + u16(b, p);
                    int q = p + 2;
                    while (q + 3 <= listEnd) {
                        int nameType = b[q] & 0xff;
                        int nameLen = u16(b, q + 1);
                        if (nameType == HOST_NAME) {
                            return new String(b, q + 3, nameLen, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
                        }
                        q += 3 + nameLen;
                    }
                    return null;
                }
                p += len;
            }
            return null;
        } catch (IndexOutOfBoundsException e) {
            return null; // truncated or malformed: treated as "no server name"
        }
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }
}
