package io.sluice.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One stored object as the user sent it: kind, apiVersion, metadata, and the rest of the object
 * ({@code spec}, or {@code type}/{@code data} for a Secret) as a read-only JSON tree. Typed views of
 * the spec come from {@link Json#spec(Resource, Class)}.
 */
public record Resource(ResourceKind kind, String apiVersion, ObjectMeta metadata, ObjectNode body) {

    public Resource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(metadata, "metadata");
        body = body == null ? Json.MAPPER.createObjectNode() : body;
    }

    public ResourceKey key() {
        return new ResourceKey(kind, metadata.namespace() == null ? "" : metadata.namespace(), metadata.name());
    }

    public String name() {
        return metadata.name();
    }

    public String namespace() {
        return metadata.namespace();
    }

    public JsonNode spec() {
        return body.path("spec");
    }

    public Resource withMetadata(ObjectMeta meta) {
        return new Resource(kind, apiVersion, meta, body);
    }

    /** Same object as far as the user is concerned: apiVersion, labels, annotations and body. */
    public boolean sameContent(Resource other) {
        return other != null
                && Objects.equals(apiVersion, other.apiVersion)
                && metadata.labels().equals(other.metadata.labels())
                && metadata.annotations().equals(other.metadata.annotations())
                && body.equals(other.body);
    }
}
