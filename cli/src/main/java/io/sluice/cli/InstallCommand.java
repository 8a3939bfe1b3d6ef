package io.sluice.cli;

import io.sluice.model.istio.MeshConfigSpec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code sluice install [-y] --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY}: what
 * {@code istioctl install --set …} does for the mesh-wide settings Sluice has. It writes the
 * {@code sluice.io/v1 MeshConfig mesh} object in {@code istio-system} through config-service; every node
 * picks the change up from Kafka, nothing restarts. {@code profile=…} is accepted and ignored, since
 * {@code ./sluice up} already starts the demo profile's ingress and egress gateways.
 */
final class InstallCommand {

    static final String OUTBOUND_MODE = "meshConfig.outboundTrafficPolicy.mode";
    private static final Set<String> MODES = Set.of("ALLOW_ANY", "REGISTRY_ONLY");
    private static final Set<String> PROFILES = Set.of("default", "demo", "minimal", "empty", "ambient");

    private InstallCommand() {
    }

    static int run(CliArgs args) {
        String yaml = meshConfigYaml(args.all("set"));
        HttpResponse<String> res = ConfigCommands.send(HttpRequest.newBuilder(ConfigCommands.configUri("/apply"))
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)));
        if (res == null) {
            return 1;
        }
        if (res.statusCode() >= 300) {
            System.err.println("error: config-service refused the mesh config (" + res.statusCode() + "): " + res.body());
            return 1;
        }
        System.out.println("✔ Mesh config applied (MeshConfig " + MeshConfigSpec.NAMESPACE + "/" + MeshConfigSpec.NAME
                + "); gateways and mesh proxies follow without a restart");
        return 0;
    }

    /**
     * The MeshConfig object for the {@code --set key=value} pairs.
     *
     * @throws CliArgs.UsageException naming the key or value that is not supported
     */
    static String meshConfigYaml(List<String> sets) {
        if (sets.isEmpty()) {
            throw new CliArgs.UsageException("install needs --set " + OUTBOUND_MODE + "=ALLOW_ANY|REGISTRY_ONLY");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CliArgs.UsageException("--set " + s + ": expected key=value");
            }
            values.put(s.substring(0, eq), s.substring(eq + 1));
        }
        String mode = "ALLOW_ANY";
        for (var e : values.entrySet()) {
            switch (e.getKey()) {
                case OUTBOUND_MODE -> {
                    if (!MODES.contains(e.getValue())) {
                        throw new CliArgs.UsageException("--set " + OUTBOUND_MODE + ": unsupported value \""
                                + e.getValue() + "\", expected ALLOW_ANY or REGISTRY_ONLY");
                    }
                    mode = e.getValue();
                }
                case "profile" -> {
                    if (!PROFILES.contains(e.getValue())) {
                        throw new CliArgs.UsageException("--set profile: unknown profile \"" + e.getValue() + "\"");
                    }
                }
                default -> throw new CliArgs.UsageException("--set " + e.getKey() + ": not supported (supported: "
                        + OUTBOUND_MODE + ", profile)");
            }
        }
        return """
                apiVersion: sluice.io/v1
                kind: MeshConfig
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  outboundTrafficPolicy:
                    mode: %s
                """.formatted(MeshConfigSpec.NAME, MeshConfigSpec.NAMESPACE, mode);
    }
}
