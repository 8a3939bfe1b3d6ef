package io.sluice.gateway;

import io.sluice.gateway.mirror.MirrorSettings;
import io.sluice.routing.NodeIdentity;
import java.util.Set;
import io.sluice.service.Flags;
import io.sluice.service.Launcher;

/**
 * {@code gateway-node [--role ingress|egress|mesh] [--node-id ID] [--port-offset N] [--status-port 15021]
 * [--kafka host:port] [--kafka-config FILE] [--mirror-queue 10000] [--mirror-body-cap 65536]
 * [--mirror-redact authorization,cookie,proxy-authorization,set-cookie]
 * [--mirror-response-headers content-type,location,cache-control]}. Ingress serves Gateway port N on N+8000,
 * egress on N+9000.
 */
public final class GatewayNodeMain {

    private GatewayNodeMain() {
    }

    public static void main(String[] args) {
        Flags flags = Flags.parse(args);
        String role = flags.get("role", "ingress");
        String id = flags.get("node-id", role + "-" + ProcessHandle.current().pid());
        NodeIdentity node = switch (role) {
            case "ingress" -> NodeIdentity.ingress(id);
            case "egress" -> NodeIdentity.egress(id);
            case "mesh" -> NodeIdentity.meshProxy(id);
            default -> throw new IllegalArgumentException("--role: one of ingress, egress, mesh, not " + role);
        };
        int offset = flags.getInt("port-offset", role.equals("egress") ? 9000 : 8000);
        String host = flags.get("host", "127.0.0.1");
        MirrorSettings defaults = MirrorSettings.defaults();
        MirrorSettings mirror = defaults
                .withQueueCapacity(flags.getInt("mirror-queue", defaults.queueCapacity()))
                .withBodyCap(flags.getInt("mirror-body-cap", defaults.bodyCap()))
                .withRedactedHeaders(Set.copyOf(MirrorSettings.list(flags.get("mirror-redact",
                        String.join(",", defaults.redactedHeaders())))))
                .withKeptResponseHeaders(MirrorSettings.list(flags.get("mirror-response-headers",
                        String.join(",", defaults.keptResponseHeaders()))));
        Launcher.runUntilStopped(() -> {
            GatewayNode gateway = GatewayNode.start(flags.kafka(), node, host, p -> p + offset,
                    flags.getInt("status-port", 15021), mirror);
            System.out.println("gateway-node " + id + " (" + role + "): Gateway port N on " + host + ":N+" + offset
                    + ", status on http://" + host + ":" + gateway.statusPort() + "/healthz/ready");
            return gateway;
        });
    }
}
