package io.sluice.model.mirror;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * A record of the mirror topic. Gateways write two kinds: a copy of one mirrored request with the
 * primary's answer, and periodic counts of copies dropped because the gateway's queue was full. Both
 * go to one topic so a sink sees drops in the same order and partitioning as the copies.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = MirrorRecord.Request.class, name = "request"),
        @JsonSubTypes.Type(value = MirrorRecord.Drops.class, name = "drops")})
public sealed interface MirrorRecord {

    /** Epoch milliseconds; also the Kafka record timestamp, so windows and replays go by it. */
    long time();

    String node();

    /**
     * One mirrored request.
     *
     * @param id            the request's {@code x-request-id}
     * @param route         the rule it matched, {@code ns/virtualservice#rule} (Route.origin())
     * @param authority     the authority the primary got; the shadow gets it with {@code -shadow}
     * @param path          path and query as forwarded (after rewrites)
     * @param headers       forwarded request headers, sensitive values replaced by {@link #REDACTED}
     * @param body          the request body, at most the gateway's cap
     * @param bodySize      bytes of the whole request body
     * @param bodyTruncated true when {@code body} holds only the first {@code body.length} bytes
     * @param mirror        where the copy goes
     * @param primaryTarget where the primary went, so a sink can ask the primary again to measure noise
     */
    record Request(String id, long time, String node, String route, String method, String authority,
                   String path, List<Header> headers, byte[] body, long bodySize, boolean bodyTruncated,
                   Target mirror, Target primaryTarget, Primary primary) implements MirrorRecord {

        public static final String REDACTED = "<redacted>";

        public Request {
            headers = headers == null ? List.of() : List.copyOf(headers);
            body = body == null ? new byte[0] : body;
        }

        /** The VirtualService part of {@link #route}: {@code ns/name}. */
        public String virtualService() {
            int hash = route.indexOf('#');
            return hash < 0 ? route : route.substring(0, hash);
        }
    }

    /**
     * Copies a gateway dropped since its previous Drops record, per route.
     */
    record Drops(long time, String node, Map<String, Long> byRoute) implements MirrorRecord {

        public Drops {
            byRoute = Map.copyOf(byRoute);
        }
    }

    record Header(String name, String value) {
    }

    /** A cluster: registry host (FQDN), subset ("" for none) and service port. */
    record Target(String host, String subset, int port) {
    }

    /**
     * What the client got from the primary.
     *
     * @param status     HTTP status, 0 when the primary gave no answer
     * @param grpcStatus a gRPC call's status (its trailers' or a trailers-only head's), null for other answers
     * @param headers    the response headers the gateway is configured to keep for comparison
     * @param bodySha256 hex SHA-256 of the whole response body (a gRPC answer's messages, framed)
     * @param latencyMs  from sending upstream to the last body byte
     */
    record Primary(int status, String grpcStatus, Map<String, String> headers, String bodySha256, long bodySize,
                   long latencyMs) {

        public Primary {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }
}
