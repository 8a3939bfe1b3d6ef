package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DestinationRule {@code proxyProtocol} through the real gateway: each connection to the endpoint starts
 * with HAProxy's PROXY header naming the client (here 127.0.0.3, a loopback address the test's sockets
 * bind to) and the gateway address it connected to, in version 1 on a TCP server's stream and in
 * version 2 before an HTTP request. The endpoints are small servers that parse the header as HAProxy,
 * nginx or Postfix would, and answer with what it said.
 */
class ProxyProtocolEndToEndTest {

    static final String CLIENT = "127.0.0.3";

    static SluiceCluster cluster;
    /** Greets each stream with the PROXY line it began with. */
    static Endpoint tcp;
    /** Answers each HTTP request with the source address of the PROXY v2 block before it. */
    static Endpoint http;

    @BeforeAll
    static void start() throws IOException {
        cluster = new SluiceCluster("proxyproto");
        tcp = new Endpoint(in -> readLine(in) + "\n");
        http = new Endpoint(in -> {
            String source = v2Source(in);
            readHead(in);
            return "HTTP/1.1 200 OK\r\nContent-Length: " + source.length() + "\r\nConnection: close\r\n\r\n" + source;
        });
        TestBackend.register(cluster.registryUrl(), tcp.port(), "legacy-tcp", "proxyproto");
        TestBackend.register(cluster.registryUrl(), http.port(), "legacy-http", "proxyproto");
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: proxyproto}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["*"]
                  - port: {number: 31410, name: tcp, protocol: TCP}
                    hosts: ["*"]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: legacy, namespace: proxyproto}
                spec:
                  hosts: ["*"]
                  gateways: [gw]
                  http: [{route: [{destination: {host: legacy-http}}]}]
                  tcp: [{match: [{port: 31410}], route: [{destination: {host: legacy-tcp}}]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: legacy-tcp, namespace: proxyproto}
                spec: {host: legacy-tcp, trafficPolicy: {proxyProtocol: {version: V1}}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: legacy-http, namespace: proxyproto}
                spec: {host: legacy-http, trafficPolicy: {proxyProtocol: {version: V2}}}
                """);
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> exchange(31410, "").startsWith("PROXY ") && exchange(80, get()).endsWith(CLIENT));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
        tcp.close();
        http.close();
    }

    @Test
    void aTcpStreamReachesTheEndpointAfterAVersionOneLineNamingTheClient() throws IOException {
        try (Socket s = fromClient(31410)) {
            String line = new String(s.getInputStream().readNBytes(200), StandardCharsets.US_ASCII).trim();
            assertEquals("PROXY TCP4 " + CLIENT + " 127.0.0.1 " + s.getLocalPort() + " "
                    + cluster.gateway.localPort(31410), line);
        }
    }

    @Test
    void anHttpRequestReachesTheEndpointAfterAVersionTwoBlockNamingTheClient() throws IOException {
        String answer = exchange(80, get());
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.endsWith("\r\n\r\n" + CLIENT), answer);
    }

    private static String get() {
        return "GET / HTTP/1.1\r\nHost: legacy.example\r\nConnection: close\r\n\r\n";
    }

    /** Sends {@code request} from the client address to a gateway port; returns all it answered. */
    private static String exchange(int port, String request) throws IOException {
        try (Socket s = fromClient(port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static Socket fromClient(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), cluster.gateway.localPort(port),
                InetAddress.getByName(CLIENT), 0);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static void readHead(InputStream in) throws IOException {
        while (!readLine(in).isEmpty()) {
            // the request's head, up to its blank line
        }
    }

    /** The source address of a PROXY v2 block (TCP over IPv4), as HAProxy's specification lays it out. */
    private static String v2Source(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] signature = data.readNBytes(12);
        if (!Arrays.equals(signature, new byte[] {13, 10, 13, 10, 0, 13, 10, 'Q', 'U', 'I', 'T', 10})) {
            throw new IOException("no PROXY v2 signature");
        }
        int command = data.readUnsignedByte();
        int family = data.readUnsignedByte();
        byte[] block = data.readNBytes(data.readUnsignedShort());
        if (command != 0x21 || family != 0x11) {
            throw new IOException("not a PROXY command for TCP over IPv4");
        }
        return InetAddress.getByAddress(Arrays.copyOf(block, 4)).getHostAddress();
    }

    /** A one-shot-per-connection server: reads what {@code answer} reads and writes what it returns. */
    static final class Endpoint implements AutoCloseable {

        interface Answer {
            String to(InputStream in) throws IOException;
        }

        private final LoopbackServer server;

        Endpoint(Answer answer) throws IOException {
            server = new LoopbackServer("proxy-protocol-endpoint", c -> {
                OutputStream out = c.getOutputStream();
                out.write(answer.to(c.getInputStream()).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            });
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
