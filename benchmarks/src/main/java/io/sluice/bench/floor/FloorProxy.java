package io.sluice.bench.floor;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The least a JVM proxy can cost a request, for {@code bench/proxy.sh} to measure beside nginx and the
 * gateway: the wrk request is forwarded byte for byte to one of the two backends (the same 10/90 split,
 * one upstream connection per backend and client connection), the answer read by its Content-Length
 * and written back. No header is parsed beyond that, nothing routed, counted or logged, so whatever a
 * real gateway costs above this floor is its own work, and whatever this floor costs above nginx the
 * JVM's I/O model. Two models:
 * <ul>
 *   <li>{@code blocking}: a virtual thread per client connection with blocking sockets, as Helidon SE
 *       serves (and so the Sluice gateway);</li>
 *   <li>{@code loop}: one thread running a {@link java.nio.channels.Selector} over non-blocking
 *       channels, as nginx's worker does (and Netty).</li>
 * </ul>
 * Not a proxy for anything else: it assumes one request at a time per connection, responses with a
 * Content-Length and heads under 16 KiB.
 *
 * <p>{@code FloorProxy blocking|loop PORT V1_HOST:PORT V2_HOST:PORT}
 */
public final class FloorProxy {

    static final int BUFFER = 16 * 1024;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private FloorProxy() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !(args[0].equals("blocking") || args[0].equals("loop"))) {
            System.err.println("usage: FloorProxy blocking|loop PORT V1_HOST:PORT V2_HOST:PORT");
            System.exit(2);
        }
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        InetSocketAddress[] backends = {address(args[2]), address(args[3])};
        if (args[0].equals("blocking")) {
            BlockingFloor.serve(listen, backends);
        } else {
            EventLoopFloor.serve(listen, backends);
        }
    }

    /** The backend of a connection's {@code n}th request: v1 (index 0) for one in ten, as the book's 4a. */
    static int backendFor(int n) {
        return n % 10 == 0 ? 0 : 1;
    }

    /** The end of the head (just past CRLF CRLF) in {@code b}'s first {@code length} bytes, or -1. */
    static int headEnd(ByteBuffer b, int length) {
        for (int i = 3; i < length; i++) {
            if (b.get(i) == '\n' && b.get(i - 2) == '\n' && b.get(i - 1) == '\r' && b.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The Content-Length of the head in {@code b}'s first {@code headEnd} bytes. */
    static int contentLength(ByteBuffer b, int headEnd) {
        for (int line = 0; line < headEnd; ) {
            if (startsWithIgnoringCase(b, line, CONTENT_LENGTH)) {
                int value = 0;
                for (int i = line + CONTENT_LENGTH.length; b.get(i) != '\r'; i++) {
                    byte c = b.get(i);
                    if (c >= '0' && c <= '9') {
                        value = value * 10 + (c - '0');
                    }
                }
                return value;
            }
            while (b.get(line) != '\n') {
                line++;
            }
            line++;
        }
        throw new IllegalStateException("an answer without Content-Length: the floor proxy handles no other");
    }

    private static boolean startsWithIgnoringCase(ByteBuffer b, int at, byte[] lowerCase) {
        for (int i = 0; i < lowerCase.length; i++) {
            if ((b.get(at + i) | 0x20) != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
