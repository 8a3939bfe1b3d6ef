package io.sluice.upstream;

import io.sluice.routing.ClusterPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import jdk.net.ExtendedSocketOptions;

/** Plain sockets to an endpoint as its cluster's DestinationRule asks: connect timeout and TCP keepalive. */
public final class UpstreamSockets {

    private UpstreamSockets() {
    }

    /**
     * Connects with the pool's connect timeout and keepalive, Nagle off, and sends the PROXY protocol
     * header first when there is one; an unresolved address is looked up now.
     */
    public static Socket connect(InetSocketAddress address, ClusterPolicy.ConnectionPool pool, ProxyHeader header)
            throws IOException {
        InetSocketAddress a = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        Socket s = new Socket();
        try {
            keepalive(s, pool.keepalive());
            s.connect(a, (int) Math.clamp(pool.connectTimeout().toMillis(), 1, Integer.MAX_VALUE));
            s.setTcpNoDelay(true);
            if (header != null) {
                header.writeTo(s.getOutputStream());
            }
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Makes the kernel probe a connection the far end may have lost without a word (a NAT or firewall
     * that forgot it); unset fields keep the OS's values. Null leaves the socket as it is.
     */
    public static void keepalive(Socket socket, ClusterPolicy.Keepalive k) throws IOException {
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
