package io.sluice.gateway.passthrough;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Copies bytes both ways between a client and an upstream socket, one virtual thread per direction.
 * When one side finishes sending, the other side's output is shut down so half-closed TLS streams end
 * cleanly; both sockets close when both directions are done.
 */
public final class TcpRelay {

    private TcpRelay() {
    }

    /** Writes {@code first} to the upstream, then relays until both directions end. Blocks. */
    public static void relay(Socket client, Socket upstream, byte[] first) throws InterruptedException {
        try (client; upstream) {
            try {
                upstream.getOutputStream().write(first);
                upstream.getOutputStream().flush();
            } catch (IOException e) {
                return;
            }
            Thread up = Thread.ofVirtual().name("sluice-relay-up").start(() -> pump(client, upstream));
            pump(upstream, client);
            up.join();
        } catch (IOException ignored) {
            // closing: nothing left to do
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // a reset on either side ends both directions
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
