package io.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Asks one node for one host over a kept-alive socket and returns the status code: a GET written as
 * one buffer, the answer read by hand. A probe every millisecond must cost the node (and the two
 * shared cores) as little as a request can, or the benchmark measures its own load.
 */
final class StatusProbe implements AutoCloseable {

    private final int port;
    private final byte[] request;
    private final byte[] buffer = new byte[8192];
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    StatusProbe(int port, String host) {
        this.port = port;
        this.request = ("GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: sluice-bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The status of one request, on a new connection when the last one was closed. */
    int status() throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.setSoTimeout(5_000);
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
        }
        try {
            out.write(request);
            return readResponse();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** Reads one response with a Content-Length body (what the gateway sends for 200 and 404). */
    private int readResponse() throws IOException {
        int filled = 0;
        int headEnd;
        while ((headEnd = indexOfBlankLine(filled)) < 0) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new IOException("node closed the probe connection");
            }
            filled += n;
        }
        String head = new String(buffer, 0, headEnd, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.substring(9, 12));
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        long rest = length - (filled - (headEnd + 4));
        if (rest > 0) {
            in.skipNBytes(rest);
        }
        return status;
    }

    private int indexOfBlankLine(int filled) {
        for (int i = 0; i + 3 < filled; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // a probe connection: nothing to keep
            }
            socket = null;
        }
    }
}
