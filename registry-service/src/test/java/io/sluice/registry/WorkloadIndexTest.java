package io.sluice.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.registry.EndpointsBuilder.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The index must find exactly what one pass over every workload finds, in the same order. */
class WorkloadIndexTest {

    private final Random random = new Random(7);

    @Test
    void findsWhatAPassOverEveryWorkloadFinds() {
        for (int round = 0; round < 200; round++) {
            List<Instance> instances = new ArrayList<>();
            for (int n = 0, count = random.nextInt(30); n < count; n++) {
                instances.add(new Instance("w" + n, random.nextInt(4) == 0 ? null : "svc" + random.nextInt(3),
                        "ns" + random.nextInt(2), "10.0.0." + n, Map.of(), Map.of(), labels(), 1));
            }
            WorkloadIndex index = new WorkloadIndex(instances);
            for (int q = 0; q < 20; q++) {
                String ns = "ns" + random.nextInt(2);
                String service = "svc" + random.nextInt(3);
                Map<String, String> selector = labels();
                assertEquals(scan(instances, ns, service, selector, false), index.ofService(ns, service, selector),
                        "Service " + ns + "/" + service + " selecting " + selector);
                assertEquals(scan(instances, ns, null, selector, true), index.selectedBy(ns, selector),
                        "workloads of " + ns + " with " + selector);
            }
        }
    }

    /** Up to three of app, version and tier, with few values each, so that selectors often match. */
    private Map<String, String> labels() {
        Map<String, String> labels = new HashMap<>();
        for (String key : List.of("app", "version", "tier")) {
            if (random.nextInt(3) > 0) {
                labels.put(key, key.charAt(0) + Integer.toString(random.nextInt(2)));
            }
        }
        return labels;
    }

    /** The join as one pass: named by the service, or selected (an empty selector selecting all only if asked). */
    private static List<Instance> scan(List<Instance> all, String ns, String service, Map<String, String> selector,
                                       boolean emptySelectsAll) {
        List<Instance> out = new ArrayList<>();
        for (Instance i : all) {
            boolean named = service != null && service.equals(i.service()) && ns.equals(i.namespace());
            boolean selected = (emptySelectsAll || !selector.isEmpty()) && ns.equals(i.namespace())
                    && i.labels().entrySet().containsAll(selector.entrySet());
            if (named || selected) {
                out.add(i);
            }
        }
        return out;
    }
}
