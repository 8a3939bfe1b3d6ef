package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Istio's tcp-echo task through the real gateway: a Gateway server of protocol TCP, VirtualService
 * {@code tcp} rules by weight, and echo servers that greet first, as many TCP protocols' servers do
 * (MySQL, SMTP): the gateway must connect before the client has said anything.
 */
class TcpGatewayEndToEndTest {

    static SluiceCluster cluster;
    static EchoServer v1;
    static EchoServer v2;

    @BeforeAll
    static void start() throws IOException {
        cluster = new SluiceCluster("tcp");
        v1 = new EchoServer("v1");
        v2 = new EchoServer("v2");
        TestBackend.register(cluster.registryUrl(), v1.port(), "tcp-echo", "tcp", "version", "v1");
        TestBackend.register(cluster.registryUrl(), v2.port(), "tcp-echo", "tcp", "version", "v2");
        TestBackend.register(cluster.registryUrl(), v1.port(), "tcp-limited", "tcp");
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: tcp-echo-gateway, namespace: tcp}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 31400, name: tcp, protocol: TCP}
                    hosts: ["*"]
                  - port: {number: 31401, name: tcp-limited, protocol: TCP}
                    hosts: ["*"]
                  - port: {number: 31402, name: tcp-subnets, protocol: TCP}
                    hosts: ["*"]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: tcp-subnets, namespace: tcp}
                spec:
                  hosts: ["*"]
                  gateways: [tcp-echo-gateway]
                  tcp:
                  - match: [{port: 31402, destinationSubnets: [10.0.0.0/8]}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - match: [{port: 31402, sourceSubnet: 127.0.0.3/32}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - match: [{port: 31402}]
                    route: [{destination: {host: tcp-echo, subset: v1}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: tcp-limited, namespace: tcp}
                spec:
                  hosts: ["*"]
                  gateways: [tcp-echo-gateway]
                  tcp: [{match: [{port: 31401}], route: [{destination: {host: tcp-limited}}]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: tcp-limited, namespace: tcp}
                spec:
                  host: tcp-limited
                  trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: tcp-echo, namespace: tcp}
                spec:
                  host: tcp-echo
                  subsets:
                  - {name: v1, labels: {version: v1}}
                  - {name: v2, labels: {version: v2}}
                """);
        route(100, 0);
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> greeting().equals("v1"));
    }

    static void route(int v1Weight, int v2Weight) {
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: tcp-echo, namespace: tcp}
                spec:
                  hosts: ["*"]
                  gateways: [tcp-echo-gateway]
                  tcp:
                  - match: [{port: 31400}]
                    route:
                    - {destination: {host: tcp-echo, subset: v1}, weight: %d}
                    - {destination: {host: tcp-echo, subset: v2}, weight: %d}
                """.formatted(v1Weight, v2Weight));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
        v1.close();
        v2.close();
    }

    @Test
    void theServerSpeaksFirstAndBytesFlowBothWays() throws IOException {
        try (Socket s = connect()) {
            BufferedReader in = reader(s);
            assertEquals("v1", in.readLine(), "greeted before the client sent a byte");
            OutputStream out = s.getOutputStream();
            for (String line : new String[] {"hello", "world"}) {
                out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                assertEquals("v1 " + line, in.readLine());
            }
        }
    }

    @Test
    void aStreamTakesTheFirstRuleWhoseSubnetsItsAddressesFallIn() throws IOException {
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> greeting(31402).equals("v1"));
        for (int i = 0; i < 5; i++) {
            assertEquals("v1", greeting(31402), "from 127.0.0.1 to 127.0.0.1: neither subnet rule takes it");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), cluster.gateway.localPort(31402),
                    InetAddress.getByName("127.0.0.3"), 0)) {
                s.setSoTimeout(10_000);
                assertEquals("v2", reader(s).readLine(), "from 127.0.0.3: the sourceSubnet rule");
            }
        }
    }

    @Test
    void istiosTcpMetricsCountEachStreamAndItsBytes() throws IOException {
        // streams of other tests end on their own time: start from none open, so the counts are exact
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                metric("istio_tcp_connections_opened_total") == metric("istio_tcp_connections_closed_total"));
        long opened = metric("istio_tcp_connections_opened_total");
        long closed = metric("istio_tcp_connections_closed_total");
        long sent = metric("istio_tcp_sent_bytes_total");
        long received = metric("istio_tcp_received_bytes_total");
        try (Socket s = connect()) {
            BufferedReader in = reader(s);
            assertEquals("v1", in.readLine());
            s.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("v1 x", in.readLine());
        }
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("istio_tcp_connections_closed_total") == closed + 1);
        assertEquals(opened + 1, metric("istio_tcp_connections_opened_total"));
        assertEquals(sent + "v1\nv1 x\n".length(), metric("istio_tcp_sent_bytes_total"), "bytes to the client");
        assertEquals(received + "x\n".length(), metric("istio_tcp_received_bytes_total"), "bytes from the client");
    }

    @Test
    void aClustersMaxConnectionsBoundsItsOpenStreams() throws IOException {
        // a stream that just closed frees its place when its relay has ended: the first is retried until in
        try (Socket first = Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(TcpGatewayEndToEndTest::greetedOnLimitedPort, Objects::nonNull)) {
            try (Socket second = connect(31401)) {
                assertEquals(null, readLineOrNull(second), "the second stream is closed at once");
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> greeting(31401).equals("v1"));
    }

    /** A connection to the limited port that its upstream greeted, left open; null when refused. */
    private static Socket greetedOnLimitedPort() throws IOException {
        Socket s = connect(31401);
        if ("v1".equals(readLineOrNull(s))) {
            return s;
        }
        s.close();
        return null;
    }

    private static String readLineOrNull(Socket s) {
        try {
            return reader(s).readLine();
        } catch (IOException e) {
            return null; // reset rather than closed: refused all the same
        }
    }

    /** The gateway's value of a TCP metric for tcp-echo v1, summed over its series. */
    private static long metric(String name) {
        HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cluster.gateway.statusPort() + "/stats/prometheus")).build());
        return res.body().lines()
                .filter(l -> l.startsWith(name + "{") && l.contains("destination_service_name=\"tcp-echo\"")
                        && l.contains("destination_version=\"v1\""))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void newConnectionsFollowTheWeightsAsTheyChange() {
        route(0, 100);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> greeting().equals("v2"));
            for (int i = 0; i < 10; i++) {
                assertEquals("v2", greetingOrFail());
            }
        } finally {
            route(100, 0);
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> greeting().equals("v1"));
        }
    }

    private static String greetingOrFail() {
        try {
            return greeting();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String greeting() throws IOException {
        return greeting(31400);
    }

    private static String greeting(int port) throws IOException {
        try (Socket s = connect(port)) {
            return reader(s).readLine();
        }
    }

    private static Socket connect() throws IOException {
        return connect(31400);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), cluster.gateway.localPort(port));
        s.setSoTimeout(10_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Greets each connection with its name, then echoes each line back behind it. */
    static final class EchoServer implements AutoCloseable {

        private final LoopbackServer server;

        EchoServer(String name) throws IOException {
            server = new LoopbackServer("tcp-echo-" + name, c -> {
                OutputStream out = c.getOutputStream();
                out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = reader(c);
                for (String line; (line = in.readLine()) != null; ) {
                    out.write((name + " " + line + "\n").getBytes(StandardCharsets.US_ASCII));
                }
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
