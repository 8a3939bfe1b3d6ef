package io.sluice.gateway.metrics;

import io.sluice.gateway.passthrough.TcpObserver;
import io.sluice.gateway.proxy.Exchange;
import io.sluice.gateway.proxy.ExchangeObserver;
import io.sluice.routing.Cluster;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * Istio's standard metrics as a gateway reports them: for HTTP {@code istio_requests_total},
 * {@code istio_request_duration_milliseconds}, {@code istio_request_bytes} and
 * {@code istio_response_bytes}; for relayed TCP streams {@code istio_tcp_connections_opened_total},
 * {@code istio_tcp_connections_closed_total}, {@code istio_tcp_received_bytes_total} and
 * {@code istio_tcp_sent_bytes_total}; one series per label tuple. Counting is lock-free (LongAdders in
 * a concurrent map keyed by the tuple); labels fixed for the node are added when scraped.
 */
public final class IstioMetrics implements ExchangeObserver, TcpObserver {

    /** Istio's default buckets for request duration, in milliseconds. */
    static final double[] DURATION_BUCKETS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
            30000, 60000, 300000, 600000, 1800000, 3600000};
    /** Istio's default buckets for sizes: powers of ten from 1 byte to 1 GB. */
    static final double[] SIZE_BUCKETS = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
            1000000000};

    /** The labels that vary per request; the {@code destination_*} ones come from the cluster. */
    /** @param grpcStatus a gRPC call's status, "" for other requests (Istio's label is always there) */
    private record Key(String service, String version, int code, String grpcStatus, String flags, String protocol) {
    }

    private static final class Series {
        final LongAdder requests = new LongAdder();
        final Histogram duration = new Histogram(DURATION_BUCKETS);
        final Histogram requestBytes = new Histogram(SIZE_BUCKETS);
        final Histogram responseBytes = new Histogram(SIZE_BUCKETS);
    }

    private record TcpKey(String service, String version, String flags) {
    }

    /** Bytes count as they pass, so a long-lived stream shows its traffic before it closes. */
    private static final class TcpSeries implements Stream {
        final LongAdder opened = new LongAdder();
        final LongAdder closed = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder sent = new LongAdder();

        @Override
        public void received(int bytes) {
            received.add(bytes);
        }

        @Override
        public void sent(int bytes) {
            sent.add(bytes);
        }

        @Override
        public void closed() {
            closed.increment();
        }
    }

    private final String reporter;
    private final String sourceWorkload;
    private final ConcurrentHashMap<Key, Series> series = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TcpKey, TcpSeries> tcp = new ConcurrentHashMap<>();

    /**
     * @param sourceWorkload the gateway's workload name, e.g. {@code istio-ingressgateway}
     */
    public IstioMetrics(String sourceWorkload) {
        // a gateway reports as the source of the requests it forwards, as Istio's gateways do
        this.reporter = "source";
        this.sourceWorkload = sourceWorkload;
    }

    @Override
    public void completed(Exchange e) {
        Cluster c = e.cluster();
        boolean grpc = e.grpcStatus() != null;
        Key key = new Key(c == null ? "unknown" : c.host(), c == null ? "unknown" : c.version(), e.responseCode(),
                grpc ? e.grpcStatus() : "", e.responseFlags(), grpc ? "grpc" : "http");
        Series s = series.get(key);
        if (s == null) {
            s = series.computeIfAbsent(key, k -> new Series());
        }
        s.requests.increment();
        s.duration.observe(e.durationMillis());
        s.requestBytes.observe(e.bytesReceived());
        s.responseBytes.observe(e.bytesSent());
    }

    @Override
    public Stream opened(String service, String version, String flags) {
        TcpSeries s = tcp.computeIfAbsent(new TcpKey(service, version, flags), k -> new TcpSeries());
        s.opened.increment();
        return s;
    }

    public void write(StringBuilder out) {
        Map<String, Series> sorted = new TreeMap<>();
        series.forEach((k, s) -> sorted.put(labels(k), s));
        PrometheusText.header(out, "istio_requests_total", "counter", "Requests the gateway answered.");
        sorted.forEach((labels, s) -> out.append("istio_requests_total{").append(labels).append("} ")
                .append(s.requests.sum()).append('\n'));
        PrometheusText.header(out, "istio_request_duration_milliseconds", "histogram",
                "Time from the first request byte to the last response byte.");
        sorted.forEach((labels, s) -> s.duration.write(out, "istio_request_duration_milliseconds", labels));
        PrometheusText.header(out, "istio_request_bytes", "histogram", "Request body sizes.");
        sorted.forEach((labels, s) -> s.requestBytes.write(out, "istio_request_bytes", labels));
        PrometheusText.header(out, "istio_response_bytes", "histogram", "Response body sizes.");
        sorted.forEach((labels, s) -> s.responseBytes.write(out, "istio_response_bytes", labels));
        writeTcp(out);
    }

    private void writeTcp(StringBuilder out) {
        Map<String, TcpSeries> sorted = new TreeMap<>();
        tcp.forEach((k, s) -> sorted.put(labels(k), s));
        tcpCounter(out, sorted, "istio_tcp_connections_opened_total", "TCP streams the gateway accepted.",
                s -> s.opened.sum());
        tcpCounter(out, sorted, "istio_tcp_connections_closed_total", "TCP streams that ended.",
                s -> s.closed.sum());
        tcpCounter(out, sorted, "istio_tcp_received_bytes_total", "Bytes from clients, relayed upstream.",
                s -> s.received.sum());
        tcpCounter(out, sorted, "istio_tcp_sent_bytes_total", "Bytes from upstreams, relayed to clients.",
                s -> s.sent.sum());
    }

    private static void tcpCounter(StringBuilder out, Map<String, TcpSeries> sorted, String name, String help,
                                   ToLongFunction<TcpSeries> value) {
        PrometheusText.header(out, name, "counter", help);
        sorted.forEach((labels, s) -> out.append(name).append('{').append(labels).append("} ")
                .append(value.applyAsLong(s)).append('\n'));
    }

    private String labels(TcpKey k) {
        StringBuilder sb = new StringBuilder();
        destination(sb, k.service(), k.version());
        PrometheusText.label(sb, "response_flags", k.flags());
        PrometheusText.label(sb, "request_protocol", "tcp");
        return sb.toString();
    }

    private String labels(Key k) {
        StringBuilder sb = new StringBuilder();
        destination(sb, k.service(), k.version());
        PrometheusText.label(sb, "response_code", Integer.toString(k.code()));
        PrometheusText.label(sb, "grpc_response_status", k.grpcStatus());
        PrometheusText.label(sb, "response_flags", k.flags());
        PrometheusText.label(sb, "request_protocol", k.protocol());
        return sb.toString();
    }

    /** The labels every series starts with: who reports, and the destination. */
    private void destination(StringBuilder sb, String service, String version) {
        PrometheusText.label(sb, "reporter", reporter);
        PrometheusText.label(sb, "source_workload", sourceWorkload);
        PrometheusText.label(sb, "destination_service", service);
        PrometheusText.label(sb, "destination_service_name", serviceName(service));
        PrometheusText.label(sb, "destination_service_namespace", serviceNamespace(service));
        PrometheusText.label(sb, "destination_version", version);
    }

    /** {@code name.ns.svc.cluster.local} → name; any other host is its own name, as for ServiceEntries. */
    static String serviceName(String host) {
        int dot = host.indexOf('.');
        return host.endsWith(".svc.cluster.local") && dot > 0 ? host.substring(0, dot) : host;
    }

    static String serviceNamespace(String host) {
        if (!host.endsWith(".svc.cluster.local")) {
            return "unknown";
        }
        String[] parts = host.split("\\.");
        return parts.length >= 2 ? parts[1] : "unknown";
    }
}
