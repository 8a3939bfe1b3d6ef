package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.sluice.mirror.MirrorCommand;
import io.sluice.mirror.MirrorSink;
import io.sluice.mirror.Report;
import io.sluice.mirror.SinkSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Mirrored gRPC calls replayed by mirror-sink the way a gateway sends them: to a shadow whose port is
 * declared GRPC, as a gRPC call in HTTP/2, over the TLS its DestinationRule originates (the CA from a
 * Secret, which the sink opens with the gateways' key), with the
 * {@code -shadow} authority; and compared by their gRPC status, since every call answers HTTP 200.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MirrorProtocolEndToEndTest {

    static final String ROUTE = "grpcmirror/health#0";

    static SluiceCluster cluster;
    static Server primary;
    /** TLS only: a cleartext or HTTP/1.1 replay cannot reach it. */
    static Server shadow;
    static final Queue<String> shadowAuthorities = new ConcurrentLinkedQueue<>();
    static ManagedChannel channel;
    static MirrorSink sink;

    @BeforeAll
    static void start() throws Exception {
        cluster = new SluiceCluster("grpcmirror");
        HealthStatusManager primaryHealth = new HealthStatusManager();
        primaryHealth.setStatus("shop.Cart", ServingStatus.SERVING);
        primaryHealth.setStatus("shop.Orders", ServingStatus.SERVING);
        primary = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(primaryHealth.getHealthService()).build().start();
        // the next version knows no shop.Orders: its health check answers NOT_FOUND
        HealthStatusManager shadowHealth = new HealthStatusManager();
        shadowHealth.setStatus("shop.Cart", ServingStatus.SERVING);
        TestCa ca = TestCa.create("/CN=mirror test CA");
        TestCa.Leaf leaf = ca.issue("health-next", "/CN=health-next.grpc.internal", "health-next.grpc.internal");
        ServerInterceptor authorities = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                             ServerCallHandler<Q, A> next) {
                shadowAuthorities.add(call.getAuthority());
                return next.startCall(call, headers);
            }
        };
        shadow = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(leaf.cert().toFile(), leaf.key().toFile()).build())
                .addService(ServerInterceptors.intercept(shadowHealth.getHealthService(), authorities))
                .build().start();
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: grpcmirror}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http2, protocol: HTTP2}
                    hosts: ["*"]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: health, namespace: grpcmirror}
                spec:
                  hosts: [health.grpc.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 9000, name: grpc, protocol: GRPC}]
                  endpoints: [{address: 127.0.0.1, ports: {grpc: %d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: health-next, namespace: grpcmirror}
                spec:
                  hosts: [health-next.grpc.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 9443, name: grpc, protocol: GRPC}]
                  endpoints: [{address: 127.0.0.1, ports: {grpc: %d}}]
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: health-next-ca, namespace: grpcmirror}
                data: {ca.crt: %s}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: health-next, namespace: grpcmirror}
                spec:
                  host: health-next.grpc.internal
                  trafficPolicy: {tls: {mode: SIMPLE, credentialName: health-next-ca}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: health
                  namespace: grpcmirror
                  # every gRPC call is a POST, which the sink replays only when told to
                  annotations: {sluice.io/mirror-replay-unsafe: "true"}
                spec:
                  hosts: [health.example.com]
                  gateways: [gw]
                  http:
                  - route: [{destination: {host: health.grpc.internal}}]
                    mirror: {host: health-next.grpc.internal}
                """.formatted(primary.getPort(), shadow.getPort(),
                Base64.getEncoder().encodeToString(Files.readAllBytes(ca.caCert))));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.gateway.localPort(80) > 0);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.gateway.localPort(80)).usePlaintext()
                .overrideAuthority("health.example.com").build();
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> check("shop.Cart") == ServingStatus.SERVING);
        sink = MirrorSink.start(cluster.kafka, "127.0.0.1", 0, SinkSettings.defaults());
        Awaitility.await("mirror-sink ready").atMost(Duration.ofSeconds(60)).until(sink::ready);
    }

    @AfterAll
    static void stop() throws Exception {
        if (sink != null) {
            sink.close();
        }
        channel.shutdownNow();
        primary.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        shadow.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        cluster.close();
    }

    @Test
    @Order(1)
    void aMirroredGrpcCallIsReplayedOverTheShadowsTlsAndComparedByItsStatus() {
        long warmUp = settledCopies();
        for (int i = 0; i < 10; i++) {
            assertEquals(ServingStatus.SERVING, check("shop.Cart"));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(ServingStatus.SERVING, check("shop.Orders"), "the client gets the primary's answer");
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.gateway.mirror().sent() == warmUp + 15);
        long copies = settledCopies();
        Report.Counts counts = MirrorEndToEndTest.totals(MirrorEndToEndTest.report(sink), ROUTE);
        assertEquals(copies, shadowAuthorities.size(), "every copy reached the TLS-only shadow as a gRPC call");
        assertTrue(shadowAuthorities.stream().allMatch("health.example.com-shadow"::equals),
                shadowAuthorities.toString());
        assertEquals(5, counts.different(), "only the shop.Orders checks differ: " + counts);
        assertEquals(5, counts.differentStatus(), counts.toString());
        assertEquals(copies - 5, counts.same(), counts.toString());
        List<String> differences = counts.samples().getFirst().differences();
        assertEquals("grpc-status: 0 -> 5", differences.getFirst(), differences.toString());
        assertEquals("/grpc.health.v1.Health/Check", counts.samples().getFirst().path());
    }

    @Test
    @Order(2)
    void aStoredWindowOfGrpcCallsReplaysAgainstAnyTargetInHttp2() {
        Instant from = Instant.now();
        long sentBefore = cluster.gateway.mirror().sent();
        for (int i = 0; i < 4; i++) {
            assertEquals(ServingStatus.SERVING, check("shop.Orders"));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway.mirror().sent() >= sentBefore + 4);
        String mirror = cluster.kafka.topics().mirror();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = MirrorCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8), "replay",
                "--kafka", cluster.kafka.bootstrapServers(),
                "--topic-prefix", mirror.substring(0, mirror.length() - "mirror".length()),
                "--from", from.toString(), "--to", Instant.now().plusMillis(1).toString(), "--unsafe", "true",
                "--target", "127.0.0.1:" + primary.getPort());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, printed);
        assertTrue(printed.contains("{same=4}"), "the primary itself, in cleartext HTTP/2, answers the same: " + printed);
    }

    /** Copies the gateway sent, once the sink replayed each of them. */
    private static long settledCopies() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            long sent = cluster.gateway.mirror().sent();
            return shadowAuthorities.size() == sent
                    && MirrorEndToEndTest.totals(MirrorEndToEndTest.report(sink), ROUTE).replayed() == sent;
        });
        return cluster.gateway.mirror().sent();
    }

    private static ServingStatus check(String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }
}
