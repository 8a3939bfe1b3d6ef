package io.sluice.gateway.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram of whole-number observations, lock-free: one LongAdder per bucket. */
final class Histogram {

    private final double[] bounds;
    private final LongAdder[] buckets;
    private final LongAdder sum = new LongAdder();

    Histogram(double[] bounds) {
        this.bounds = bounds;
        this.buckets = new LongAdder[bounds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void observe(long value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        buckets[i].increment();
        sum.add(value);
    }

    /** Appends the {@code _bucket}, {@code _sum} and {@code _count} lines, buckets cumulative as Prometheus wants. */
    void write(StringBuilder out, String name, String labels) {
        long cumulative = 0;
        for (int i = 0; i <= bounds.length; i++) {
            cumulative += buckets[i].sum();
            out.append(name).append("_bucket{").append(labels).append(",le=\"")
                    .append(i < bounds.length ? PrometheusText.number(bounds[i]) : "+Inf").append("\"} ")
                    .append(cumulative).append('\n');
        }
        out.append(name).append("_sum{").append(labels).append("} ").append(sum.sum()).append('\n');
        out.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
    }
}
