package io.sluice.gateway.passthrough;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Accepts connections on a server socket until it is closed, each handled on a virtual thread of its
 * own: the byte-level listeners (SNI passthrough, the mesh proxy's front) need nothing more.
 */
public final class Acceptor {

    private static final Logger LOG = Logger.getLogger(Acceptor.class.getName());

    private Acceptor() {
    }

    /** @param name names the accepting thread, and its connection threads with a {@code -conn} suffix */
    public static void start(ServerSocket socket, String name, Consumer<Socket> handler) {
        Thread.ofVirtual().name(name).start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Thread.ofVirtual().name(name + "-conn").start(() -> handle(name, handler, client));
                } catch (IOException e) {
                    if (!socket.isClosed()) {
                        LOG.log(Level.WARNING, name + ": accept failed", e);
                    }
                }
            }
        });
    }

    /**
     * Handlers close the client on the failures they expect (I/O, interruption); a bug that throws
     * anything else must not leave the client connected to nothing, waiting for bytes that never come.
     */
    private static void handle(String name, Consumer<Socket> handler, Socket client) {
        try {
            handler.accept(client);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, name + ": connection from " + client.getRemoteSocketAddress() + " failed", e);
            try {
                client.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}
