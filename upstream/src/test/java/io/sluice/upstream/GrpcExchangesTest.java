package io.sluice.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real grpc-java server on a socket, with a service defined without stubs. */
class GrpcExchangesTest {

    Server server;
    GrpcExchanges exchanges = new GrpcExchanges();

    @BeforeEach
    void start() throws IOException {
        MethodDescriptor<byte[], byte[]> say = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/Say")
                .setRequestMarshaller(GrpcExchanges.BYTES).setResponseMarshaller(GrpcExchanges.BYTES).build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("test.Echo")
                        .addMethod(say, ServerCalls.asyncUnaryCall((request, reply) -> {
                            reply.onNext(("echo " + new String(request, StandardCharsets.UTF_8))
                                    .getBytes(StandardCharsets.UTF_8));
                            reply.onCompleted();
                        }))
                        .build())
                .build().start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        exchanges.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aCallIsRelayedAndItsChannelShutWhenUnusedForTheIdleTimeout() throws Exception {
        Destination d = new Destination("127.0.0.1", server.getPort(), null, Duration.ofSeconds(30), null, null,
                true, null);
        HeaderList headers = new HeaderList().add("host", "echo.test").add("content-type", "application/grpc");
        UpstreamResponse answer = exchanges.send(d, Duration.ofSeconds(5), Duration.ofSeconds(5), "/test.Echo/Say",
                headers, new OutgoingBody.Bytes(GrpcCallTest.frame(0, "hi")));
        assertEquals(200, answer.status());
        assertEquals(new String(GrpcCallTest.frame(0, "echo hi"), StandardCharsets.UTF_8),
                new String(answer.body().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("0", answer.trailers().get().first("grpc-status"));

        exchanges.closeIdle(System.nanoTime());
        assertEquals(1, exchanges.openChannels(), "used just now");
        exchanges.closeIdle(System.nanoTime() + Duration.ofSeconds(31).toNanos());
        assertEquals(0, exchanges.openChannels());
    }
}
