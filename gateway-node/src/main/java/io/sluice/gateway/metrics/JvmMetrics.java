package io.sluice.gateway.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/** The JVM's own numbers from its management beans, under the names Prometheus' Java client uses. */
final class JvmMetrics {

    private JvmMetrics() {
    }

    static void write(StringBuilder out) {
        var memory = ManagementFactory.getMemoryMXBean();
        PrometheusText.header(out, "jvm_memory_bytes_used", "gauge", "Used bytes of a memory area.");
        area(out, "jvm_memory_bytes_used", "heap", memory.getHeapMemoryUsage().getUsed());
        area(out, "jvm_memory_bytes_used", "nonheap", memory.getNonHeapMemoryUsage().getUsed());
        PrometheusText.header(out, "jvm_memory_bytes_committed", "gauge", "Committed bytes of a memory area.");
        area(out, "jvm_memory_bytes_committed", "heap", memory.getHeapMemoryUsage().getCommitted());
        area(out, "jvm_memory_bytes_committed", "nonheap", memory.getNonHeapMemoryUsage().getCommitted());
        MemoryUsage heap = memory.getHeapMemoryUsage();
        PrometheusText.header(out, "jvm_memory_bytes_max", "gauge", "Max bytes of a memory area.");
        area(out, "jvm_memory_bytes_max", "heap", heap.getMax());
        var threads = ManagementFactory.getThreadMXBean();
        PrometheusText.header(out, "jvm_threads_current", "gauge", "Live platform threads.");
        out.append("jvm_threads_current ").append(threads.getThreadCount()).append('\n');
        PrometheusText.header(out, "jvm_gc_collection_seconds", "summary", "Time spent in a collector.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            StringBuilder l = new StringBuilder();
            PrometheusText.label(l, "gc", gc.getName());
            out.append("jvm_gc_collection_seconds_count{").append(l).append("} ").append(gc.getCollectionCount())
                    .append('\n');
            out.append("jvm_gc_collection_seconds_sum{").append(l).append("} ")
                    .append(gc.getCollectionTime() / 1000.0).append('\n');
        }
        PrometheusText.header(out, "process_uptime_seconds", "gauge", "Seconds since the JVM started.");
        out.append("process_uptime_seconds ").append(ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0)
                .append('\n');
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            PrometheusText.header(out, "process_cpu_seconds_total", "counter", "CPU time the process used.");
            out.append("process_cpu_seconds_total ").append(os.getProcessCpuTime() / 1e9).append('\n');
        }
    }

    private static void area(StringBuilder out, String name, String area, long value) {
        out.append(name).append("{area=\"").append(area).append("\"} ").append(value).append('\n');
    }
}
