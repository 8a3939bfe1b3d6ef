package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.model.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * {@code create secret tls NAME --cert FILE --key FILE [--ca FILE] [-n NS] [-o yaml]}, as kubectl makes
 * it: a {@code kubernetes.io/tls} Secret with {@code tls.crt}, {@code tls.key} and optionally
 * {@code ca.crt} (for MUTUAL). {@code -o yaml} prints the object instead of creating it, so a rotation
 * is {@code ./sluice create secret tls … -o yaml | ./sluice apply -f -}.
 */
final class CreateSecret {

    private CreateSecret() {
    }

    static int run(CliArgs args) {
        if (args.positional().size() != 3 || !args.positional().get(0).equals("secret")
                || !args.positional().get(1).equals("tls")) {
            throw new CliArgs.UsageException("usage: sluice create secret tls NAME --cert FILE --key FILE [--ca FILE] [-n NS]");
        }
        String name = args.positional().get(2);
        String ns = args.flag("n", "namespace", "default");
        String cert = args.flag("cert", null, null);
        String key = args.flag("key", null, null);
        if (cert == null || key == null) {
            throw new CliArgs.UsageException("--cert and --key are required");
        }
        ObjectNode secret = Json.MAPPER.createObjectNode();
        secret.put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("name", name).put("namespace", ns);
        secret.put("type", "kubernetes.io/tls");
        ObjectNode data = secret.putObject("data");
        data.put("tls.crt", base64(cert, "--cert"));
        data.put("tls.key", base64(key, "--key"));
        String ca = args.flag("ca", null, null);
        if (ca != null) {
            data.put("ca.crt", base64(ca, "--ca"));
        }
        String output = args.flag("o", "output", null);
        if (output != null) {
            System.out.print(output.equals("json") ? Json.writeString(secret) + "\n" : Json.writeYaml(secret));
            return 0;
        }
        HttpResponse<String> res = ConfigCommands.send(HttpRequest.newBuilder(
                        ConfigCommands.configUri("/api/v1/namespaces/" + ns + "/secrets"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(secret))));
        if (res == null) {
            return 1;
        }
        if (res.statusCode() >= 300) {
            JsonNode body = ConfigCommands.parse(res.body());
            ConfigCommands.printError(body, res);
            return 1;
        }
        System.out.println("secret/" + name + " created");
        return 0;
    }

    /** The file's bytes as Kubernetes stores them; PEM is checked by the gateway, which names the Secret. */
    private static String base64(String file, String flag) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(file)));
        } catch (IOException e) {
            throw new CliArgs.UsageException(flag + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
