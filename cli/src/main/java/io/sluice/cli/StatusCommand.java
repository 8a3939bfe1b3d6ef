package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sluice status}: every gateway node, the config revision it serves and when it applied it,
 * like {@code istioctl proxy-status}. SYNCED means the node serves the newest config revision.
 */
final class StatusCommand {

    private StatusCommand() {
    }

    static int run(CliArgs args) {
        HttpResponse<String> res = ConfigCommands.send(HttpRequest.newBuilder(ConfigCommands.configUri("/status"))
                .GET());
        if (res == null) {
            return 1;
        }
        JsonNode body = ConfigCommands.parse(res.body());
        if (res.statusCode() != 200) {
            System.err.println("error: config-service answered " + res.statusCode() + ": " + res.body());
            return 1;
        }
        if (args.flag("o", "output", "").equals("json")) {
            System.out.println(body.toPrettyString());
            return 0;
        }
        long latest = body.path("configRevision").asLong(-1);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "ROLE", "CONFIG", "REVISION", "REGISTRY", "APPLIED", "STATUS"});
        for (JsonNode n : body.path("nodes")) {
            long revision = n.path("configRevision").asLong();
            rows.add(new String[] {n.path("node").asText(), n.path("role").asText(),
                    revision == latest ? "SYNCED" : "STALE", Long.toString(revision),
                    n.path("registryRevision").asText(), n.path("appliedAt").asText(),
                    n.path("statusAddress").asText("-")});
        }
        if (rows.size() == 1) {
            System.err.println("No gateway nodes have reported.");
            return 0;
        }
        ConfigCommands.printRows(rows);
        return 0;
    }
}
