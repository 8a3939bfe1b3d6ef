package io.sluice.gateway.passthrough;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A Gateway server port with {@code tls.mode} PASSTHROUGH or AUTO_PASSTHROUGH: a byte-level TCP proxy
 * that reads the ClientHello's server name and hands the stream to the {@link SniForwarder}, without
 * terminating TLS. A plain TCP port (protocol TCP) hands the stream over before reading anything.
 * One virtual thread per connection (two while relaying).
 */
public final class PassthroughServer implements AutoCloseable {

    /** A client that connects and sends no ClientHello within this time is dropped. */
    private static final int HELLO_TIMEOUT_MS = 10_000;

    private final ServerSocket socket;
    private final int gatewayPort;
    private final SniForwarder forwarder;

    private PassthroughServer(ServerSocket socket, int gatewayPort, SniForwarder forwarder) {
        this.socket = socket;
        this.gatewayPort = gatewayPort;
        this.forwarder = forwarder;
    }

    /** Listens on {@code host:localPort} (0 picks a free port) for the Gateway server port {@code gatewayPort}. */
    public static PassthroughServer start(String host, int localPort, int gatewayPort, SniForwarder forwarder)
            throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getByName(host), localPort), 512);
        PassthroughServer server = new PassthroughServer(s, gatewayPort, forwarder);
        Acceptor.start(s, "sluice-passthrough-" + gatewayPort, server::handle);
        return server;
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void handle(Socket client) {
        try {
            client.setTcpNoDelay(true);
            if (forwarder.plainTcp(gatewayPort)) {
                forwarder.forward(client, ClientHello.none(), gatewayPort, null);
                return;
            }
            client.setSoTimeout(HELLO_TIMEOUT_MS);
            ClientHello hello = ClientHello.read(client.getInputStream());
            client.setSoTimeout(0);
            forwarder.forward(client, hello, gatewayPort, null);
        } catch (SocketTimeoutException e) {
            SniForwarder.closeQuietly(client);
        } catch (IOException e) {
            SniForwarder.closeQuietly(client);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            SniForwarder.closeQuietly(client);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
