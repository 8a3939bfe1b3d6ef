package io.sluice.gateway.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class AcceptorTest {

    @Test
    void aHandlerThatThrowsUnexpectedlyClosesTheClientInsteadOfLeavingItOpen() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            Acceptor.start(server, "acceptor-test", client -> {
                throw new ArrayIndexOutOfBoundsException("a route compiled wrong");
            });
            try (Socket client = new Socket(loopback, server.getLocalPort())) {
                client.setSoTimeout(5_000); // left open, the read would time out instead of ending
                assertEquals(-1, client.getInputStream().read());
            }
        }
    }
}
