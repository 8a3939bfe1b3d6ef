package io.sluice.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON and YAML mappers every module shares, and the wire format of a stored resource:
 * the Kubernetes object plus {@code schemaVersion}, readable by any Kafka consumer.
 */
public final class Json {

    /** Version of the record layout in every Sluice topic; readers skip records of a newer major. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * Lenient: the data plane must not fail on a field a newer control plane added. Its trees are
     * compact ({@link CompactNodeFactory}): stores keep one per resource.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(CompactNodeFactory.INSTANCE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .findAndAddModules()
            .build();

    /** Strict: config validation reports every field Sluice does not know. */
    public static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .findAndAddModules()
            .build();

    public static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {
    }

    /** Binds a resource's spec to its typed record, ignoring fields this version does not know. */
    public static <T> T spec(Resource resource, Class<T> type) {
        try {
            return MAPPER.treeToValue(resource.spec(), type);
        } catch (IOException e) {
            throw new IllegalArgumentException(resource.key() + ": spec does not bind to " + type.getSimpleName(), e);
        }
    }

    /** The object as Kubernetes shows it: apiVersion, kind, metadata, then the rest of the body. */
    public static ObjectNode toObject(Resource resource) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("apiVersion", resource.apiVersion());
        node.put("kind", resource.kind().kind());
        node.set("metadata", MAPPER.valueToTree(resource.metadata()));
        node.setAll(resource.body());
        return node;
    }

    /** The value of a config-topic record. */
    public static byte[] toRecord(Resource resource) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("schemaVersion", SCHEMA_VERSION);
        node.setAll(toObject(resource));
        // resourceVersion is the record's offset, known only after the write: never stored
        ((ObjectNode) node.get("metadata")).remove("resourceVersion");
        return write(node);
    }

    /** Reads a config-topic record; the resourceVersion comes from the record's offset. */
    public static Resource fromRecord(byte[] value, long offset) {
        try {
            ObjectNode node = (ObjectNode) MAPPER.readTree(value);
            node.remove("schemaVersion");
            ResourceKind kind = ResourceKind.byKind(node.path("kind").asText())
                    .orElseThrow(() -> new IllegalArgumentException("unknown kind " + node.path("kind")));
            String apiVersion = node.path("apiVersion").asText();
            ObjectMeta meta = MAPPER.treeToValue(node.path("metadata"), ObjectMeta.class)
                    .withResourceVersion(Long.toString(offset));
            node.remove("apiVersion");
            node.remove("kind");
            node.remove("metadata");
            return new Resource(kind, apiVersion, meta, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a config-topic record for a reader that only binds specs (a gateway node): the spec is read
     * from the bytes straight into its kind's record ({@link ResourceKind#specType()}), held in the body
     * as a POJO node that {@link #spec} hands back as it is, instead of a JSON tree that every compile
     * binds again. Spec fields this version does not know are dropped, and written out the spec shows
     * the record's defaults (empty lists): not for readers that return objects to users. A spec that
     * does not bind stays a tree, so that binding it later fails as it would have.
     */
    public static Resource fromRecordTyped(byte[] value, long offset) {
        try (JsonParser p = MAPPER.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a config record is a JSON object");
            }
            String apiVersion = "";
            ResourceKind kind = null;
            ObjectMeta meta = null;
            ObjectNode body = MAPPER.createObjectNode();
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                p.nextToken();
                switch (field) {
                    case "schemaVersion" -> p.skipChildren();
                    case "apiVersion" -> apiVersion = p.getValueAsString("");
                    case "kind" -> {
                        String k = p.getValueAsString("");
                        kind = ResourceKind.byKind(k).orElseThrow(() -> new IllegalArgumentException("unknown kind " + k));
                    }
                    case "metadata" -> meta = MAPPER.readValue(p, ObjectMeta.class);
                    // Sluice writes kind before spec; a spec read before its kind is bound at the end
                    case "spec" -> {
                        Class<?> type = kind == null ? null : kind.specType();
                        if (type == null) {
                            body.set(field, MAPPER.readTree(p));
                        } else {
                            try {
                                body.putPOJO(field, MAPPER.readValue(p, type));
                            } catch (IOException e) {
                                // the parser stopped somewhere inside the spec: start again, keeping it a tree
                                return typed(fromRecord(value, offset));
                            }
                        }
                    }
                    default -> body.set(field, MAPPER.readTree(p));
                }
            }
            return typed(kind, apiVersion, meta, body, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Resource typed(ResourceKind kind, String apiVersion, ObjectMeta meta, ObjectNode body, long offset) {
        if (kind == null || meta == null) {
            throw new IllegalArgumentException("a config record needs kind and metadata");
        }
        return typed(new Resource(kind, apiVersion, meta.withResourceVersion(Long.toString(offset)), body));
    }

    /** Binds the spec of a resource just decoded (no reader holds it yet) where it binds. */
    private static Resource typed(Resource r) {
        Class<?> type = r.kind().specType();
        if (type == null || !r.body().has("spec") || r.body().get("spec").isPojo()) {
            return r;
        }
        try {
            r.body().putPOJO("spec", MAPPER.treeToValue(r.body().get("spec"), type));
        } catch (IOException e) {
            // the compile binds it again and reports it
        }
        return r;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writeYaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }
}
