package io.sluice.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Kubernetes object metadata. {@code uid}, {@code creationTimestamp}, {@code generation} and
 * {@code resourceVersion} are set by config-service; the resourceVersion is the offset of the record
 * in the config topic, so it grows with every write and doubles as the config revision.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ObjectMeta(String name,
                         String namespace,
                         Map<String, String> labels,
                         Map<String, String> annotations,
                         String uid,
                         String creationTimestamp,
                         Long generation,
                         String resourceVersion) {

    public ObjectMeta {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public ObjectMeta withServerFields(String uid, String creationTimestamp, Long generation, String resourceVersion) {
        return new ObjectMeta(name, namespace, labels, annotations, uid, creationTimestamp, generation, resourceVersion);
    }

    public ObjectMeta withNamespace(String ns) {
        return new ObjectMeta(name, ns, labels, annotations, uid, creationTimestamp, generation, resourceVersion);
    }

    public ObjectMeta withResourceVersion(String rv) {
        return new ObjectMeta(name, namespace, labels, annotations, uid, creationTimestamp, generation, rv);
    }
}
