package io.sluice.gateway.metrics;

import io.helidon.webserver.http.HttpRouting;
import io.sluice.gateway.resilience.UpstreamState;
import io.sluice.kafka.CompactedTopicStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Prometheus text on the status port at {@code /stats/prometheus} (Istio's path) and {@code /metrics}:
 * Istio's request metrics, Envoy-named cluster counters, the route table's health, JVM and Kafka
 * consumer metrics. Everything is read when scraped; nothing is computed per request beyond counters.
 */
public final class MetricsEndpoint {

    private final IstioMetrics istio;
    private final UpstreamState upstreams;
    private final Map<String, java.util.function.LongSupplier> gauges;
    private final List<? extends CompactedTopicStore<?>> stores;

    /**
     * @param gauges further node-level numbers by metric name (compiles, failures, revision, dropped log lines)
     * @param stores whose consumers' metrics are shown
     */
    public MetricsEndpoint(IstioMetrics istio, UpstreamState upstreams,
                           Map<String, java.util.function.LongSupplier> gauges,
                           List<? extends CompactedTopicStore<?>> stores) {
        this.istio = istio;
        this.upstreams = upstreams;
        this.gauges = new TreeMap<>(gauges);
        this.stores = List.copyOf(stores);
    }

    public void routing(HttpRouting.Builder r) {
        r.get("/stats/prometheus", (req, res) -> res.header("Content-Type", PrometheusText.CONTENT_TYPE)
                        .send(scrape()))
                .get("/metrics", (req, res) -> res.header("Content-Type", PrometheusText.CONTENT_TYPE)
                        .send(scrape()));
    }

    public String scrape() {
        StringBuilder out = new StringBuilder(16 * 1024);
        istio.write(out);
        clusters(out);
        gauges.forEach((name, value) -> {
            PrometheusText.header(out, name, name.endsWith("_total") ? "counter" : "gauge", "Sluice node " + name + ".");
            out.append(name).append(' ').append(value.getAsLong()).append('\n');
        });
        JvmMetrics.write(out);
        KafkaConsumerMetrics.write(out, stores);
        return out.toString();
    }

    private void clusters(StringBuilder out) {
        Map<String, long[]> rows = new TreeMap<>();
        long now = System.nanoTime();
        upstreams.forEach((name, s) -> rows.put(name, new long[] {s.retries.sum(), s.overflows.sum(),
                s.ejections.sum(), s.ejectedCount(now)}));
        String[][] metrics = {
                {"envoy_cluster_upstream_rq_retry", "counter", "Retries sent to the cluster."},
                {"envoy_cluster_upstream_rq_pending_overflow", "counter", "Requests refused by the pool (UO)."},
                {"envoy_cluster_outlier_detection_ejections_enforced_total", "counter", "Endpoints ejected."},
                {"envoy_cluster_outlier_detection_ejections_active", "gauge", "Endpoints ejected now."}};
        for (int i = 0; i < metrics.length; i++) {
            int column = i;
            PrometheusText.header(out, metrics[i][0], metrics[i][1], metrics[i][2]);
            BiConsumer<String, long[]> line = (name, v) -> {
                StringBuilder l = new StringBuilder();
                PrometheusText.label(l, "cluster_name", name);
                out.append(metrics[column][0]).append('{').append(l).append("} ").append(v[column]).append('\n');
            };
            rows.forEach(line);
        }
    }
}
