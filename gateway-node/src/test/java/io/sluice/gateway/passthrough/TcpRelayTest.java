package io.sluice.gateway.passthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The TCP relay's idle timeout over real loopback sockets. */
class TcpRelayTest {

    private static final Duration IDLE = Duration.ofMillis(300);

    @Test
    void bytesOneWayKeepTheRelayOpenAndSilenceBothWaysClosesIt() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket front = new ServerSocket(0, 1, loopback); ServerSocket back = new ServerSocket(0, 1, loopback);
             Socket client = new Socket(loopback, front.getLocalPort()); Socket relayClient = front.accept();
             Socket relayUpstream = new Socket(loopback, back.getLocalPort()); Socket upstream = back.accept()) {
            Thread relay = Thread.ofVirtual().start(() -> {
                try {
                    TcpRelay.relay(relayClient, relayUpstream, new byte[] {'h', 'i'}, IDLE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertArrayEquals(new byte[] {'h', 'i'}, upstream.getInputStream().readNBytes(2));
            client.setSoTimeout(5_000);
            // the client never writes: only the upstream's bytes, four idle timeouts' worth, keep the relay up
            for (int i = 0; i < 12; i++) {
                upstream.getOutputStream().write(i);
                assertEquals(i, client.getInputStream().read());
                Thread.sleep(IDLE.toMillis() / 3);
            }
            assertEquals(-1, readAfterSilence(client), "the relay closed the client's connection");
            relay.join(5_000);
            assertFalse(relay.isAlive());
        }
    }

    private static int readAfterSilence(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (IOException e) {
            return -1; // reset rather than closed: ended all the same
        }
    }
}
