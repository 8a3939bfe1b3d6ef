package io.sluice.kafka;

import java.util.List;
import java.util.Map;

/**
 * The topics Sluice uses, their names and settings. The README's topic table is the contract for
 * every other consumer of these topics; keep the two in step.
 */
public record Topics(String config, String registry, String workloads, String mirror, String status) {

    public static Topics defaults() {
        return withPrefix("sluice.");
    }

    /** Test suites and several installations on one cluster use their own prefix. */
    public static Topics withPrefix(String prefix) {
        return new Topics(prefix + "config", prefix + "registry", prefix + "workloads", prefix + "mirror",
                prefix + "status");
    }

    public List<TopicSpec> all() {
        return List.of(
                // one partition: the record offset is the config revision (resourceVersion), totally ordered
                TopicSpec.compacted(config, 1),
                TopicSpec.compacted(registry, 1),
                TopicSpec.compacted(workloads, 1),
                TopicSpec.compacted(status, 1),
                // mirrored traffic is analysed, not kept: a day or 1 GiB per partition, whichever first
                new TopicSpec(mirror, 6, Map.of("cleanup.policy", "delete",
                        "retention.ms", Long.toString(24L * 3600 * 1000),
                        "retention.bytes", Long.toString(1L << 30))));
    }

    public record TopicSpec(String name, int partitions, Map<String, String> configs) {

        static TopicSpec compacted(String name, int partitions) {
            return new TopicSpec(name, partitions, Map.of("cleanup.policy", "compact",
                    // tombstones stay a day so a reader that was away sees deletes
                    "delete.retention.ms", Long.toString(24L * 3600 * 1000),
                    "min.compaction.lag.ms", "0",
                    "segment.ms", Long.toString(3600L * 1000)));
        }
    }
}
