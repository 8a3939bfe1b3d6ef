package io.sluice.routing;

import java.util.List;
import java.util.Map;

/** What a matched rule does: forward to weighted clusters, redirect, or answer directly. */
public sealed interface RouteAction {

    /**
     * @param targets     clusters with their weights, in declared order
     * @param totalWeight the sum of the weights, at least 1
     */
    record Forward(List<WeightedCluster> targets, int totalWeight, HeaderRules requestHeaders,
                   HeaderRules responseHeaders, Rewrite rewrite, List<MirrorTarget> mirrors) implements RouteAction {

        public Forward {
            targets = List.copyOf(targets);
            mirrors = List.copyOf(mirrors);
        }

        /**
         * The target for a number drawn uniformly from [0, totalWeight): weight/sum of the draws land
         * on each target. Taking the number as an argument keeps the choice testable.
         */
        public WeightedCluster pick(int draw) {
            int acc = 0;
            for (WeightedCluster t : targets) {
                acc += t.weight();
                if (draw < acc) {
                    return t;
                }
            }
            return targets.getLast();
        }
    }

    record WeightedCluster(Cluster cluster, int weight, HeaderRules requestHeaders, HeaderRules responseHeaders) {
    }

    /** A copy of the request for a shadow cluster, for {@code percent} of the requests. */
    record MirrorTarget(Cluster cluster, double percent) {
    }

    record Rewrite(String uriPrefix, String matchedPrefix, String authority) {
    }

    record Redirect(String uri, String authority, Integer port, String scheme, int status) implements RouteAction {
    }

    record DirectResponse(int status, String body) implements RouteAction {
    }

    /** Header edits: set replaces, add appends, remove deletes. Names lower-case. */
    record HeaderRules(Map<String, String> set, Map<String, String> add, List<String> remove) {

        public static final HeaderRules NONE = new HeaderRules(Map.of(), Map.of(), List.of());

        public HeaderRules {
            set = Map.copyOf(set);
            add = Map.copyOf(add);
            remove = List.copyOf(remove);
        }

        public boolean isEmpty() {
            return set.isEmpty() && add.isEmpty() && remove.isEmpty();
        }
    }
}
