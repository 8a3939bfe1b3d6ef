package io.sluice.gateway.proxy;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests and connections a node sent, by Istio cluster name ({@code outbound|80||httpbin.org},
 * {@code PassthroughCluster}, {@code BlackHoleCluster}): shows which traffic went through this node,
 * on {@code /debug/traffic}.
 */
public final class TrafficCounters {

    private final Map<String, LongAdder> byCluster = new ConcurrentHashMap<>();

    public void count(String cluster) {
        byCluster.computeIfAbsent(cluster, c -> new LongAdder()).increment();
    }

    public long get(String cluster) {
        LongAdder a = byCluster.get(cluster);
        return a == null ? 0 : a.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        byCluster.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
