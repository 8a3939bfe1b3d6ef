package io.sluice.bench.floor;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

/** {@link FloorProxy}'s blocking model: a virtual thread per client connection, as Helidon SE serves. */
final class BlockingFloor {

    private BlockingFloor() {
    }

    static void serve(InetSocketAddress listen, InetSocketAddress[] backends) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(listen, 1024);
            while (true) {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> relay(client, backends));
            }
        }
    }

    private static void relay(Socket client, InetSocketAddress[] backends) {
        Socket[] upstreams = new Socket[backends.length];
        byte[] request = new byte[FloorProxy.BUFFER];
        byte[] answer = new byte[FloorProxy.BUFFER];
        try (client) {
            InputStream in = client.getInputStream();
            for (int n = 0; ; n++) {
                int head = readHead(in, request);
                if (head < 0) {
                    return;
                }
                int backend = FloorProxy.backendFor(n);
                if (upstreams[backend] == null) {
                    upstreams[backend] = new Socket(backends[backend].getAddress(), backends[backend].getPort());
                    upstreams[backend].setTcpNoDelay(true);
                }
                Socket upstream = upstreams[backend];
                upstream.getOutputStream().write(request, 0, head);
                int length = readAnswer(upstream.getInputStream(), answer);
                if (length < 0) {
                    return;
                }
                client.getOutputStream().write(answer, 0, length);
            }
        } catch (IOException e) {
            // the client or a backend went away: the connection ends, as a proxy's would
        } finally {
            for (Socket upstream : upstreams) {
                closeQuietly(upstream);
            }
        }
    }

    /** Reads one request head (wrk sends no body, and the next request only after the answer); its length, or -1 at EOF. */
    private static int readHead(InputStream in, byte[] buffer) throws IOException {
        ByteBuffer view = ByteBuffer.wrap(buffer);
        int length = 0;
        int end;
        while ((end = FloorProxy.headEnd(view, length)) < 0) {
            int read = in.read(buffer, length, buffer.length - length);
            if (read < 0) {
                return -1;
            }
            length += read;
        }
        return end;
    }

    /** Reads one answer, its head and its Content-Length of body; the answer's length, or -1 at EOF. */
    private static int readAnswer(InputStream in, byte[] buffer) throws IOException {
        ByteBuffer view = ByteBuffer.wrap(buffer);
        int length = 0;
        int total = -1;
        while (total < 0 || length < total) {
            int read = in.read(buffer, length, buffer.length - length);
            if (read < 0) {
                return -1;
            }
            length += read;
            int end = total < 0 ? FloorProxy.headEnd(view, length) : -1;
            if (end >= 0) {
                total = end + FloorProxy.contentLength(view, end);
            }
        }
        return total;
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
