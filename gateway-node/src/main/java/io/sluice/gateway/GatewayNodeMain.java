package io.sluice.gateway;

import io.sluice.model.net.ResolveOverrides;
import io.sluice.gateway.accesslog.AccessLog;
import io.sluice.gateway.accesslog.AccessLogFormat;
import io.sluice.gateway.mirror.MirrorSettings;
import io.sluice.routing.NodeIdentity;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import io.sluice.service.Flags;
import io.sluice.service.Launcher;
import java.nio.file.Path;

/**
 * {@code gateway-node [--role ingress|egress|mesh] [--node-id ID] [--port-offset N] [--mesh-port 15001]
 * [--status-port 15021] [--kafka host:port] [--kafka-config FILE] [--resolve-file FILE]
 * [--secret-namespace istio-system] [--secret-key-file FILE]
 * [--labels k=v,...] [--namespace NS]
 * [--access-log stdout|off|FILE] [--access-log-format text|json] [--enforce-outbound-policy]
 * [--mirror-queue 10000] [--mirror-body-cap 65536]
 * [--mirror-redact authorization,cookie,proxy-authorization,set-cookie]
 * [--mirror-response-headers content-type,location,cache-control]}.
 * Ingress serves Gateway port N on N+8000, egress on N+9000; the mesh proxy listens on 15001.
 * {@code --labels} adds to the node's labels and {@code --namespace} sets its namespace (istio-system for
 * gateways, default for the mesh proxy): a mesh proxy takes its workload's, which match blocks'
 * {@code sourceLabels} and {@code sourceNamespace} are compared with.
 * {@code --resolve-file} (or {@code SLUICE_RESOLVE_FILE}) names a file of {@code NAME ADDRESS} /
 * {@code NAME:PORT ADDRESS:PORT} lines overriding DNS for upstreams, e.g. a local stand-in for httpbin.org.
 * Access logs go to stdout in Istio's text format by default, as with Istio's demo profile.
 * {@code --enforce-outbound-policy} (off by default, as in Istio) makes a gateway follow the mesh's
 * outbound traffic policy for route destinations the registry does not know: ALLOW_ANY reaches them by
 * name, REGISTRY_ONLY leaves them unreachable (503).
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
        if ("true".equals(flags.get("enforce-outbound-policy", "false"))) {
            node = node.withLabel(NodeIdentity.ENFORCE_OUTBOUND_POLICY, "true");
        }
        for (Map.Entry<String, String> label : flags.getMap("labels").entrySet()) {
            node = node.withLabel(label.getKey(), label.getValue());
        }
        node = node.inNamespace(flags.get("namespace", node.namespace()));
        NodeIdentity identity = node;
        int offset = flags.getInt("port-offset", role.equals("egress") ? 9000 : 8000);
        int meshPort = flags.getInt("mesh-port", GatewayNode.MESH_PORT);
        String host = flags.get("host", "127.0.0.1");
        String resolveFile = flags.get(ResolveOverrides.FLAG, null);
        ResolveOverrides resolve = resolveFile == null ? ResolveOverrides.fromEnvironment()
                : ResolveOverrides.load(Path.of(resolveFile));
        AccessLogFormat format = AccessLogFormat.parse(flags.get("access-log-format", "text"));
        String accessLog = flags.get("access-log", "stdout");
        MirrorSettings defaults = MirrorSettings.defaults();
        MirrorSettings mirror = defaults
                .withQueueCapacity(flags.getInt("mirror-queue", defaults.queueCapacity()))
                .withBodyCap(flags.getInt("mirror-body-cap", defaults.bodyCap()))
                .withRedactedHeaders(Set.copyOf(MirrorSettings.list(flags.get("mirror-redact",
                        String.join(",", defaults.redactedHeaders())))))
                .withKeptResponseHeaders(MirrorSettings.list(flags.get("mirror-response-headers",
                        String.join(",", defaults.keptResponseHeaders()))));
        Launcher.runUntilStopped(() -> {
            GatewayNode gateway = GatewayNode.start(flags.kafka(), identity, GatewayOptions.local()
                    .withHost(host)
                    .withPorts(identity.mesh() ? p -> meshPort : p -> p + offset, flags.getInt("status-port", 15021))
                    .withResolve(resolve)
                    .withSecretNamespace(flags.get("secret-namespace", GatewayOptions.DEFAULT_SECRET_NAMESPACE))
                    .withAccessLog(accessLog(accessLog, format))
                    .withMirror(mirror));
            String serving = identity.mesh() ? "mesh proxy on " + host + ":" + gateway.meshPort()
                    + " (HTTP_PROXY/HTTPS_PROXY)" : "Gateway port N on " + host + ":N+" + offset;
            System.out.println("gateway-node " + id + " (" + role + "): " + serving
                    + ", status on http://" + host + ":" + gateway.statusPort() + "/healthz/ready");
            return gateway;
        });
    }

    private static AccessLog accessLog(String where, AccessLogFormat format) {
        return switch (where) {
            case "off" -> null;
            case "stdout", "/dev/stdout" -> AccessLog.stdout(format);
            default -> {
                try {
                    yield new AccessLog(format, new FileOutputStream(where, true));
                } catch (IOException e) {
                    throw new UncheckedIOException("--access-log: cannot open " + where, e);
                }
            }
        };
    }
}
