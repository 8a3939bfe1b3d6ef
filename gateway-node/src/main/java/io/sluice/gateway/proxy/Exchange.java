package io.sluice.gateway.proxy;

import io.sluice.routing.Cluster;
import java.time.Instant;

/**
 * What happened to one request, handed to the access log and metrics once it has been answered. The
 * fields are Envoy's access-log operators.
 *
 * @param path              the request path as received, with its query
 * @param responseFlags     Envoy's response flags, comma-separated, or "-" for none
 * @param upstreamServiceTime milliseconds the upstream took to answer, or -1
 * @param upstreamHost      the endpoint of the last try, or null
 * @param cluster           the cluster forwarded to, or null (no route, redirect, direct response)
 * @param route             the route's origin ({@code ns/vs#rule}), or null
 * @param grpcStatus        a gRPC call's status (Envoy's %GRPC_STATUS%), or null for other requests
 */
public record Exchange(Instant start, long durationMillis, String method, String path, String protocol,
                       int responseCode, String responseFlags, long bytesReceived, long bytesSent,
                       long upstreamServiceTime, String forwardedFor, String userAgent, String requestId,
                       String authority, String upstreamHost, Cluster cluster, String downstreamLocal,
                       String downstreamRemote, String route, String grpcStatus) {
}
