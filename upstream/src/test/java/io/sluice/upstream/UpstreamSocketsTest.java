package io.sluice.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.routing.ClusterPolicy;
import java.net.Socket;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

class UpstreamSocketsTest {

    @Test
    void aDestinationRulesKeepaliveReachesTheSocket() throws Exception {
        try (Socket s = new Socket()) {
            UpstreamSockets.keepalive(s, new ClusterPolicy.Keepalive(3, Duration.ofSeconds(30), Duration.ofSeconds(5)));
            assertTrue(s.getKeepAlive());
            assertEquals(30, s.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
            assertEquals(5, s.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));
            assertEquals(3, s.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
        }
    }

    @Test
    void unsetFieldsKeepTheKernelsValuesAndNoSettingLeavesKeepaliveOff() throws Exception {
        try (Socket plain = new Socket(); Socket probed = new Socket()) {
            int kernelIdle = plain.getOption(ExtendedSocketOptions.TCP_KEEPIDLE);
            UpstreamSockets.keepalive(plain, null);
            assertFalse(plain.getKeepAlive());
            UpstreamSockets.keepalive(probed, new ClusterPolicy.Keepalive(null, null, Duration.ofSeconds(7)));
            assertTrue(probed.getKeepAlive());
            assertEquals(kernelIdle, probed.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
            assertEquals(7, probed.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));
        }
    }
}
