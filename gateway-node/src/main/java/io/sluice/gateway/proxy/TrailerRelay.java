package io.sluice.gateway.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.upstream.GrpcExchanges;
import io.sluice.upstream.HeaderList;
import io.sluice.upstream.UpstreamResponse;
import java.util.List;
import java.util.function.Supplier;

/**
 * The fields that follow an answer's body to an HTTP/2 client: the upstream's trailers, gRPC's status
 * among them. Helidon sends trailers only where the head announced them in a {@code Trailer} header,
 * and always follows a head with a frame of its own, so a gRPC answer whose status came in its head
 * (trailers-only) goes out as a head and then trailers with the status: gRPC clients take it only
 * from the last HEADERS frame. HTTP/1.1 clients get no trailers, as before.
 */
final class TrailerRelay {

    private static final TrailerRelay NONE = new TrailerRelay(null, null);
    private static final List<String> GRPC_STATUS_FIELDS = List.of("grpc-status", "grpc-message",
            "grpc-status-details-bin");

    private final String names;
    private final Supplier<HeaderList> trailers;

    private TrailerRelay(String names, Supplier<HeaderList> trailers) {
        this.names = names;
        this.trailers = trailers;
    }

    /**
     * What will follow the body of {@code in}, relayed with the head {@code out}; a trailers-only gRPC
     * answer's status fields are taken out of {@code out}.
     */
    static TrailerRelay of(RequestContext ctx, UpstreamResponse in, HeaderList out) {
        if (!ctx.view.http2()) {
            return NONE;
        }
        boolean grpc = GrpcExchanges.isGrpc(out.first("content-type"));
        if (grpc && out.first("grpc-status") != null) {
            HeaderList status = new HeaderList();
            for (String name : GRPC_STATUS_FIELDS) {
                String value = out.first(name);
                if (value != null) {
                    status.add(name, value);
                    out.remove(name);
                }
            }
            return new TrailerRelay(String.join(", ", GRPC_STATUS_FIELDS), () -> status);
        }
        if (in.trailers() == null) {
            return NONE;
        }
        String announced = in.headers().first("trailer");
        String names = announced != null ? announced : grpc ? String.join(", ", GRPC_STATUS_FIELDS) : null;
        return names == null ? NONE : new TrailerRelay(names, in.trailers());
    }

    /** Announces the trailers in the head, before it is sent. */
    void announce(ServerResponse res) {
        if (names != null) {
            res.header(HeaderNames.TRAILER, names);
        }
    }

    /** Adds the trailers, once the body was read to its end and before the response is closed. */
    void send(ServerResponse res, RequestContext ctx) {
        if (trailers != null) {
            HeaderList fields = trailers.get();
            fields.forEach((name, value) -> res.trailers().add(HeaderValues.create(name, value)));
            String status = fields.first("grpc-status");
            if (status != null) {
                ctx.grpcStatus = status;
            }
        }
    }
}
