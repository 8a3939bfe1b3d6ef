package io.sluice.gateway.proxy;

import io.sluice.gateway.mirror.MirrorCapture;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.gateway.resilience.ClusterState;
import io.sluice.gateway.resilience.EndpointState;
import io.sluice.gateway.resilience.LoadBalancer;
import io.sluice.gateway.resilience.PoolGate;
import io.sluice.gateway.resilience.Retries;
import io.sluice.gateway.resilience.Retries.LocalFailure;
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
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
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
    private static final HeaderName UPSTREAM_TIME = HeaderNames.create("x-envoy-upstream-service-time");
    private static final HeaderName GRPC_STATUS = HeaderNames.create("grpc-status");

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
        ctx.requestId = ctx.view.request().headers().first(REQUEST_ID).orElseGet(() -> UUID.randomUUID().toString());
        String query = ctx.view.query() == null || ctx.view.query().isEmpty() ? "" : "?" + ctx.view.query();
        // the copy is taken as the primary streams: the body as it is read, the answer as it is relayed
        String authority = f.rewrite() != null && f.rewrite().authority() != null
                ? f.rewrite().authority() : RequestView.authority(ctx.view.request());
        ctx.mirror = f.mirrors().isEmpty() ? MirrorCapture.NONE
                : proxy.tap().begin(ctx.route, f.mirrors(), ctx.view.method(), ctx.view.path() + query,
                UpstreamTry.forwardedHeaders(ctx, authority, scheme), cluster);
        try {
            try {
                ctx.body = RequestBody.read(ctx.view.request(), RequestBody.REPLAY_LIMIT, ctx.mirror::requestBody);
            } catch (IOException | UncheckedIOException e) {
                return; // the client went away while sending its body; nobody is left to answer
            }
            tries(ctx, res, policy, f, target, random);
        } finally {
            ctx.mirror.finish();
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
            LocalReplies.abort(res, ctx, fault.abortStatus());
            return true;
        }
        return false;
    }

    private void tries(RequestContext ctx, ServerResponse res, RoutePolicy policy, RouteAction.Forward f,
                       RouteAction.WeightedCluster target, RandomGenerator random) {
        Cluster cluster = target.cluster();
        ClusterPolicy cp = cluster.policy();
        ClusterState state = proxy.upstreams().cluster(cluster);
        PoolGate gate = state.gate(cp.pool());
        WebClient client = proxy.clients().forConnectTimeout(cp.pool().connectTimeout());
        String hashKey = hashKey(cp.loadBalancer(), ctx.view);
        RoutePolicy.Retries retries = policy.retries();
        // a body that was streamed cannot be sent twice: such a request gets one try
        int maxRetries = ctx.body.replayable() ? retries.attempts() : 0;
        long start = System.nanoTime();
        long deadline = policy.timeout() == null ? Long.MAX_VALUE : start + policy.timeout().toNanos();
        Set<Upstream> tried = new HashSet<>(4);
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
            EndpointState endpoint = state.endpoint(upstream.authority());
            long sent = System.nanoTime();
            if (remaining != null) {
                // time spent waiting in the pool's pending queue counts against the route's budget
                remaining = Duration.ofNanos(Math.max(1_000_000, deadline - sent));
            }
            Duration tryBudget = min(remaining, retries.perTryTimeout());
            boolean perTryBound = retries.perTryTimeout() != null
                    && (remaining == null || retries.perTryTimeout().compareTo(remaining) < 0);
            boolean more = attempt < maxRetries;
            Verdict verdict;
            endpoint.begin();
            try {
                proxy.connector().counters().count(cluster.name());
                UpstreamTry.Outcome outcome = UpstreamTry.send(client, ctx, scheme, f, target,
                        proxy.connector(), upstream, tryBudget,
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
            long backoff = Retries.backoffMillis(attempt + 1, random.nextDouble());
            if (deadline != Long.MAX_VALUE) {
                backoff = Math.min(backoff, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            }
            sleep(backoff);
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
            HttpClientResponse in = outcome.response();
            int status = in.status().code();
            state.record(endpoint, status, outlier, hosts, System.nanoTime());
            boolean retriable = Retries.retriable(retries, status, in.headers().first(GRPC_STATUS).orElse(null));
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
        state.record(endpoint, failure == LocalFailure.PER_TRY_TIMEOUT ? 504 : 503, outlier, hosts,
                System.nanoTime());
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

    /** Streams the upstream's response to the client, with the route's response header edits. */
    private static void relay(RequestContext ctx, ServerResponse res, HttpClientResponse in, RouteAction.Forward f,
                              RouteAction.WeightedCluster target, long started) {
        try (in) {
            ctx.mirror.primary(in.status().code(), in.headers());
            res.status(in.status());
            for (Header h : in.headers()) {
                String name = h.name().toLowerCase(Locale.ROOT);
                if (!UpstreamTry.HOP_BY_HOP.contains(name) || name.equals("content-length")) {
                    res.header(h);
                }
            }
            ctx.upstreamServiceTime = (System.nanoTime() - started) / 1_000_000;
            res.header(UPSTREAM_TIME, Long.toString(ctx.upstreamServiceTime));
            HeaderEdits.apply(res.headers(), f.responseHeaders());
            HeaderEdits.apply(res.headers(), target.responseHeaders());
            try (InputStream body = in.inputStream(); OutputStream sink = ctx.mirror.responseBody(res.outputStream())) {
                byte[] chunk = new byte[16 * 1024];
                for (int n; (n = body.read(chunk)) >= 0; ) {
                    sink.write(chunk, 0, n);
                    ctx.bytesSent += n;
                }
            }
        } catch (IOException | RuntimeException e) {
            // headers are out: the client sees the body cut short, as with Envoy's upstream reset
            ctx.flag("UPE");
        }
    }

    /** The request's value of the cluster's consistent-hash source, or null. */
    static String hashKey(ClusterPolicy.LoadBalancer lb, RequestView view) {
        if (lb.hashSource() == null) {
            return null;
        }
        return switch (lb.hashSource()) {
            case HEADER -> view.header(lb.hashKey());
            case COOKIE -> view.cookie(lb.hashKey());
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
