package io.sluice.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a multi-document YAML or JSON text into documents and decodes each into a {@link Resource},
 * a skip (a kind Sluice does not manage, as kubectl would report it) or a list of violations.
 * Empty documents, such as the one after a trailing {@code ---}, are dropped as YAML intends.
 */
public final class Manifests {

    /** Top-level fields of a Kubernetes object that are not part of what Sluice stores. */
    private static final Set<String> ENVELOPE = Set.of("apiVersion", "kind", "metadata", "status");

    private Manifests() {
    }

    /** A decoded document: exactly one of resource, skipped or violations is meaningful. */
    public sealed interface Decoded permits Accepted, Skipped, Rejected {
        /** Position of the document in its file, counting from 0, as kubectl's error messages do. */
        int index();
    }

    public record Accepted(int index, Resource resource) implements Decoded {
    }

    public record Skipped(int index, String apiVersion, String kind, String name, String reason) implements Decoded {
    }

    public record Rejected(int index, String kind, String name, List<Violation> violations) implements Decoded {
        public Rejected {
            violations = List.copyOf(violations);
        }
    }

    /** Thrown when the text is not YAML or JSON at all; nothing of the text is usable. */
    public static final class MalformedException extends Exception {
        public MalformedException(String message) {
            super(message);
        }
    }

    public static List<JsonNode> documents(String text) throws MalformedException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = Json.YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                if (node == null || node.isMissingNode() || node.isNull()) {
                    continue;
                }
                // a JSON "List" (kubectl get -o json) carries its objects in items
                if (node.isObject() && "List".equals(node.path("kind").asText()) && node.has("items")) {
                    node.path("items").forEach(docs::add);
                } else {
                    docs.add(node);
                }
            }
        } catch (JsonProcessingException e) {
            throw new MalformedException("error parsing YAML/JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new MalformedException("error reading input: " + e.getMessage());
        }
        return docs;
    }

    /** Decodes every document of the text; {@code defaultNamespace} fills a missing namespace. */
    public static List<Decoded> decode(String text, String defaultNamespace) throws MalformedException {
        List<JsonNode> docs = documents(text);
        List<Decoded> out = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            out.add(decode(i, docs.get(i), defaultNamespace));
        }
        return out;
    }

    public static Decoded decode(int index, JsonNode doc, String defaultNamespace) {
        if (!doc.isObject()) {
            return new Rejected(index, "", "", List.of(new Violation("", "document is not an object")));
        }
        String apiVersion = doc.path("apiVersion").asText("");
        String kindName = doc.path("kind").asText("");
        String name = doc.path("metadata").path("name").asText("");
        // the book keeps Envoy's own bootstrap files beside its manifests; they are not a mistake
        if (apiVersion.isEmpty() && kindName.isEmpty() && doc.has("static_resources")) {
            return new Skipped(index, "", "", "", "not a Kubernetes object (an Envoy bootstrap), skipped");
        }
        List<Violation> violations = new ArrayList<>();
        if (apiVersion.isEmpty()) {
            violations.add(new Violation("apiVersion", "Required value"));
        }
        if (kindName.isEmpty()) {
            violations.add(new Violation("kind", "Required value"));
        }
        if (!violations.isEmpty()) {
            return new Rejected(index, kindName, name, violations);
        }
        var kind = ResourceKind.byKind(kindName).filter(k -> k.accepts(apiVersion));
        if (kind.isEmpty()) {
            if (ResourceKind.byKind(kindName).isPresent() || apiVersion.startsWith("networking.istio.io")) {
                return new Rejected(index, kindName, name, List.of(new Violation("apiVersion",
                        "no matches for kind \"" + kindName + "\" in version \"" + apiVersion + "\"")));
            }
            if (!apiVersion.contains(".") || apiVersion.contains(".k8s.io/") || apiVersion.startsWith("apps/")
                    || apiVersion.startsWith("batch/") || apiVersion.startsWith("policy/")) {
                return new Skipped(index, apiVersion, kindName, name, "not managed by Sluice");
            }
            return new Rejected(index, kindName, name, List.of(new Violation("kind",
                    "no matches for kind \"" + kindName + "\" in version \"" + apiVersion + "\"")));
        }
        JsonNode metaNode = doc.path("metadata");
        if (!metaNode.isObject()) {
            return new Rejected(index, kindName, name, List.of(new Violation("metadata", "Required value")));
        }
        if (name.isBlank()) {
            return new Rejected(index, kindName, name, List.of(new Violation("metadata.name", "Required value")));
        }
        ObjectMeta meta;
        try {
            meta = Json.MAPPER.treeToValue(metaNode, ObjectMeta.class);
        } catch (JsonProcessingException e) {
            return new Rejected(index, kindName, name, List.of(new Violation("metadata", e.getOriginalMessage())));
        }
        if (kind.get().namespaced() && (meta.namespace() == null || meta.namespace().isBlank())) {
            meta = meta.withNamespace(defaultNamespace);
        } else if (!kind.get().namespaced()) {
            meta = meta.withNamespace(null);
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        doc.properties().forEach(e -> {
            if (!ENVELOPE.contains(e.getKey())) {
                body.set(e.getKey(), e.getValue());
            }
        });
        // server-owned fields in an applied object are the client's copy of them, not a request
        meta = meta.withServerFields(null, null, null, meta.resourceVersion());
        return new Accepted(index, new Resource(kind.get(), apiVersion, meta, body));
    }
}
