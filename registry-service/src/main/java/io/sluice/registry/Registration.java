package io.sluice.registry;

import io.sluice.model.registry.Workload;

/**
 * A record of the workloads topic: the workload as it registered, and when it last did so (epoch
 * millis), from which its TTL is counted.
 */
public record Registration(int schemaVersion, Workload workload, long heartbeatMillis) {
}
