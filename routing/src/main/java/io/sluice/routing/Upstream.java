package io.sluice.routing;

import java.util.Map;

/** One endpoint to connect to: an address (IP or DNS name) and port, with the workload's labels. */
public record Upstream(String address, int port, Map<String, String> labels) {

    public String authority() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
