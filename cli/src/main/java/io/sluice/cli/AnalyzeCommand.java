package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * {@code sluice analyze [-f FILE|DIR|-] [-n NS]}: config-service's cross-reference checks on demand, printed
 * as {@code istioctl analyze} prints them. With files, they are analysed together as if applied over
 * the stored config; without, the stored config is analysed as it is. Exit 0 unless the server refused
 * (warnings do not fail, as with istioctl's default failure threshold of Error).
 */
final class AnalyzeCommand {

    private AnalyzeCommand() {
    }

    static int run(CliArgs args) {
        String file = args.flag("f", "filename", null);
        String ns = args.flag("n", "namespace", "default");
        // one body, so references between the given files resolve against each other
        String text = file == null ? "" : String.join("\n---\n", ConfigCommands.read(file));
        HttpResponse<String> res = ConfigCommands.send(HttpRequest.newBuilder(
                        ConfigCommands.configUri("/analyze?namespace=" + ConfigCommands.enc(ns)))
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(text)));
        if (res == null) {
            return 1;
        }
        JsonNode body = ConfigCommands.parse(res.body());
        if (res.statusCode() >= 300) {
            ConfigCommands.printError(body, res);
            return 1;
        }
        JsonNode messages = body.path("messages");
        if (messages.isEmpty()) {
            System.out.println("\u2714 No validation issues found when analyzing "
                    + (file == null ? "namespace: " + ns : file) + ".");
            return 0;
        }
        for (JsonNode m : messages) {
            System.out.println(line(m));
        }
        return 0;
    }

    /** {@code Warning [IST0101] (VirtualService chapter4/mockshop) Referenced host not found: "x"}. */
    static String line(JsonNode m) {
        return m.path("level").asText("Warning") + " [" + m.path("code").asText() + "] ("
                + m.path("origin").asText() + ") " + m.path("message").asText();
    }
}
