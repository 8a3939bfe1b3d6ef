package io.sluice.upstream;

import io.helidon.common.tls.Tls;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.http2.Http2Client;
import io.helidon.webclient.http2.Http2ClientRequest;
import io.helidon.webclient.http2.Http2ClientResponse;
import io.sluice.model.net.ResolveOverrides;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests to endpoints spoken to in HTTP/2 (gRPC services, and HTTP ones whose DestinationRule says
 * {@code h2UpgradePolicy: UPGRADE}): over cleartext with prior knowledge (h2c), or over the TLS the
 * rule originates with ALPN {@code h2}, as Envoy speaks to them. gRPC calls, and gRPC-Web ones
 * translated ({@link GrpcWeb}), go through {@link GrpcExchanges}; other requests through Helidon's
 * HTTP/2 client, whose connections carry many streams at once. Answers stream back as they arrive,
 * trailers after the body.
 */
final class Http2Exchanges implements AutoCloseable {

    /** The gateway relays trailers. */
    private static final Header TE_TRAILERS = HeaderValues.create(HeaderNames.TE, "trailers");

    /** By connect timeout, which Helidon's client takes as a setting of its own, not of a request. */
    private final Map<Duration, Http2Client> clients = new ConcurrentHashMap<>();
    /** Helidon's form of each TLS origin in use (which compare by identity: one per setting). */
    private final Map<TlsOrigin, Tls> tls = new ConcurrentHashMap<>();
    private final GrpcExchanges grpc = new GrpcExchanges();

    UpstreamResponse send(Destination destination, Duration connectTimeout, Duration readTimeout, String method,
                          String target, HeaderList headers, OutgoingBody body) throws IOException {
        if (method.equals("POST") && GrpcExchanges.isGrpc(headers.first("content-type"))) {
            return grpc.send(destination, connectTimeout, readTimeout, target, headers, body);
        }
        if (method.equals("POST") && GrpcWeb.isGrpcWeb(headers.first("content-type"))) {
            return grpc.sendWeb(destination, connectTimeout, readTimeout, target, headers, body);
        }
        String authority = new ResolveOverrides.Target(destination.host(), destination.port()).authority();
        String scheme = destination.tls() == null ? "http://" : "https://";
        Http2ClientRequest request = clients.computeIfAbsent(connectTimeout, Http2Exchanges::client)
                .method(Method.create(method))
                .uri(ClientUri.create(URI.create(scheme + authority + target)))
                .skipUriEncoding(true)
                .headers(h -> {
                    headers.forEach((name, value) -> h.add(HeaderValues.create(name, value)));
                    h.set(TE_TRAILERS);
                });
        if (destination.tls() != null) {
            request.tls(tls.computeIfAbsent(destination.tls(), Http2Exchanges::tls));
        }
        if (readTimeout != null) {
            request.readTimeout(readTimeout);
        }
        try {
            Http2ClientResponse response = switch (body) {
                case OutgoingBody.None none -> request.request();
                case OutgoingBody.Bytes bytes -> request.submit(bytes.bytes());
                case OutgoingBody.Streamed streamed -> request.outputStream(out -> {
                    streamed.writer().writeTo(out);
                    out.close();
                });
            };
            return answer(response);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Http2Client client(Duration connectTimeout) {
        return Http2Client.builder()
                .shareConnectionCache(false)
                .followRedirects(false)
                .sendExpectContinue(false)
                .connectTimeout(connectTimeout)
                .protocolConfig(p -> p.priorKnowledge(true))
                .build();
    }

    /** The origin's context, server name and name check; Helidon's client adds ALPN {@code h2}. */
    private static Tls tls(TlsOrigin origin) {
        return Tls.builder().sslContext(origin.context()).sslParameters(origin.parameters()).build();
    }

    private static UpstreamResponse answer(Http2ClientResponse response) {
        InputStream body = response.inputStream();
        return new UpstreamResponse(response.status().code(), copy(response.headers()), -1, body,
                () -> trailers(response));
    }

    /**
     * Helidon's client takes trailers only where the head announced them in a {@code Trailer} field, and
     * throws for any others: an answer without one has none (gRPC's come through {@link GrpcExchanges}).
     */
    private static HeaderList trailers(Http2ClientResponse response) {
        return response.headers().contains(HeaderNames.TRAILER) ? copy(response.trailers()) : new HeaderList();
    }

    private static HeaderList copy(Iterable<Header> headers) {
        HeaderList out = new HeaderList();
        for (Header h : headers) {
            for (String value : h.allValues()) {
                out.add(h.name(), value);
            }
        }
        return out;
    }

    /** Shuts down what the destinations no request used for their idle timeout kept open. */
    void closeIdle(long now) {
        grpc.closeIdle(now);
    }

    @Override
    public void close() {
        clients.values().forEach(Http2Client::closeResource);
        grpc.close();
    }
}
