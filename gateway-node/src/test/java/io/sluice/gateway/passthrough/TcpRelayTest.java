package io.sluice.gateway.passthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The TCP relay over real loopback sockets: its idle timeout and the bytes it counts each way. */
class TcpRelayTest {

    private static final Duration IDLE = Duration.ofMillis(300);

    @Test
    void bytesOneWayKeepTheRelayOpenAndSilenceBothWaysClosesIt() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket front = new ServerSocket(0, 1, loopback); ServerSocket back = new ServerSocket(0, 1, loopback);
             Socket client = new Socket(loopback, front.getLocalPort()); Socket relayClient = front.accept();
             Socket relayUpstream = new Socket(loopback, back.getLocalPort()); Socket upstream = back.accept()) {
            Counted counted = new Counted();
            Thread relay = Thread.ofVirtual().start(() -> {
                try {
                    TcpRelay.relay(relayClient, relayUpstream, new byte[] {'h', 'i'}, IDLE, counted);
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
            assertEquals(2, counted.received.get(), "the client's bytes: the two read before relaying");
            assertEquals(12, counted.sent.get(), "the upstream's bytes");
            assertEquals(1, counted.closed.get());
        }
    }

    /** A stream's counters as the metrics get them. */
    private static final class Counted implements TcpObserver.Stream {
        final AtomicLong received = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong closed = new AtomicLong();

        @Override
        public void received(int bytes) {
            received.addAndGet(bytes);
        }

        @Override
        public void sent(int bytes) {
            sent.addAndGet(bytes);
        }

        @Override
        public void closed() {
            closed.incrementAndGet();
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
