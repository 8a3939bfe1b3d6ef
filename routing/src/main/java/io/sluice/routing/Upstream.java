package io.sluice.routing;

import java.util.Map;

/**
 * One endpoint to connect to: an address (IP or DNS name) and port, with the workload's labels.
 *
 * @param authority {@code address:port} ({@code [v6]:port}), made once with the table: requests use it
 *                  to look up the endpoint's load-balancing and ejection state
 * @param priority  0 unless locality failover applies: how far the endpoint is from the node (see
 *                  {@link LocalityLoadBalancing}); a cluster's endpoints are then in ascending priority
 * @param weight    its share of traffic against the cluster's other endpoints, at least 1
 */
public record Upstream(String address, int port, Map<String, String> labels, String authority, int priority,
                       int weight) {

    public Upstream(String address, int port, Map<String, String> labels) {
        this(address, port, labels, 1);
    }

    public Upstream(String address, int port, Map<String, String> labels, int weight) {
        this(address, port, labels, address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port, 0,
                weight);
    }

    Upstream withPriority(int p) {
        return new Upstream(address, port, labels, authority, p, weight);
    }

    Upstream withWeight(int w) {
        return new Upstream(address, port, labels, authority, priority, w);
    }
}
