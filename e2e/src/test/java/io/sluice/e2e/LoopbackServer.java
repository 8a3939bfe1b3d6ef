package io.sluice.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A server socket on the loopback address whose connections are each served on a virtual thread of
 * their own, and closed after, until the server is closed: the TCP-level stand-ins of the end-to-end
 * tests (echo servers, proxies, endpoints that read a PROXY header).
 */
final class LoopbackServer implements AutoCloseable {

    interface Connection {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    LoopbackServer(String name, Connection connection) throws IOException {
        Thread.ofVirtual().name(name).start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket c = socket.accept();
                    Thread.ofVirtual().start(() -> {
                        try (c) {
                            connection.serve(c);
                        } catch (IOException ignored) {
                            // the peer went away
                        }
                    });
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
