package io.sluice.gateway.upstream;

import io.sluice.routing.ClusterPolicy;
import java.io.IOException;
import java.net.Socket;
import jdk.net.ExtendedSocketOptions;

/** TCP keepalive as a DestinationRule's {@code connectionPool.tcp.tcpKeepalive} asks for it. */
public final class Keepalives {

    private Keepalives() {
    }

    /**
     * Makes the kernel probe a connection the far end may have lost without a word (a NAT or firewall
     * that forgot it); unset fields keep the OS's values. Null leaves the socket as it is.
     */
    public static void apply(Socket socket, ClusterPolicy.Keepalive k) throws IOException {
        if (k == null) {
            return;
        }
        socket.setKeepAlive(true);
        if (k.time() != null) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) k.time().toSeconds());
        }
        if (k.interval() != null) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) k.interval().toSeconds());
        }
        if (k.probes() != null) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, k.probes());
        }
    }
}
