package io.sluice.registry;

import io.sluice.model.PersistentMap;
import io.sluice.model.registry.Workload;

/**
 * A record of the workloads topic: the workload as it registered, and when it last did so (epoch
 * millis), from which its TTL is counted.
 */
public record Registration(int schemaVersion, Workload workload, long heartbeatMillis) {

    /**
     * Whether two views of the workloads topic hold the same workloads, heartbeat times aside: what
     * endpoints are built from. A registration is rewritten every half TTL with only its time changed;
     * with thousands of workloads those refreshes arrive many a second, and none changes an endpoint.
     */
    static boolean sameWorkloads(PersistentMap<Registration> before, PersistentMap<Registration> after) {
        for (String id : PersistentMap.changedKeys(before, after)) {
            Registration a = before.get(id);
            Registration b = after.get(id);
            if (a == null || b == null || !a.workload().equals(b.workload())) {
                return false;
            }
        }
        return true;
    }
}
