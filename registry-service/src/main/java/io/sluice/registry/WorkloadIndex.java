package io.sluice.registry;

import io.sluice.registry.EndpointsBuilder.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The workloads of one registry computation, found by the service they name or by a label selector
 * without a pass over all of them: joined one pass per Service, 10 000 Services and their 20 000
 * workloads took 8 s (BENCHMARKS.md, registry), after every registration.
 */
final class WorkloadIndex {

    private final List<Instance> all;
    /** Positions in {@link #all}, ascending in every list. */
    private final Map<String, List<Integer>> byNamespace = new HashMap<>();
    private final Map<NamedService, List<Integer>> byService = new HashMap<>();
    private final Map<Label, List<Integer>> byLabel = new HashMap<>();

    private record NamedService(String namespace, String name) {
    }

    private record Label(String namespace, String key, String value) {
    }

    WorkloadIndex(List<Instance> instances) {
        this.all = instances;
        for (int n = 0; n < instances.size(); n++) {
            Instance i = instances.get(n);
            byNamespace.computeIfAbsent(i.namespace(), k -> new ArrayList<>()).add(n);
            if (i.service() != null) {
                byService.computeIfAbsent(new NamedService(i.namespace(), i.service()), k -> new ArrayList<>()).add(n);
            }
            for (Map.Entry<String, String> l : i.labels().entrySet()) {
                byLabel.computeIfAbsent(new Label(i.namespace(), l.getKey(), l.getValue()), k -> new ArrayList<>())
                        .add(n);
            }
        }
    }

    /**
     * A Service's workloads, in order: those registered under its name in its namespace, and those its
     * selector selects there (none for an empty selector, as in Kubernetes).
     */
    List<Instance> ofService(String namespace, String name, Map<String, String> selector) {
        return collect(byService.getOrDefault(new NamedService(namespace, name), List.of()),
                selector.isEmpty() ? List.of() : selected(namespace, selector));
    }

    /** The workloads of {@code namespace} whose labels include {@code selector} (all for an empty one), in order. */
    List<Instance> selectedBy(String namespace, Map<String, String> selector) {
        return collect(selected(namespace, selector), List.of());
    }

    private List<Integer> selected(String namespace, Map<String, String> selector) {
        // the fewest candidates any one label of the selector leaves; the rest is checked on those
        List<Integer> candidates = byNamespace.getOrDefault(namespace, List.of());
        for (Map.Entry<String, String> e : selector.entrySet()) {
            List<Integer> withLabel = byLabel.getOrDefault(new Label(namespace, e.getKey(), e.getValue()), List.of());
            if (withLabel.size() < candidates.size()) {
                candidates = withLabel;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int n : candidates) {
            if (all.get(n).labels().entrySet().containsAll(selector.entrySet())) {
                out.add(n);
            }
        }
        return out;
    }

    /** The workloads at the positions of either ascending list, each once, in order. */
    private List<Instance> collect(List<Integer> a, List<Integer> b) {
        List<Instance> out = new ArrayList<>(a.size() + b.size());
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            int next = j == b.size() || (i < a.size() && a.get(i) <= b.get(j)) ? a.get(i) : b.get(j);
            out.add(all.get(next));
            while (i < a.size() && a.get(i) == next) {
                i++;
            }
            while (j < b.size() && b.get(j) == next) {
                j++;
            }
        }
        return out;
    }
}
