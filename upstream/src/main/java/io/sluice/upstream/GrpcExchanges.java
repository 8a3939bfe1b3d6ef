package io.sluice.upstream;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.sluice.tls.ForwardingTrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * gRPC calls to endpoints spoken to in HTTP/2, relayed message by message on grpc-java's transport.
 * (Helidon's HTTP/2 client hands over a response's trailers only when the server announced them in a
 * {@code Trailer} header, which gRPC servers do not; a call's status travels in them.) Calls are
 * generic: the method is the request's path and messages pass as the bytes the client framed, so any
 * service goes through without its stubs. TLS is originated as the destination's rule says, with the
 * key and trust managers HTTP/1.1 endpoints get, and ALPN {@code h2}. Each destination has one channel,
 * whose HTTP/2 connection carries its calls side by side; a channel unused for the destination's idle
 * timeout is shut down (its calls still running finish), so endpoints that come and go leave nothing
 * behind.
 */
public final class GrpcExchanges implements AutoCloseable {

    /** Messages pass through as bytes. */
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** @param tls the TLS originated, null for cleartext; compared by identity, one per setting */
    private record ChannelKey(String host, int port, TlsOrigin tls, Duration connectTimeout) {
    }

    private static final class Channel {
        final ManagedChannel channel;
        final long idleLimitNanos;
        volatile long lastUsed = System.nanoTime();

        Channel(ManagedChannel channel, Duration idleTimeout) {
            this.channel = channel;
            this.idleLimitNanos = idleTimeout.toNanos();
        }
    }

    private final Map<ChannelKey, Channel> channels = new ConcurrentHashMap<>();

    GrpcExchanges() {
    }

    /** Whether a content type is gRPC's (not gRPC-Web's, whose status is in the body and which needs no help). */
    public static boolean isGrpc(String contentType) {
        return contentType != null && (contentType.equals("application/grpc")
                || contentType.startsWith("application/grpc+") || contentType.startsWith("application/grpc;"));
    }

    /**
     * Starts the call and returns once the upstream's headers (or its whole, trailers-only, answer) came.
     *
     * @throws ConnectException       no answer, the endpoint could not be reached
     * @throws SocketTimeoutException no answer within the deadline
     * @throws IOException            no answer, the connection failed otherwise (a reset)
     */
    UpstreamResponse send(Destination destination, Duration connectTimeout, Duration readTimeout, String path,
                          HeaderList headers, OutgoingBody body) throws IOException {
        // taken and marked used in one step: the sweep never shuts a channel a call has just taken
        ManagedChannel channel = channels.compute(
                new ChannelKey(destination.host(), destination.port(), destination.tls(), connectTimeout), (key, c) -> {
                    Channel taken = c != null ? c : new Channel(channel(key), destination.idleTimeout());
                    taken.lastUsed = System.nanoTime();
                    return taken;
                }).channel;
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNKNOWN)
                .setFullMethodName(path.startsWith("/") ? path.substring(1) : path)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES)
                .build();
        CallOptions options = CallOptions.DEFAULT.withAuthority(headers.first("host"));
        Duration deadline = GrpcCall.deadline(readTimeout, headers.first("grpc-timeout"));
        if (deadline != null) {
            options = options.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
        }
        ClientCall<byte[], byte[]> call = channel.newCall(method, options);
        GrpcCall relay = new GrpcCall(call, headers.first("grpc-encoding"));
        call.start(relay, GrpcCall.metadata(headers));
        call.request(1);
        relay.sendBody(body);
        GrpcCall.Head head = relay.awaitHead();
        if (head.failedLocally()) {
            throw noAnswer(head.status());
        }
        return new UpstreamResponse(200, head.headers(), -1, relay.body(), relay::trailers);
    }

    /**
     * A gRPC-Web request relayed as a gRPC call (see {@link GrpcWeb}); fails as {@link #send} does when
     * no answer came.
     */
    UpstreamResponse sendWeb(Destination destination, Duration connectTimeout, Duration readTimeout, String path,
                             HeaderList headers, OutgoingBody body) throws IOException {
        boolean text = GrpcWeb.isText(headers.first("content-type"));
        UpstreamResponse call = send(destination, connectTimeout, readTimeout, path, headers,
                text ? GrpcWeb.decoded(body) : body);
        return new UpstreamResponse(200, GrpcWeb.head(call.headers(), text), -1,
                GrpcWeb.body(call.body(), call.trailers(), text));
    }

    /** How a call that got no answer failed, as the HTTP/1.1 path reports it: connect, timeout or reset. */
    private static IOException noAnswer(Status s) {
        if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return new SocketTimeoutException("gRPC call: " + s);
        }
        for (Throwable t = s.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return (ConnectException) new ConnectException("gRPC call: " + s).initCause(s.getCause());
            }
        }
        return new IOException("gRPC call: " + s, s.getCause());
    }

    private static ManagedChannel channel(ChannelKey key) {
        NettyChannelBuilder builder = key.tls() == null
                ? NettyChannelBuilder.forAddress(key.host(), key.port()).usePlaintext()
                // the name sent and checked is the rule's, whatever address the endpoint has
                : NettyChannelBuilder.forAddress(key.host(), key.port(), credentials(key.tls()))
                        .overrideAuthority(key.tls().serverName());
        return builder
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        key.connectTimeout().toMillis()))
                // the client and the server each bound their messages; the gateway passes them on
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .maxInboundMetadataSize(Integer.MAX_VALUE)
                .build();
    }

    private static ChannelCredentials credentials(TlsOrigin tls) {
        TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder()
                .trustManager(new CallAuthorityTrust(tls.trust(), tls.serverName()));
        if (tls.keys() != null) {
            credentials.keyManager(tls.keys());
        }
        return credentials.build();
    }

    /** Channels open, one per destination in use. */
    int openChannels() {
        return channels.size();
    }

    /** Shuts the channels unused for their idle timeout down. */
    void closeIdle(long now) {
        for (ChannelKey key : channels.keySet()) {
            channels.computeIfPresent(key, (k, c) -> {
                if (now - c.lastUsed < c.idleLimitNanos) {
                    return c;
                }
                c.channel.shutdown();
                return null;
            });
        }
    }

    @Override
    public void close() {
        channels.values().forEach(c -> c.channel.shutdownNow());
    }

    /**
     * The origin's trust, as grpc-java needs it. A call whose {@code :authority} is not the channel's
     * (the server name) has grpc-java check that authority against the server's certificate too, and
     * fail the call once it enforces that. A gateway passes the client's authority on, as Envoy does,
     * and checks the server against the name the rule gives; so a certificate this trust accepted at a
     * handshake is accepted again for such a call, and anything else gets the full check.
     */
    private static final class CallAuthorityTrust extends ForwardingTrustManager {
        /** A server has a certificate or two at a time (one while it rotates): a few are kept. */
        private static final int KEPT = 8;

        private final String serverName;
        private final Set<X509Certificate> accepted = ConcurrentHashMap.newKeySet();

        CallAuthorityTrust(X509ExtendedTrustManager origin, String serverName) {
            super(origin);
            this.serverName = serverName;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            if (!serverName.equalsIgnoreCase(engine.getPeerHost()) && accepted.contains(chain[0])) {
                return;
            }
            delegate.checkServerTrusted(chain, authType, engine);
            if (accepted.size() >= KEPT) {
                accepted.clear();
            }
            accepted.add(chain[0]);
        }
    }
}
