package io.sluice.gateway.resilience;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sluice.routing.Cluster;
import io.sluice.routing.Listener;
import io.sluice.routing.Route;
import io.sluice.routing.RouteTable;
import io.sluice.routing.Upstream;
import io.sluice.routing.VirtualHost;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class UpstreamStateTest {

    /** A new table keeps the state of what it still routes to, and in time drops the rest. */
    @Test
    void stateOfClustersAndEndpointsTheNewTableNoLongerHasIsDropped() {
        UpstreamState state = new UpstreamState();
        Cluster kept = cluster("a.example.com", "10.0.0.1", "10.0.0.2");
        Cluster gone = cluster("b.example.com", "10.0.0.3");
        ClusterState keptState = state.cluster(kept.name());
        EndpointState stays = keptState.endpoint("10.0.0.1:80");
        EndpointState leaves = keptState.endpoint("10.0.0.2:80");
        state.cluster(gone.name());

        state.retain(table(cluster("a.example.com", "10.0.0.1")));

        await().until(() -> clusterNames(state).equals(Set.of(kept.name())));
        await().untilAsserted(() -> assertNotSame(leaves, keptState.endpoint("10.0.0.2:80")));
        assertSame(keptState, state.cluster(kept.name()));
        assertSame(stays, keptState.endpoint("10.0.0.1:80"));
    }

    private static Set<String> clusterNames(UpstreamState state) {
        Set<String> names = new HashSet<>();
        state.forEach((name, s) -> names.add(name));
        return names;
    }

    private static Cluster cluster(String host, String... addresses) {
        return new Cluster(host, 80, "", "unknown",
                Stream.of(addresses).map(a -> new Upstream(a, 80, Map.of())).toList(), false);
    }

    private static RouteTable table(Cluster cluster) {
        return new RouteTable(1, 1, Map.of(80, Listener.of(80, "HTTP",
                Map.of(cluster.host(), new VirtualHost(cluster.host(), List.of(Route.forwardTo("test", cluster)))))));
    }
}
