package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DestinationRule {@code tunnel} through the real gateway: a TCP server's streams go to an HTTP proxy
 * (the endpoint) that is asked, with {@code CONNECT}, for the rule's target, as to a database only a
 * corporate proxy reaches. The proxy here is a small one of the test's that records what it is asked.
 */
class TunnelEndToEndTest {

    static SluiceCluster cluster;
    static TcpGatewayEndToEndTest.EchoServer database;
    static ConnectProxy proxy;
    static int closedPort;

    @BeforeAll
    static void start() throws IOException {
        cluster = new SluiceCluster("tunnel");
        database = new TcpGatewayEndToEndTest.EchoServer("db");
        proxy = new ConnectProxy();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once the socket is closed
        }
        TestBackend.register(cluster.registryUrl(), proxy.port(), "corp-proxy", "tunnel");
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: tunnel}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 31420, name: tcp-db, protocol: TCP}
                    hosts: ["*"]
                  - port: {number: 31421, name: tcp-gone, protocol: TCP}
                    hosts: ["*"]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: db, namespace: tunnel}
                spec:
                  hosts: ["*"]
                  gateways: [gw]
                  tcp:
                  - match: [{port: 31420}]
                    route: [{destination: {host: corp-proxy, subset: db}}]
                  - match: [{port: 31421}]
                    route: [{destination: {host: corp-proxy, subset: gone}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: corp-proxy, namespace: tunnel}
                spec:
                  host: corp-proxy
                  subsets:
                  - name: db
                    trafficPolicy: {tunnel: {protocol: CONNECT, targetHost: 127.0.0.1, targetPort: %d}}
                  - name: gone
                    trafficPolicy: {tunnel: {targetHost: 127.0.0.1, targetPort: %d}}
                """.formatted(database.port(), closedPort));
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> greeting(31420).equals("db"));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
        proxy.close();
        database.close();
    }

    @Test
    void aStreamGoesThroughTheProxyToTheTargetItWasAskedFor() throws IOException {
        int asked = proxy.requests.size();
        try (Socket s = connect(31420)) {
            InputStream in = s.getInputStream();
            assertEquals("db", line(in), "the database greets through the tunnel");
            s.getOutputStream().write("select 1\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("db select 1", line(in));
        }
        assertEquals("CONNECT 127.0.0.1:" + database.port() + " HTTP/1.1", proxy.requests.get(asked));
    }

    @Test
    void aTunnelTheProxyRefusesEndsTheStreamWithoutAByte() throws IOException {
        try (Socket s = connect(31421)) {
            assertEquals(-1, s.getInputStream().read(), "closed, not relayed to the proxy's refusal");
        }
        assertTrue(proxy.requests.contains("CONNECT 127.0.0.1:" + closedPort + " HTTP/1.1"), proxy.requests.toString());
    }

    private static String greeting(int port) throws IOException {
        try (Socket s = connect(port)) {
            return line(s.getInputStream());
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), cluster.gateway.localPort(port));
        s.setSoTimeout(10_000);
        return s;
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** An HTTP CONNECT proxy: records each request line, connects, answers 200 or 502, then relays. */
    static final class ConnectProxy implements AutoCloseable {

        final List<String> requests = new CopyOnWriteArrayList<>();
        private final LoopbackServer server = new LoopbackServer("connect-proxy", this::serve);

        ConnectProxy() throws IOException {
        }

        private void serve(Socket client) throws IOException {
            InputStream in = client.getInputStream();
            String request = line(in);
            requests.add(request);
            while (!line(in).isEmpty()) {
                // the request's fields
            }
            String[] target = request.split(" ")[1].split(":");
            OutputStream out = client.getOutputStream();
            Socket upstream;
            try {
                upstream = new Socket(target[0], Integer.parseInt(target[1]));
            } catch (IOException e) {
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            try (upstream) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.ofVirtual().start(() -> {
                    try {
                        upstream.getInputStream().transferTo(out);
                    } catch (IOException ignored) {
                        // either side went away
                    }
                });
                in.transferTo(upstream.getOutputStream());
            }
        }

        int port() {
            return server.port();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
