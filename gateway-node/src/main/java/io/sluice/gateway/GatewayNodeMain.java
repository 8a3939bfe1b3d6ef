package io.sluice.gateway;

import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.NodeIdentity;
import io.sluice.service.Flags;
import io.sluice.service.Launcher;
import java.nio.file.Path;

/**
 * {@code gateway-node [--role ingress|egress|mesh] [--node-id ID] [--port-offset N] [--status-port 15021]
 * [--kafka host:port] [--kafka-config FILE] [--resolve-file FILE]}. Ingress serves Gateway port N on N+8000, egress on N+9000.
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
        String resolveFile = flags.get(ResolveOverrides.FLAG, null);
        ResolveOverrides resolve = ResolveOverrides.load(resolveFile == null ? null : Path.of(resolveFile));
        Launcher.runUntilStopped(() -> {
            GatewayNode gateway = GatewayNode.start(flags.kafka(), node, host, p -> p + offset,
                    flags.getInt("status-port", 15021), resolve);
            System.out.println("gateway-node " + id + " (" + role + "): Gateway port N on " + host + ":N+" + offset
                    + ", status on http://" + host + ":" + gateway.statusPort() + "/healthz/ready");
            return gateway;
        });
    }
}
