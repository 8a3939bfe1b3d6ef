package io.sluice.gateway.proxy;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.gateway.mirror.MirrorCapture;
import io.sluice.gateway.resilience.ClusterState;
import io.sluice.gateway.resilience.EndpointState;
import io.sluice.gateway.resilience.LoadBalancer;
import io.sluice.gateway.resilience.PoolGate;
import io.sluice.gateway.resilience.RetrySlot;
import io.sluice.gateway.resilience.Retries;
import io.sluice.gateway.resilience.Retries.LocalFailure;
import io.sluice.upstream.ConnectionPool;
import io.sluice.upstream.HeaderList;
import io.sluice.upstream.UpstreamResponse;
import io.sluice.routing.Cluster;
import io.sluice.routing.ClusterPolicy;
import io.sluice.routing.RouteAction;
import io.sluice.routing.RoutePolicy;
import io.sluice.routing.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Forwards a request to its route's clusters: weighted pick, fault injection, body buffering for
 * replay, the mirror tap, then tries (load-balanced, pool-gated, timed, retried with backoff) until a
 * response is streamed back or the failure is answered with Envoy's status and flag.
 */
final class Forwarder {

    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    /** Bodies up to this size with a declared length go back in one write, with the response head. */
    private static final int SMALL_BODY = 64 * 1024;

    /** Status.create searches Helidon's known statuses on every call; these are looked up once. */
    private static final Status[] STATUSES = new Status[600];

    static {
        for (int code = 100; code < STATUSES.length; code++) {
            STATUSES[code] = Status.create(code);
        }
    }

    private final Proxy proxy;
    private final String scheme;

    Forwarder(Proxy proxy, String scheme) {
        this.proxy = proxy;
        this.scheme = scheme;
    }

    void forward(RequestContext ctx, ServerResponse res, RoutePolicy policy, RouteAction.Forward f) {
        RandomGenerator random = ThreadLocalRandom.current();
        RouteAction.WeightedCluster target = f.pick(random.nextInt(f.totalWeight()));
        Cluster cluster = target.cluster();
        ctx.cluster = cluster;
        if (policy.fault() != RoutePolicy.Fault.NONE && faulted(ctx, res, policy.fault(), random)) {
            return;
        }
        if (!cluster.hasEndpoints()) {
            LocalReplies.fail(res, ctx, ProxyFailure.NO_HEALTHY_UPSTREAM);
            return;
        }
        ctx.requestId = ctx.view.request().headers().first(REQUEST_ID).orElseGet(() -> randomUuid(random));
        String query = ctx.view.query() == null || ctx.view.query().isEmpty() ? "" : "?" + ctx.view.query();
        // the copy is taken as the primary streams: the body as it is read, the answer as it is relayed
        String authority = f.rewrite() != null && f.rewrite().authority() != null
                ? f.rewrite().authority() : ctx.view.authority();
        HeaderList headers = UpstreamTry.forwardedHeaders(ctx, authority, scheme);
        ctx.mirror = f.mirrors().isEmpty() ? MirrorCapture.NONE
                : proxy.tap().begin(ctx.route, f.mirrors(), ctx.view.method(), ctx.view.path() + query, headers,
                cluster);
        HeaderEdits.apply(headers, f.requestHeaders());
        HeaderEdits.apply(headers, target.requestHeaders());
        try {
            try {
                ctx.body = RequestBody.read(ctx.view.request(), RequestBody.REPLAY_LIMIT, ctx.mirror::requestBody);
            } catch (IOException | UncheckedIOException e) {
                return; // the client went away while sending its body; nobody is left to answer
            }
            tries(ctx, res, policy, f, target, headers, random);
        } finally {
            ctx.mirror.finish(ctx.grpcStatus);
        }
    }

    /** Injects the configured delay and abort; returns true when the request was aborted. */
    private static boolean faulted(RequestContext ctx, ServerResponse res, RoutePolicy.Fault fault,
                                   RandomGenerator random) {
        if (fault.delays(random.nextDouble() * 100)) {
            ctx.flag("DI");
            try {
                Thread.sleep(fault.delay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (fault.aborts(random.nextDouble() * 100)) {
            LocalReplies.abort(res, ctx, fault);
            return true;
        }
        return false;
    }

    private void tries(RequestContext ctx, ServerResponse res, RoutePolicy policy, RouteAction.Forward f,
                       RouteAction.WeightedCluster target, HeaderList headers, RandomGenerator random) {
        Cluster cluster = target.cluster();
        ClusterPolicy cp = cluster.policy();
        String clusterName = cluster.name();
        ClusterState state = proxy.upstreams().cluster(clusterName);
        PoolGate gate = state.gate(cp.pool());
        ConnectionPool pool = proxy.pool();
        String hashKey = hashKey(cp.loadBalancer(), ctx, random);
        RoutePolicy.Retries retries = policy.retries();
        // a body that was streamed cannot be sent twice: such a request gets one try
        int maxRetries = ctx.body.replayable() ? retries.attempts() : 0;
        long start = System.nanoTime();
        long deadline = policy.timeout() == null ? Long.MAX_VALUE : start + policy.timeout().toNanos();
        List<Upstream> tried = new ArrayList<>(2);
        // a request in its retry phase holds one of the cluster's outstanding retries until it is answered
        try (RetrySlot slot = state.retrySlot(cp.pool().maxRetries())) {
            for (int attempt = 0; ; attempt++) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    LocalReplies.fail(res, ctx, ProxyFailure.UPSTREAM_TIMEOUT);
                    return;
                }
                Upstream upstream = LoadBalancer.choose(cluster, state, hashKey, tried, random, now);
                if (upstream == null) {
                    LocalReplies.fail(res, ctx, ProxyFailure.NO_HEALTHY_UPSTREAM);
                    return;
                }
                Duration remaining = deadline == Long.MAX_VALUE ? null : Duration.ofNanos(deadline - now);
                boolean acquired;
                try {
                    acquired = gate.acquire(min(remaining, cp.pool().connectTimeout()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (!acquired) {
                    state.overflows.increment();
                    LocalReplies.fail(res, ctx, ProxyFailure.UPSTREAM_OVERFLOW);
                    return;
                }
                tried.add(upstream);
                ctx.upstreamHost = upstream.authority();
                EndpointState endpoint = state.endpoint(ctx.upstreamHost);
                long sent = System.nanoTime();
                if (remaining != null) {
                    // time spent waiting in the pool's pending queue counts against the route's budget
                    remaining = Duration.ofNanos(Math.max(1_000_000, deadline - sent));
                }
                Duration tryBudget = min(remaining, retries.perTryTimeout());
                boolean perTryBound = retries.perTryTimeout() != null
                        && (remaining == null || retries.perTryTimeout().compareTo(remaining) < 0);
                // a retry beyond the cluster's outstanding-retry budget is not made (Envoy's retry overflow)
                boolean more = attempt < maxRetries && slot.allows();
                Verdict verdict;
                endpoint.begin();
                try {
                    proxy.connector().counters().count(clusterName);
                    UpstreamTry.Outcome outcome = UpstreamTry.send(pool, cp.pool().connectTimeout(), ctx, f, upstream,
                            proxy.connector(), target, headers, tryBudget,
                            endpoint.lastOnConnection(cp.pool().maxRequestsPerConnection()));
                    verdict = judge(ctx, res, outcome, state, endpoint, cluster, retries, more, perTryBound, f, target,
                            sent);
                } finally {
                    endpoint.end();
                    gate.release();
                }
                if (verdict != Verdict.RETRY) {
                    return;
                }
                state.retries.increment();
                slot.retrying();
                long backoff = Retries.backoffMillis(attempt + 1, random.nextDouble());
                if (deadline != Long.MAX_VALUE) {
                    backoff = Math.min(backoff, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
                }
                sleep(backoff);
            }
        }
    }

    private enum Verdict { DONE, RETRY }

    private Verdict judge(RequestContext ctx, ServerResponse res, UpstreamTry.Outcome outcome, ClusterState state,
                          EndpointState endpoint, Cluster cluster, RoutePolicy.Retries retries, boolean more,
                          boolean perTryBound, RouteAction.Forward f, RouteAction.WeightedCluster target,
                          long started) {
        ClusterPolicy.Outlier outlier = cluster.policy().outlier();
        int hosts = cluster.endpoints().size();
        if (outcome.response() != null) {
            UpstreamResponse in = outcome.response();
            int status = in.status();
            state.record(endpoint, status, outlier, hosts, System.nanoTime());
            boolean retriable = Retries.retriable(retries, status, in.headers().first("grpc-status"));
            if (retriable && more) {
                in.close();
                return Verdict.RETRY;
            }
            if (retriable && retries.attempts() > 0 && ctx.body.replayable()) {
                ctx.flag("URX");
            }
            relay(ctx, res, in, f, target, started);
            return Verdict.DONE;
        }
        LocalFailure failure = outcome.failure();
        state.recordNoAnswer(endpoint, failure == LocalFailure.PER_TRY_TIMEOUT, outlier, hosts, System.nanoTime());
        // the route's own timeout ends the request; only a per-try timeout is worth another try
        boolean routeTimedOut = failure == LocalFailure.PER_TRY_TIMEOUT && !perTryBound;
        boolean retriable = !routeTimedOut && Retries.retriable(retries, failure);
        if (retriable && more) {
            return Verdict.RETRY;
        }
        if (retriable && retries.attempts() > 0 && ctx.body.replayable()) {
            ctx.flag("URX");
        }
        LocalReplies.fail(res, ctx, switch (failure) {
            case CONNECT_FAILURE -> ProxyFailure.UPSTREAM_CONNECT_FAILURE;
            case PER_TRY_TIMEOUT -> ProxyFailure.UPSTREAM_TIMEOUT;
            case RESET -> ProxyFailure.UPSTREAM_RESET;
        });
        return Verdict.DONE;
    }

    /**
     * Passes the upstream's response to the client, with the route's response header edits: a small body
     * of declared length is read whole and leaves with the head in one write, anything else is streamed.
     */
    private static void relay(RequestContext ctx, ServerResponse res, UpstreamResponse in, RouteAction.Forward f,
                              RouteAction.WeightedCluster target, long started) {
        try (in) {
            long length = in.contentLength();
            byte[] small = null;
            if (length >= 0 && length <= SMALL_BODY && ctx.mirror == MirrorCapture.NONE
                    && !ctx.view.method().equals("HEAD")) {
                try {
                    // into an array of the right size: readNBytes(int) reads into chunks and copies them
                    small = new byte[(int) length];
                    int n = in.body().readNBytes(small, 0, small.length);
                    if (n < small.length) {
                        small = Arrays.copyOf(small, n);
                    }
                } catch (IOException e) {
                    LocalReplies.fail(res, ctx, ProxyFailure.UPSTREAM_RESET);
                    return;
                }
            }
            ctx.mirror.primary(in.status(), in.headers());
            ctx.upstreamServiceTime = (System.nanoTime() - started) / 1_000_000;
            HeaderList out = responseHeaders(in.headers(), length >= 0, ctx.upstreamServiceTime);
            HeaderEdits.apply(out, f.responseHeaders());
            HeaderEdits.apply(out, target.responseHeaders());
            ctx.grpcStatus = out.first("grpc-status"); // a trailers-only gRPC answer's; trailers may bring it later
            // decided before the head goes out: a trailers-only gRPC answer's status moves from it to trailers
            TrailerRelay trailers = small == null ? TrailerRelay.of(ctx, in, out) : null;
            res.status(status(in.status()));
            for (int i = 0; i < out.size(); i++) {
                res.header(out.name(i), out.value(i));
            }
            if (ctx.setCookie != null) {
                // beside the upstream's own cookies, not instead of them
                res.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, ctx.setCookie));
            }
            CrossOrigin.allowOrigin(res, ctx);
            if (small != null) {
                ctx.bytesSent = small.length;
                res.send(small);
                return;
            }
            trailers.announce(res);
            try (InputStream body = in.body(); OutputStream sink = ctx.mirror.responseBody(res.outputStream())) {
                byte[] chunk = new byte[16 * 1024];
                // an answer of no declared length may be a stream (gRPC's, events): each piece leaves as it came
                boolean streamed = length < 0;
                for (int n; (n = body.read(chunk)) >= 0; ) {
                    sink.write(chunk, 0, n);
                    if (streamed) {
                        sink.flush();
                    }
                    ctx.bytesSent += n;
                }
                trailers.send(res, ctx);
            }
        } catch (IOException | RuntimeException e) {
            // headers are out: the client sees the body cut short, as with Envoy's upstream reset
            ctx.flag("UPE");
        }
    }

    /**
     * The upstream's response headers as the client gets them: hop-by-hop ones dropped, the length kept
     * when it is what frames the body (a chunked body's Content-Length is not, RFC 9112 §6.3).
     */
    private static HeaderList responseHeaders(HeaderList upstream, boolean lengthFramed, long serviceTimeMillis) {
        HeaderList out = upstream.copyWithout(
                lengthFramed ? Forwarder::hopByHopExceptLength : UpstreamTry::hopByHop);
        return out.set("x-envoy-upstream-service-time", Long.toString(serviceTimeMillis));
    }

    private static Status status(int code) {
        return code >= 100 && code < STATUSES.length ? STATUSES[code] : Status.create(code);
    }

    private static boolean hopByHopExceptLength(String name) {
        return UpstreamTry.hopByHop(name) && !name.equalsIgnoreCase("content-length");
    }

    /** A random (version 4) UUID from the request thread's generator: no lock, no entropy pool. */
    static String randomUuid(RandomGenerator random) {
        long msb = (random.nextLong() & ~0xf000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0xcL << 60)) | (0x8L << 60);
        return new UUID(msb, lsb).toString();
    }

    /**
     * The request's value of the cluster's consistent-hash source, or null. A cookie hash with a ttl
     * makes up the cookie a request lacks, hashes on it, and has the answer set it (as Envoy does), so
     * the client's next requests go where this one went.
     */
    static String hashKey(ClusterPolicy.LoadBalancer lb, RequestContext ctx, RandomGenerator random) {
        if (lb.hashSource() == null) {
            return null;
        }
        RequestView view = ctx.view;
        return switch (lb.hashSource()) {
            case HEADER -> view.header(lb.hashKey());
            case COOKIE -> {
                String value = view.cookie(lb.hashKey());
                if (value == null && lb.newCookie() != null) {
                    value = Long.toHexString(random.nextLong());
                    ctx.setCookie = lb.newCookie().header(value);
                }
                yield value;
            }
            case SOURCE_IP -> view.remoteHost();
            case QUERY_PARAMETER -> view.queryParameter(lb.hashKey());
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
