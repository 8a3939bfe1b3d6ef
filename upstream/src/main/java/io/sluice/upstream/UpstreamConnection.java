package io.sluice.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 connection to an upstream endpoint, carrying one request at a time. The request head,
 * and a body already in hand, leave in a single write; the response head is parsed from the
 * connection's own buffer; the body is handed out as a stream that returns the connection to its pool
 * once read to the end. Blocking I/O: every request runs on its own virtual thread.
 */
final class UpstreamConnection {

    /** A response head larger than this is refused, as Envoy's default max_response_headers_kb (60). */
    private static final int MAX_HEAD_BYTES = 60 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    final Destination destination;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteSink head = new ByteSink(1024);
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;
    private boolean reusable = true;
    /** The socket's read timeout as last set: setting it is a system call, so only a change is made. */
    private int soTimeout;
    /** When the connection went back to the pool, for the idle timeout. */
    volatile long idleSince;
    /** When it was opened, for the destination's maximum lifetime. */
    final long openedAt = System.nanoTime();
    /** Whether any byte of the current response arrived: a reused connection that fails before is stale. */
    private boolean responseStarted;
    /** While a streamed body is sent: when it last moved, read by the pool's sweeper. */
    private volatile long bodyMovedAt;
    /** Set by the sweeper as it closes the connection under a body that stopped moving. */
    private volatile boolean abandoned;

    private UpstreamConnection(Destination destination, Socket socket) throws IOException {
        this.destination = destination;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.soTimeout = socket.getSoTimeout(); // a TLS socket keeps the timeout of its handshake
    }

    static UpstreamConnection open(Destination d, Duration connectTimeout) throws IOException {
        Socket plain = UpstreamSockets.connect(InetSocketAddress.createUnresolved(d.host(), d.port()),
                connectTimeout, d.keepalive(), d.proxyHeader());
        try {
            if (d.tls() == null) {
                return new UpstreamConnection(d, plain);
            }
            plain.setSoTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            return new UpstreamConnection(d, d.tls().handshake(plain, d.port()));
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Whether the destination still lets this connection carry another request. */
    boolean withinLifetime(long now) {
        Duration max = destination.maxLifetime();
        return max == null || now - openedAt < max.toNanos();
    }

    boolean responseStarted() {
        return responseStarted;
    }

    boolean isOpen() {
        return !socket.isClosed();
    }

    /**
     * Whether an idle connection is still usable: a read that times out after 1 ms says so; an end of
     * stream (the upstream closed it) or any byte (an unasked-for answer, such as a 408) says not.
     */
    boolean stillOpen() {
        try {
            setSoTimeout(1);
            in.read(buffer, 0, buffer.length);
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends a request and reads its response head.
     *
     * @param readTimeout how long to wait for each read, or null for no limit
     */
    UpstreamResponse exchange(String method, String target, HeaderList headers, OutgoingBody body,
                              boolean lastOnConnection, Duration readTimeout, ConnectionPool pool) throws IOException {
        responseStarted = false;
        setSoTimeout(readTimeout == null ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                readTimeout.toMillis())));
        writeHead(method, target, headers, body, lastOnConnection);
        switch (body) {
            case OutgoingBody.None n -> head.writeTo(out);
            case OutgoingBody.Bytes b -> {
                head.append(b.bytes(), 0, b.bytes().length);
                head.writeTo(out);
            }
            case OutgoingBody.Streamed s -> {
                head.writeTo(out);
                sendBody(s, pool);
            }
        }
        out.flush();
        if (lastOnConnection) {
            reusable = false;
        }
        return readResponse(method, pool);
    }

    /**
     * Writes a streamed body while the pool watches it move: one that stops (the client stops sending, or
     * the upstream stops reading) for the stream idle timeout is abandoned, the socket closed under the
     * blocked write, as Envoy resets such a stream.
     */
    private void sendBody(OutgoingBody.Streamed s, ConnectionPool pool) throws IOException {
        Watched body = new Watched(out);
        pool.watch(this);
        try {
            if (s.length() >= 0) {
                s.writer().writeTo(body);
            } else {
                ChunkedOutput chunked = new ChunkedOutput(body);
                s.writer().writeTo(chunked);
                chunked.finish();
            }
        } catch (IOException e) {
            if (abandoned) {
                throw new IOException("the request body did not move for the stream idle timeout", e);
            }
            throw e;
        } finally {
            pool.unwatch(this);
        }
    }

    /** When a byte of the body being sent last moved (a write started or ended). */
    long bodyMovedAt() {
        return bodyMovedAt;
    }

    /** Closes the connection under a body that stopped moving. */
    void abandon() {
        abandoned = true;
        close();
    }

    private void setSoTimeout(int millis) throws IOException {
        if (millis != soTimeout) {
            socket.setSoTimeout(millis);
            soTimeout = millis;
        }
    }

    private void writeHead(String method, String target, HeaderList headers, OutgoingBody body,
                           boolean lastOnConnection) {
        head.reset();
        head.ascii(method).ascii(" ").ascii(target).ascii(" HTTP/1.1").append(CRLF, 0, 2);
        for (int i = 0; i < headers.size(); i++) {
            head.field(headers.name(i), headers.value(i));
        }
        switch (body) {
            case OutgoingBody.Bytes b -> head.field("content-length", Integer.toString(b.bytes().length));
            case OutgoingBody.Streamed s -> head.field(s.length() >= 0 ? "content-length" : "transfer-encoding",
                    s.length() >= 0 ? Long.toString(s.length()) : "chunked");
            case OutgoingBody.None n -> {
                if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
                    head.field("content-length", "0");
                }
            }
        }
        if (lastOnConnection) {
            head.field("connection", "close");
        }
        head.append(CRLF, 0, 2);
    }

    private UpstreamResponse readResponse(String method, ConnectionPool pool) throws IOException {
        int headBytes = 0;
        while (true) {
            String statusLine = readLine(MAX_HEAD_BYTES);
            responseStarted = true;
            headBytes += statusLine.length();
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new IOException("not an HTTP/1.x status line");
            }
            int status = parseStatus(statusLine);
            boolean http10 = statusLine.charAt(7) == '0';
            HeaderList headers = new HeaderList();
            for (String line; !(line = readLine(MAX_HEAD_BYTES - headBytes)).isEmpty(); ) {
                headBytes += line.length() + 2;
                int colon = line.indexOf(':');
                if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                    throw new IOException("malformed response header line");
                }
                headers.add(line.substring(0, colon), line.substring(colon + 1).strip());
            }
            if (status >= 100 && status < 200 && status != 101) {
                continue; // 100 Continue and other interim answers: the final one follows
            }
            String connection = headers.first("connection");
            if (http10 || (connection != null && Tokens.contains(connection, "close"))) {
                reusable = false;
            }
            String encoding = headers.first("transfer-encoding");
            long length = declaredLength(headers, encoding);
            return new UpstreamResponse(status, headers, length, body(method, status, encoding, length, pool));
        }
    }

    private static int parseStatus(String line) throws IOException {
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed status code");
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /**
     * The body length the head declares, or -1: none declared, or a Transfer-Encoding, which overrides a
     * Content-Length (RFC 9112 §6.3). Repeated values must agree (§6.3 item 5: a list of one value repeated
     * may be taken as that value); anything else, or a value that is not digits, fails the answer, since
     * reading a body by a wrong length leaves the next answer on the connection off by its difference.
     */
    private static long declaredLength(HeaderList headers, String transferEncoding) throws IOException {
        if (transferEncoding != null) {
            return -1;
        }
        long length = -1;
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("content-length")) {
                continue;
            }
            String field = headers.value(i);
            for (String value : field.indexOf(',') < 0 ? new String[] {field} : field.split(",", -1)) {
                long v = digits(value.strip());
                if (length >= 0 && v != length) {
                    throw new IOException("conflicting content-length values");
                }
                length = v;
            }
        }
        return length;
    }

    private static long digits(String value) throws IOException {
        if (value.isEmpty() || value.length() > 18) {
            throw new IOException("malformed content-length");
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed content-length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private InputStream body(String method, int status, String encoding, long length, ConnectionPool pool) {
        if (method.equals("HEAD") || status == 204 || status == 304 || length == 0) {
            released(pool);
            return InputStream.nullInputStream();
        }
        if (encoding != null && Tokens.last(encoding, "chunked")) {
            return new ChunkedBody(pool);
        }
        if (length > 0) {
            return new FixedBody(length, pool);
        }
        reusable = false; // the body ends when the upstream closes the connection
        return new FixedBody(Long.MAX_VALUE, pool);
    }

    /**
     * The response was read to its end: the connection goes back to the pool, or is closed. Bytes past its
     * end (a body after a HEAD, 204 or 304 answer, or more than the declared length) answer no request of
     * ours: kept, they would be read as the next request's answer.
     */
    private void released(ConnectionPool pool) {
        if (reusable && pos == limit) {
            pool.release(this);
        } else {
            close();
        }
    }

    void close() {
        reusable = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }

    // --- buffered reading ---

    private int fill() throws IOException {
        pos = 0;
        limit = 0;
        int n = in.read(buffer, 0, buffer.length);
        if (n > 0) {
            limit = n;
        }
        return n;
    }

    private int readByte() throws IOException {
        if (pos == limit && fill() < 0) {
            return -1;
        }
        return buffer[pos++] & 0xff;
    }

    /**
     * A CRLF- (or LF-) terminated line of at most {@code max} bytes before its LF, as Latin-1, without
     * its terminator. A line already in the buffer, as nearly every one is, becomes a String in one copy.
     */
    private String readLine(int max) throws IOException {
        if (pos == limit && fill() < 0) {
            throw new EOFException("upstream closed the connection");
        }
        for (int i = pos, end = Math.min(limit, pos + max + 1); i < end; i++) {
            if (buffer[i] == '\n') {
                int to = i > pos && buffer[i - 1] == '\r' ? i - 1 : i;
                String line = new String(buffer, pos, to - pos, StandardCharsets.ISO_8859_1);
                pos = i + 1;
                return line;
            }
        }
        return readLineAcrossReads(max);
    }

    private String readLineAcrossReads(int max) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b; ; ) {
            b = readByte();
            if (b < 0) {
                throw new EOFException("upstream closed the connection");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= max) {
                throw new IOException("response head too large");
            }
            line.append((char) b);
        }
    }

    private int readInto(byte[] b, int off, int len) throws IOException {
        if (pos < limit) {
            int n = Math.min(len, limit - pos);
            System.arraycopy(buffer, pos, b, off, n);
            pos += n;
            return n;
        }
        return in.read(b, off, len);
    }

    /**
     * A response body as the client reads it: once read to its end the connection is released; closed
     * before that, the connection is closed (its unread bytes would be taken for the next response).
     */
    private abstract class Body extends InputStream {

        private final ConnectionPool pool;
        private boolean done;

        Body(ConnectionPool pool) {
            this.pool = pool;
        }

        /** Reads at least one byte of the body, or returns -1 after calling {@link #finished()}. */
        abstract int readBody(byte[] b, int off, int len) throws IOException;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            return len == 0 ? 0 : readBody(b, off, len);
        }

        final void finished() {
            done = true;
            released(pool);
        }

        final boolean done() {
            return done;
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                UpstreamConnection.this.close();
            }
        }
    }

    /** A body of known length, or (length MAX_VALUE) one that ends when the upstream closes. */
    private final class FixedBody extends Body {

        private long remaining;

        FixedBody(long length, ConnectionPool pool) {
            super(pool);
            this.remaining = length;
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            int n = readInto(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                if (remaining != Long.MAX_VALUE) {
                    throw new EOFException("upstream closed the connection mid-body");
                }
                finished();
                return -1;
            }
            if (remaining != Long.MAX_VALUE) {
                remaining -= n;
                if (remaining == 0) {
                    finished();
                }
            }
            return n;
        }

        @Override
        public int available() {
            return done() ? 0 : Math.min(limit - pos, (int) Math.min(Integer.MAX_VALUE, remaining));
        }
    }

    /** A chunked body (RFC 9112 §7.1); chunk extensions and trailers are read and dropped. */
    private final class ChunkedBody extends Body {

        private long chunkLeft;

        ChunkedBody(ConnectionPool pool) {
            super(pool);
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (chunkLeft == 0) {
                chunkLeft = nextChunkSize();
                if (chunkLeft == 0) {
                    while (!readLine(MAX_HEAD_BYTES).isEmpty()) {
                        // trailers are not passed on
                    }
                    finished();
                    return -1;
                }
            }
            int n = readInto(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("upstream closed the connection mid-chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0 && !readLine(2).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
            return n;
        }

        private long nextChunkSize() throws IOException {
            String line = readLine(1024);
            int end = line.indexOf(';');
            String hex = (end < 0 ? line : line.substring(0, end)).strip();
            try {
                long size = Long.parseLong(hex, 16);
                if (size < 0) {
                    throw new NumberFormatException();
                }
                return size;
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size");
            }
        }
    }

    /** Frames what is written as chunks; {@link #finish()} writes the last chunk. */
    private static final class ChunkedOutput extends OutputStream {

        private final OutputStream out;

        ChunkedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return; // an empty chunk would end the body
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, off, len);
            out.write(CRLF);
        }

        void finish() throws IOException {
            out.write(new byte[] {'0', '\r', '\n', '\r', '\n'});
        }

        @Override
        public void close() {
            // the connection outlives the body
        }
    }

    /** The socket's stream for a body, noting each write's start and end for the pool's watch. */
    private final class Watched extends java.io.FilterOutputStream {

        Watched(OutputStream out) {
            super(out);
            bodyMovedAt = System.nanoTime();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            bodyMovedAt = System.nanoTime();
            out.write(b, off, len);
            bodyMovedAt = System.nanoTime();
        }

        @Override
        public void close() {
            // the connection outlives the body
        }
    }
}
