package io.sluice.service;

import io.helidon.webserver.WebServer;

/** Starts Helidon servers so that a port that cannot be opened fails the start. */
public final class Servers {

    private Servers() {
    }

    /**
     * Starts {@code server}, or stops it and throws when it did not open its socket: Helidon logs a
     * failed bind and hands back a server with none (port -1), and a process left running that way
     * answers nothing on the port its health checks and clients use.
     *
     * @param what the server and address, for the message: "the status server on 127.0.0.1:15021"
     */
    public static WebServer start(WebServer server, String what) {
        server.start();
        if (server.port() < 0) {
            server.stop();
            throw new IllegalStateException("cannot listen for " + what + " (in use by another process?)");
        }
        return server;
    }
}
