package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.Json;
import io.sluice.model.ResourceKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code apply}, {@code delete} and {@code get} against config-service, printing as kubectl does. */
final class ConfigCommands {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ConfigCommands() {
    }

    static int apply(CliArgs args, boolean delete) {
        String file = args.flag("f", "filename", null);
        if (file == null) {
            throw new CliArgs.UsageException("-f FILE|DIR|- is required");
        }
        String ns = args.flag("n", "namespace", "default");
        int status = 0;
        for (String text : read(file)) {
            String path = (delete ? "/delete" : "/apply") + "?namespace=" + enc(ns)
                    + (args.flag("field-validation", null, null) == null ? ""
                    : "&fieldValidation=" + enc(args.flag("field-validation", null, null)))
                    + (args.flag("dry-run", null, null) == null ? "" : "&dryRun=All");
            int s = post(path, text);
            if (s < 0) {
                return 1;
            }
            status = Math.max(status, s);
        }
        return status;
    }

    /**
     * POSTs YAML to an apply-style path and prints each result as kubectl does; returns 0, 1 when the
     * server refused, or -1 when nobody answered.
     */
    static int post(String path, String text) {
        HttpResponse<String> res = send(HttpRequest.newBuilder(configUri(path))
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(text)));
        if (res == null) {
            return -1;
        }
        JsonNode body = parse(res.body());
        if (res.statusCode() >= 300) {
            printError(body, res);
            return 1;
        }
        for (JsonNode o : body.path("results")) {
            String line = o.path("object").asText() + " " + o.path("action").asText();
            if (o.hasNonNull("message")) {
                line += " (" + o.path("message").asText() + ")";
            }
            System.out.println(line);
        }
        body.path("warnings").forEach(w -> System.err.println("Warning: " + w.asText()));
        return 0;
    }

    static int get(CliArgs args) {
        if (args.positional().isEmpty()) {
            throw new CliArgs.UsageException("get needs a kind, e.g. sluice get virtualservices");
        }
        if (List.of("endpoints", "ep").contains(args.positional().getFirst())) {
            return getEndpoints(args);
        }
        ResourceKind kind = ResourceKind.byName(args.positional().getFirst())
                .orElseThrow(() -> new CliArgs.UsageException("the server doesn't have a resource type \""
                        + args.positional().getFirst() + "\""));
        String name = args.positional().size() > 1 ? args.positional().get(1) : null;
        boolean all = args.flag("A", "all-namespaces", null) != null;
        String ns = args.flag("n", "namespace", "default");
        String base = (kind.group().isEmpty() ? "/api/v1" : "/apis/" + kind.defaultApiVersion())
                + (kind.namespaced() && !all ? "/namespaces/" + ns : "") + "/" + kind.plural()
                + (name == null ? "" : "/" + name);
        HttpResponse<String> res = send(HttpRequest.newBuilder(configUri(base)).GET());
        if (res == null) {
            return 1;
        }
        JsonNode body = parse(res.body());
        if (res.statusCode() >= 300) {
            printError(body, res);
            return 1;
        }
        String output = args.flag("o", "output", "");
        switch (output) {
            case "yaml" -> System.out.print(Json.writeYaml(body));
            case "json" -> System.out.println(body.toPrettyString());
            default -> printTable(kind, name == null ? body.path("items") : List.of(body));
        }
        return 0;
    }

    /** The registry's published services: one row per service host with its endpoints. */
    private static int getEndpoints(CliArgs args) {
        HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(
                CliArgs.env("SLUICE_REGISTRY_URL", "http://127.0.0.1:15081") + "/v1/services")).GET());
        if (res == null) {
            return 1;
        }
        JsonNode body = parse(res.body());
        if (res.statusCode() >= 300) {
            printError(body, res);
            return 1;
        }
        boolean all = args.flag("A", "all-namespaces", null) != null;
        String ns = args.flag("n", "namespace", "default");
        List<JsonNode> services = new ArrayList<>();
        body.forEach(s -> {
            if (all || ns.equals(s.path("namespace").asText())) {
                services.add(s);
            }
        });
        switch (args.flag("o", "output", "")) {
            case "yaml" -> System.out.print(Json.writeYaml(services));
            case "json" -> System.out.println(Json.MAPPER.valueToTree(services).toPrettyString());
            default -> {
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"NAMESPACE", "HOST", "RESOLUTION", "ENDPOINTS"});
                for (JsonNode s : services) {
                    List<String> eps = new ArrayList<>();
                    for (JsonNode e : s.path("endpoints")) {
                        String ports = String.join(",", e.path("ports").properties().stream()
                                .map(p -> p.getValue().asText()).toList());
                        eps.add(e.path("address").asText() + ":" + ports
                                + (e.path("healthy").asBoolean(true) ? "" : "(unhealthy)"));
                    }
                    rows.add(new String[] {s.path("namespace").asText(), s.path("host").asText(),
                            s.path("resolution").asText(), eps.isEmpty() ? "<none>" : String.join(" ", eps)});
                }
                printRowsOrNone(rows);
            }
        }
        return 0;
    }

    private static void printTable(ResourceKind kind, Iterable<JsonNode> items) {
        List<String[]> rows = new ArrayList<>();
        rows.add(kind.namespaced() ? new String[] {"NAMESPACE", "NAME", "REVISION", "CREATED"}
                : new String[] {"NAME", "REVISION", "CREATED"});
        for (JsonNode i : items) {
            JsonNode m = i.path("metadata");
            rows.add(kind.namespaced()
                    ? new String[] {m.path("namespace").asText(), m.path("name").asText(),
                    m.path("resourceVersion").asText(), m.path("creationTimestamp").asText()}
                    : new String[] {m.path("name").asText(), m.path("resourceVersion").asText(),
                    m.path("creationTimestamp").asText()});
        }
        printRowsOrNone(rows);
    }

    /** Rows under a header line, or kubectl's message when there is only the header. */
    private static void printRowsOrNone(List<String[]> rows) {
        if (rows.size() == 1) {
            System.err.println("No resources found.");
            return;
        }
        printRows(rows);
    }

    /** Prints rows as kubectl does: columns padded to the widest cell plus three spaces. */
    static void printRows(List<String[]> rows) {
        int[] width = new int[rows.getFirst().length];
        rows.forEach(r -> {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        });
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                sb.append(c == r.length - 1 ? r[c] : String.format("%-" + (width[c] + 3) + "s", r[c]));
            }
            System.out.println(sb.toString().stripTrailing());
        }
    }

    static List<String> read(String file) {
        try {
            if (file.equals("-")) {
                return List.of(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
            }
            Path p = Path.of(file);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    return s.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$")).sorted()
                            .map(ConfigCommands::readFile).toList();
                }
            }
            if (!Files.exists(p)) {
                throw new CliArgs.UsageException("the path \"" + file + "\" does not exist");
            }
            return List.of(readFile(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readFile(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static URI configUri(String path) {
        return URI.create(CliArgs.env("SLUICE_CONFIG_URL", "http://127.0.0.1:15080") + path);
    }

    /** Sends with the bearer token when one is set; prints why and returns null when nobody answered. */
    static HttpResponse<String> send(HttpRequest.Builder request) {
        String token = CliArgs.env("SLUICE_TOKEN", null);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpRequest r = request.timeout(Duration.ofSeconds(30)).build();
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            System.err.println("error: cannot reach " + r.uri().getScheme() + "://" + r.uri().getAuthority()
                    + " (" + e.getClass().getSimpleName() + "): is `./sluice up` running?");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static void printError(JsonNode body, HttpResponse<String> res) {
        System.err.print(errorText(body, res.statusCode(), res.body()));
    }

    /**
     * As kubectl reports a refusal: the reason, then each cause on a line of its own. With causes, the
     * server's one-line message (which repeats the first, for clients that show only it) is left out.
     */
    static String errorText(JsonNode body, int status, String rawBody) {
        JsonNode causes = body.path("details").path("causes");
        String summary = causes.isEmpty() ? body.path("message").asText(rawBody)
                : causes.size() == 1 ? "1 error" : causes.size() + " errors";
        StringBuilder out = new StringBuilder("Error from server (")
                .append(body.path("reason").asText("HTTP " + status)).append("): ").append(summary).append('\n');
        for (JsonNode c : causes) {
            out.append("  ").append(c.path("field").asText()).append(": ").append(c.path("message").asText())
                    .append('\n');
        }
        return out.toString();
    }

    static JsonNode parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode().put("message", s);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
