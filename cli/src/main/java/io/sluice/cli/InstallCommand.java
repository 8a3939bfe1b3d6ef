package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.model.Json;
import io.sluice.model.ResourceKind;
import io.sluice.model.istio.MeshConfigSpec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * {@code sluice install --set meshConfig.KEY=VALUE ...}: what {@code istioctl install --set} does for the
 * mesh-wide settings. Sluice stores them as one object, {@code MeshConfig mesh} in {@code istio-system}
 * (group {@code sluice.io}); each {@code --set meshConfig.a.b=v} sets {@code spec.a.b} on top of the
 * stored object, and the result is applied like any resource, validated and all. {@code --set profile=...}
 * and {@code -y} are accepted so istioctl command lines work; Sluice has no profiles.
 */
final class InstallCommand {

    private static final String PREFIX = "meshConfig.";

    private InstallCommand() {
    }

    static int run(CliArgs args) {
        if (args.all("set").isEmpty()) {
            throw new CliArgs.UsageException("install needs --set meshConfig.KEY=VALUE, e.g. "
                    + "--set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY");
        }
        ObjectNode mesh = current();
        if (mesh == null) {
            return 1;
        }
        ObjectNode spec = mesh.with("spec");
        for (String set : args.all("set")) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new CliArgs.UsageException("--set wants KEY=VALUE, not " + set);
            }
            String key = set.substring(0, eq);
            String value = set.substring(eq + 1);
            if (key.equals("profile")) {
                System.err.println("sluice: --set profile=" + value + " ignored (Sluice has no profiles)");
                continue;
            }
            if (!key.startsWith(PREFIX) || key.length() == PREFIX.length()) {
                throw new CliArgs.UsageException("only meshConfig.* settings can be set, not " + key);
            }
            String[] path = key.substring(PREFIX.length()).split("\\.");
            ObjectNode node = spec;
            for (int i = 0; i < path.length - 1; i++) {
                node = node.with(path[i]);
            }
            node.put(path[path.length - 1], value);
        }
        return ConfigCommands.post("/apply?namespace=" + MeshConfigSpec.NAMESPACE, Json.writeYaml(mesh)) == 0 ? 0 : 1;
    }

    /** The stored MeshConfig without server fields, or a new one; null when the server did not answer. */
    private static ObjectNode current() {
        ResourceKind kind = ResourceKind.MESH_CONFIG;
        HttpResponse<String> res = ConfigCommands.send(HttpRequest.newBuilder(ConfigCommands.configUri(
                "/apis/" + kind.defaultApiVersion() + "/namespaces/" + MeshConfigSpec.NAMESPACE + "/"
                        + kind.plural() + "/" + MeshConfigSpec.NAME)).GET());
        if (res == null) {
            return null;
        }
        ObjectNode mesh = Json.MAPPER.createObjectNode();
        mesh.put("apiVersion", kind.defaultApiVersion());
        mesh.put("kind", kind.kind());
        mesh.putObject("metadata").put("name", MeshConfigSpec.NAME).put("namespace", MeshConfigSpec.NAMESPACE);
        JsonNode stored = ConfigCommands.parse(res.body());
        if (res.statusCode() == 200 && stored.path("spec").isObject()) {
            mesh.set("spec", stored.path("spec").deepCopy());
        }
        return mesh;
    }
}
