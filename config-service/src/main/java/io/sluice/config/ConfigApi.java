package io.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.kafka.CompactedTopicStore;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import io.sluice.model.ResourceKind;
import io.sluice.model.Violation;
import io.sluice.model.validation.Warning;
import io.sluice.service.ApiException;
import io.sluice.service.Http;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The REST surface of config-service: {@code POST /apply} and {@code POST /delete} for multi-document
 * YAML or JSON, and Kubernetes-style paths ({@code /apis/<group>/<version>/namespaces/<ns>/<plural>/<name>},
 * {@code /api/v1/...} for core kinds) for GET, PUT, POST, DELETE and lists. Reads come from the
 * service's own view of the config topic.
 */
final class ConfigApi {

    private final CompactedTopicStore<Resource> store;
    private final ConfigWriter writer;
    private final Admission admission;
    private final String token;

    ConfigApi(CompactedTopicStore<Resource> store, ConfigWriter writer, Admission admission, String token) {
        this.store = store;
        this.writer = writer;
        this.admission = admission;
        this.token = token;
    }

    void routing(HttpRouting.Builder r) {
        r.get("/healthz/ready", (req, res) -> res.status(store.ready() ? 200 : 503)
                        .send(store.ready() ? "ready" : "reading the config topic"))
                .post("/apply", Http.api(this::apply))
                .post("/delete", Http.api(this::deleteDocuments))
                .post("/analyze", Http.api(this::analyze))
                .any("/apis/*", Http.api(this::resource))
                .any("/api/*", Http.api(this::resource));
    }

    private void apply(ServerRequest req, ServerResponse res) {
        Http.requireToken(req, token);
        String namespace = req.query().first("namespace").orElse("default");
        Admission.Admitted admitted = admission.admit(req.content().as(String.class), namespace,
                req.query().first("fieldValidation").orElse("Strict"));
        List<ConfigWriter.Change> changes = admitted.resources().stream()
                .sorted(Comparator.comparing(Resource::kind))
                .map(ConfigWriter.Change::put).toList();
        List<Outcome> outcomes = new ArrayList<>(admitted.skipped());
        outcomes.addAll(dryRun(req) ? dryRunOutcomes(admitted.resources()) : writer.write(changes));
        reply(res, outcomes, admitted.warnings());
    }

    private void deleteDocuments(ServerRequest req, ServerResponse res) {
        Http.requireToken(req, token);
        String namespace = req.query().first("namespace").orElse("default");
        Admission.Admitted admitted = admission.admit(req.content().as(String.class), namespace, "Ignore");
        List<Outcome> outcomes = new ArrayList<>(admitted.skipped());
        List<ConfigWriter.Change> changes = new ArrayList<>();
        for (Resource r : admitted.resources()) {
            if (store.get(r.key().topicKey()) == null) {
                outcomes.add(new Outcome(r.key().displayName(), r.namespace(), "not found", null, null));
            } else {
                changes.add(ConfigWriter.Change.delete(r.key(), null));
            }
        }
        if (!changes.isEmpty()) {
            outcomes.addAll(writer.write(changes));
        }
        reply(res, outcomes, List.of());
    }

    private void analyze(ServerRequest req, ServerResponse res) {
        String namespace = req.query().first("namespace").orElse("default");
        String body = req.content().hasEntity() ? req.content().as(String.class) : "";
        Admission.Admitted admitted = admission.admit(body, namespace, "Warn");
        ObjectNode reply = Json.MAPPER.createObjectNode();
        ArrayNode messages = reply.putArray("messages");
        // istioctl's SchemaValidationError, a warning here because fieldValidation=Warn let it through
        admitted.fieldWarnings().forEach(v -> messages.addObject().put("level", "Warning").put("code", "IST0106")
                .put("origin", v.field()).put("message", v.reason()));
        for (Warning w : admitted.resources().isEmpty() ? admission.analyze(List.of()) : admitted.analysis()) {
            messages.addObject().put("level", "Warning").put("code", w.code()).put("origin", w.objectDisplayName())
                    .put("field", w.field()).put("message", w.message());
        }
        Http.sendJson(res, 200, reply);
    }

    private static boolean dryRun(ServerRequest req) {
        return req.query().first("dryRun").isPresent();
    }

    private List<Outcome> dryRunOutcomes(List<Resource> resources) {
        return resources.stream().map(r -> {
            Resource current = store.get(r.key().topicKey());
            String action = current == null ? "created" : current.sameContent(r) ? "unchanged" : "configured";
            return new Outcome(r.key().displayName(), r.namespace(), action + " (dry run)", null, null);
        }).toList();
    }

    private static void reply(ServerResponse res, List<Outcome> outcomes, List<Violation> warnings) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("results", Json.tree(outcomes));
        ArrayNode w = body.putArray("warnings");
        warnings.forEach(v -> w.add(v.toString()));
        Http.sendJson(res, 200, body);
    }

    /** Kubernetes-style resource paths. */
    private void resource(ServerRequest req, ServerResponse res) {
        ResourcePath p = ResourcePath.parse(req.path().path());
        Method method = req.prologue().method();
        if (method == Method.GET) {
            if (p.name() == null) {
                list(p, res);
            } else {
                Resource r = Optional.ofNullable(store.get(p.key().topicKey()))
                        .orElseThrow(() -> ApiException.notFound(p.kind().plural() + " \"" + p.name() + "\" not found"));
                Http.sendJson(res, 200, Json.toObject(Redaction.forRead(r)));
            }
            return;
        }
        Http.requireToken(req, token);
        if (method == Method.DELETE) {
            if (p.name() == null) {
                throw ApiException.badRequest("DELETE needs an object name");
            }
            String expected = req.query().first("resourceVersion").orElse(null);
            List<Outcome> out = writer.write(List.of(ConfigWriter.Change.delete(p.key(), expected)));
            Http.sendJson(res, 200, out.getFirst());
            return;
        }
        if (method == Method.PUT || method == Method.POST) {
            String ns = p.namespace() == null ? "default" : p.namespace();
            Admission.Admitted admitted = admission.admit(req.content().as(String.class), ns,
                    req.query().first("fieldValidation").orElse("Strict"));
            if (admitted.resources().size() != 1) {
                throw ApiException.badRequest("the body must hold exactly one " + p.kind().kind());
            }
            Resource r = admitted.resources().getFirst();
            if (r.kind() != p.kind() || (p.name() != null && !p.name().equals(r.name()))
                    || (p.kind().namespaced() && !ns.equals(r.namespace()))) {
                throw ApiException.badRequest("the object in the body (" + r.key().displayName() + " in "
                        + r.namespace() + ") does not match the path " + req.path().path());
            }
            ConfigWriter.Change change = method == Method.POST ? ConfigWriter.Change.create(r) : ConfigWriter.Change.put(r);
            Outcome o = writer.write(List.of(change)).getFirst();
            Resource stored = store.get(r.key().topicKey());
            ObjectNode body = stored == null ? Json.MAPPER.createObjectNode()
                    : Json.toObject(Redaction.forRead(stored));
            if (o.resourceVersion() != null) {
                ((ObjectNode) body.with("metadata")).put("resourceVersion", o.resourceVersion());
            }
            Http.sendJson(res, "created".equals(o.action()) ? 201 : 200, body);
            return;
        }
        throw new ApiException(405, "MethodNotAllowed", method.text() + " is not supported here");
    }

    private void list(ResourcePath p, ServerResponse res) {
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.putObject("metadata").put("resourceVersion", Long.toString(store.snapshot().revision()));
        ArrayNode items = list.putArray("items");
        store.snapshot().entries().values().stream()
                .filter(r -> r.kind() == p.kind())
                .filter(r -> p.namespace() == null || p.namespace().equals(r.namespace()))
                .sorted(Comparator.comparing((Resource r) -> String.valueOf(r.namespace())).thenComparing(Resource::name))
                .map(r -> (JsonNode) Json.toObject(Redaction.forRead(r)))
                .forEach(items::add);
        Http.sendJson(res, 200, list);
    }

    /** Decodes a Kubernetes API path into kind, namespace and name. */
    record ResourcePath(ResourceKind kind, String namespace, String name) {

        ResourceKey key() {
            return new ResourceKey(kind, namespace == null ? "" : namespace, name);
        }

        static ResourcePath parse(String path) {
            String[] s = path.replaceAll("^/+|/+$", "").split("/");
            // api/v1/... or apis/<group>/<version>/...
            int i = s[0].equals("api") ? 2 : 3;
            String group = s[0].equals("api") ? "" : s.length > 1 ? s[1] : "";
            if (s.length <= i) {
                throw ApiException.notFound("no resource at " + path);
            }
            String ns = null;
            if (s[i].equals("namespaces") && s.length > i + 2) {
                ns = s[i + 1];
                i += 2;
            } else if (s[i].equals("namespaces") && group.isEmpty()) {
                // /api/v1/namespaces[/name]: the Namespace kind itself
                return new ResourcePath(ResourceKind.NAMESPACE, null, s.length > i + 1 ? s[i + 1] : null);
            }
            String plural = s[i];
            ResourceKind kind = java.util.Arrays.stream(ResourceKind.values())
                    .filter(k -> k.plural().equals(plural) && k.group().equals(group))
                    .findFirst()
                    .orElseThrow(() -> ApiException.notFound("the server could not find the requested resource "
                            + (group.isEmpty() ? "" : group + "/") + plural));
            return new ResourcePath(kind, ns, s.length > i + 1 ? s[i + 1] : null);
        }
    }

}
