package io.sluice.routing;

import java.util.Map;

/**
 * One endpoint to connect to: an address (IP or DNS name) and port, with the workload's labels.
 *
 * @param authority {@code address:port} ({@code [v6]:port}), made once with the table: requests use it
 *                  to look up the endpoint's load-balancing and ejection state
 */
public record Upstream(String address, int port, Map<String, String> labels, String authority) {

    public Upstream(String address, int port, Map<String, String> labels) {
        this(address, port, labels, address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port);
    }
}
