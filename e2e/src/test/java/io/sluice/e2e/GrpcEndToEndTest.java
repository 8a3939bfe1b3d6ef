package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gRPC through the ingress gateway with grpc-java on both ends (its health service, whose stubs ship
 * with the library): the gateway speaks HTTP/2 to a port declared GRPC, and to an HTTP one whose
 * DestinationRule says {@code h2UpgradePolicy: UPGRADE}, and over the TLS a rule originates;
 * statuses travel in trailers, and a server-streaming call is relayed message by message.
 */
class GrpcEndToEndTest {

    static SluiceCluster cluster;
    static Server server;
    static HealthStatusManager health;
    static ManagedChannel channel;
    /** Serves over TLS only, and asks for a client certificate on its second port. */
    static Server secureServer;
    static Server mutualServer;

    @BeforeAll
    static void start() throws Exception {
        cluster = new SluiceCluster("grpc");
        health = new HealthStatusManager();
        health.setStatus("shop.Cart", ServingStatus.SERVING);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(health.getHealthService()).build().start();
        int port = server.getPort();
        TestCa ca = TestCa.create("/CN=grpc test CA");
        TestCa.Leaf leaf = ca.issue("grpc-server", "/CN=secure.grpc.internal", "secure.grpc.internal");
        TestCa.Leaf client = ca.issue("grpc-client", "/CN=gateway");
        secureServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(leaf.cert().toFile(), leaf.key().toFile()).build())
                .addService(health.getHealthService()).build().start();
        mutualServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(leaf.cert().toFile(), leaf.key().toFile())
                        .trustManager(ca.caCert.toFile()).clientAuth(ClientAuth.REQUIRE).build())
                .addService(health.getHealthService()).build().start();
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nothing listens there once the socket is closed
        }
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: grpc}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http2, protocol: HTTP2}
                    hosts: ["*"]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: health, namespace: grpc}
                spec:
                  hosts: [health.grpc.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 9000, name: grpc, protocol: GRPC}]
                  endpoints: [{address: 127.0.0.1, ports: {grpc: %1$d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: upgraded, namespace: grpc}
                spec:
                  hosts: [upgraded.grpc.internal, plain.grpc.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 8080, name: http, protocol: HTTP}]
                  endpoints: [{address: 127.0.0.1, ports: {http: %1$d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: gone, namespace: grpc}
                spec:
                  hosts: [gone.grpc.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 9000, name: grpc, protocol: GRPC}]
                  endpoints: [{address: 127.0.0.1, ports: {grpc: %2$d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: upgraded, namespace: grpc}
                spec:
                  host: upgraded.grpc.internal
                  trafficPolicy:
                    connectionPool: {http: {h2UpgradePolicy: UPGRADE}}
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: secure, namespace: grpc}
                spec:
                  hosts: [secure.grpc.internal, wrong-ca.grpc.internal, other-name.grpc.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 9443, name: grpc, protocol: GRPC}]
                  endpoints: [{address: 127.0.0.1, ports: {grpc: %3$d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: mutual, namespace: grpc}
                spec:
                  hosts: [mutual.grpc.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 9443, name: grpc, protocol: GRPC}]
                  endpoints: [{address: 127.0.0.1, ports: {grpc: %4$d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: secure, namespace: grpc}
                spec:
                  host: secure.grpc.internal
                  trafficPolicy: {tls: {mode: SIMPLE, caCertificates: %5$s}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: wrong-ca, namespace: grpc}
                spec:
                  host: wrong-ca.grpc.internal
                  trafficPolicy: {tls: {mode: SIMPLE, sni: secure.grpc.internal}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: other-name, namespace: grpc}
                spec:
                  host: other-name.grpc.internal
                  trafficPolicy: {tls: {mode: SIMPLE, caCertificates: %5$s}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: mutual, namespace: grpc}
                spec:
                  host: mutual.grpc.internal
                  trafficPolicy:
                    tls:
                      mode: MUTUAL
                      sni: secure.grpc.internal
                      caCertificates: %5$s
                      clientCertificate: %6$s
                      privateKey: %7$s
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: health, namespace: grpc}
                spec:
                  hosts: ["*"]
                  gateways: [gw]
                  http:
                  - match: [{authority: {exact: upgraded.example.com}}]
                    route: [{destination: {host: upgraded.grpc.internal}}]
                  - match: [{authority: {exact: plain.example.com}}]
                    route: [{destination: {host: plain.grpc.internal}}]
                  - match: [{authority: {exact: gone.example.com}}]
                    route: [{destination: {host: gone.grpc.internal}}]
                  - match: [{authority: {exact: secure.example.com}}]
                    route: [{destination: {host: secure.grpc.internal}}]
                  - match: [{authority: {exact: wrong-ca.example.com}}]
                    route: [{destination: {host: wrong-ca.grpc.internal}}]
                  - match: [{authority: {exact: other-name.example.com}}]
                    route: [{destination: {host: other-name.grpc.internal}}]
                  - match: [{authority: {exact: mutual.example.com}}]
                    route: [{destination: {host: mutual.grpc.internal}}]
                  - route: [{destination: {host: health.grpc.internal}}]
                """.formatted(port, closed, secureServer.getPort(), mutualServer.getPort(), ca.caCert,
                client.cert(), client.key()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.gateway.localPort(80) > 0);
        channel = channel(null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> check(channel, "shop.Cart") == ServingStatus.SERVING);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        secureServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        mutualServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        cluster.close();
    }

    @Test
    void aUnaryCallIsAnsweredThroughTheGateway() {
        assertEquals(ServingStatus.SERVING, check(channel, "shop.Cart"));
    }

    /** Calls in flight at once each get their own answer: many streams on the gateway's connections. */
    @Test
    void manyCallsAtOnceEachGetTheirAnswer() throws Exception {
        HealthGrpc.HealthFutureStub stub = HealthGrpc.newFutureStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        List<ListenableFuture<HealthCheckResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(stub.check(HealthCheckRequest.newBuilder().setService(i % 2 == 0 ? "shop.Cart" : "").build()));
        }
        for (ListenableFuture<HealthCheckResponse> call : calls) {
            assertEquals(ServingStatus.SERVING, call.get(30, TimeUnit.SECONDS).getStatus());
        }
    }

    /** The health service answers an unknown name with NOT_FOUND: a status the client reads from trailers. */
    @Test
    void theServersStatusReachesTheClient() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> check(channel, "shop.Nope"));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e::toString);
    }

    /** A client that compresses its messages (grpc-java's gzip) is answered as one that does not. */
    @Test
    void aGzipCompressingClientIsAnswered() {
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel).withCompression("gzip")
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("shop.Cart").build()).getStatus());
    }

    @Test
    void aServerStreamIsRelayedAsItsMessagesCome() throws Exception {
        health.setStatus("shop.Orders", ServingStatus.SERVING);
        BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService("shop.Orders").build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(HealthCheckResponse value) {
                        seen.add(value.getStatus());
                    }

                    @Override
                    public void onError(Throwable t) {
                        failed.set(t);
                    }

                    @Override
                    public void onCompleted() {
                        failed.set(new IllegalStateException("the watch ended"));
                    }
                });
        assertEquals(ServingStatus.SERVING, seen.poll(10, TimeUnit.SECONDS), () -> String.valueOf(failed.get()));
        // the stream is still open: a change made now reaches the client while the call goes on
        health.setStatus("shop.Orders", ServingStatus.NOT_SERVING);
        assertEquals(ServingStatus.NOT_SERVING, seen.poll(10, TimeUnit.SECONDS), () -> String.valueOf(failed.get()));
    }

    @Test
    void anHttpPortIsSpokenToInHttp2WhenItsRuleSaysUpgrade() throws Exception {
        ManagedChannel upgraded = channel("upgraded.example.com");
        ManagedChannel plain = channel("plain.example.com");
        try {
            assertEquals(ServingStatus.SERVING, check(upgraded, "shop.Cart"));
            // without the rule the gateway speaks HTTP/1.1 to it, which a gRPC server does not take
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> check(plain, "shop.Cart"));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e::toString);
        } finally {
            upgraded.shutdownNow();
            plain.shutdownNow();
        }
    }

    /** istio_requests_total counts gRPC calls as Istio does: request_protocol grpc, with the call's status. */
    @Test
    void callsAreCountedWithTheirGrpcStatus() {
        assertThrows(StatusRuntimeException.class, () -> check(channel, "shop.Nope"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> counted("health.grpc.internal", "5") >= 1);
        ManagedChannel gone = channel("gone.example.com");
        try {
            assertThrows(StatusRuntimeException.class, () -> check(gone, "shop.Cart"));
        } finally {
            gone.shutdownNow();
        }
        // a call no server answered gets the status its 503 maps to: UNAVAILABLE
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> counted("gone.grpc.internal", "14") >= 1);
    }

    private static long counted(String destination, String grpcStatus) {
        HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cluster.gateway.statusPort() + "/stats/prometheus")).build());
        return ObservabilityEndToEndTest.SERIES.matcher(res.body()).results()
                .filter(m -> m.group(1).contains("destination_service=\"" + destination + "\"")
                        && m.group(1).contains("grpc_response_status=\"" + grpcStatus + "\"")
                        && m.group(1).contains("request_protocol=\"grpc\""))
                .mapToLong(m -> Long.parseLong(m.group(2))).sum();
    }

    /** No endpoint answers: the gateway's 503 (UF) reaches a gRPC client as UNAVAILABLE, as through Envoy. */
    @Test
    void anUnreachableServiceIsUnavailable() {
        ManagedChannel gone = channel("gone.example.com");
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> check(gone, "shop.Cart"));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e::toString);
        } finally {
            gone.shutdownNow();
        }
    }

    /**
     * A rule's TLS reaches a gRPC endpoint as it reaches an HTTP/1.1 one: the CA it names, the server name
     * checked (the host, or the rule's sni), the client certificate for MUTUAL; the call keeps the
     * client's :authority, which is not the name the server's certificate carries.
     */
    @Test
    void tlsOriginatedToAGrpcEndpointIsCheckedAsTheRuleSays() {
        assertEquals(ServingStatus.SERVING, checkVia("secure.example.com"));
        assertEquals(ServingStatus.SERVING, checkVia("mutual.example.com"));
        // the JDK's CAs do not include the test CA; the certificate does not name other-name.grpc.internal
        assertEquals(Status.Code.UNAVAILABLE, failureVia("wrong-ca.example.com"));
        assertEquals(Status.Code.UNAVAILABLE, failureVia("other-name.example.com"));
    }

    private static ServingStatus checkVia(String authority) {
        ManagedChannel via = channel(authority);
        try {
            return check(via, "shop.Cart");
        } finally {
            via.shutdownNow();
        }
    }

    private static Status.Code failureVia(String authority) {
        return assertThrows(StatusRuntimeException.class, () -> checkVia(authority)).getStatus().getCode();
    }

    /**
     * gRPC-Web as a browser speaks it, over HTTP/1.1: the gateway relays it to the gRPC service as a
     * gRPC call, as Istio's gateways do, and returns the status in a trailer frame, in binary and in
     * base64 text.
     */
    @ParameterizedTest
    @ValueSource(strings = {"application/grpc-web+proto", "application/grpc-web-text"})
    void aGrpcWebCallIsAnsweredWithItsStatusInATrailerFrame(String contentType) throws Exception {
        boolean text = contentType.contains("-text");
        List<byte[]> frames = grpcWeb(contentType, "shop.Cart", text);
        assertEquals(2, frames.size());
        assertEquals(0, frames.get(0)[0], "a message");
        assertEquals(ServingStatus.SERVING, HealthCheckResponse.parseFrom(
                Arrays.copyOfRange(frames.get(0), 5, frames.get(0).length)).getStatus());
        assertEquals((byte) 0x80, frames.get(1)[0], "the trailers");
        assertTrue(new String(frames.get(1), 5, frames.get(1).length - 5, StandardCharsets.US_ASCII)
                .contains("grpc-status:0\r\n"));

        List<byte[]> notFound = grpcWeb(contentType, "shop.Nope", text);
        assertEquals(1, notFound.size(), "no message, the status alone");
        assertTrue(new String(notFound.get(0), 5, notFound.get(0).length - 5, StandardCharsets.US_ASCII)
                .contains("grpc-status:5\r\n"));
    }

    /** The frames of a gRPC-Web health check sent with the JDK's HTTP/1.1 client. */
    private static List<byte[]> grpcWeb(String contentType, String service, boolean text) throws Exception {
        byte[] message = HealthCheckRequest.newBuilder().setService(service).build().toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(5 + message.length).put((byte) 0)
                .putInt(message.length).put(message);
        byte[] body = text ? Base64.getEncoder().encode(frame.array()) : frame.array();
        HttpResponse<byte[]> res = SluiceCluster.HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + cluster.gateway.localPort(80) + "/grpc.health.v1.Health/Check"))
                .version(HttpClient.Version.HTTP_1_1)
                .header("content-type", contentType).header("x-grpc-web", "1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertEquals(text ? "application/grpc-web-text+proto" : "application/grpc-web+proto",
                res.headers().firstValue("content-type").orElse(""));
        byte[] answer = res.body();
        if (text) {
            // padded base64 pieces one after another: decoded four characters at a time
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            for (int i = 0; i < answer.length; i += 4) {
                plain.writeBytes(Base64.getDecoder().decode(Arrays.copyOfRange(answer, i, i + 4)));
            }
            answer = plain.toByteArray();
        }
        List<byte[]> frames = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(answer);
        while (in.remaining() >= 5) {
            int length = in.getInt(in.position() + 1);
            byte[] f = new byte[5 + length];
            in.get(f);
            frames.add(f);
        }
        assertEquals(0, in.remaining());
        return frames;
    }

    /** A plaintext HTTP/2 channel to the gateway's port 80, with the given :authority (or the address). */
    private static ManagedChannel channel(String authority) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", cluster.gateway.localPort(80)).usePlaintext();
        if (authority != null) {
            b.overrideAuthority(authority);
        }
        return b.build();
    }

    private static ServingStatus check(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }
}
