package io.sluice.model;

/**
 * Identity of a stored resource and its key in the config topic: {@code <group>/<Kind>/<namespace>/<name>}.
 * Cluster-scoped kinds use an empty namespace segment.
 */
public record ResourceKey(ResourceKind kind, String namespace, String name) {

    public ResourceKey {
        namespace = kind.namespaced() ? namespace : "";
    }

    public String topicKey() {
        return kind.keyGroup() + "/" + kind.kind() + "/" + namespace + "/" + name;
    }

    /** Parses a topic key; returns null for a key of a kind this version does not know. */
    public static ResourceKey parse(String topicKey) {
        String[] parts = topicKey.split("/", 4);
        if (parts.length != 4) {
            return null;
        }
        return ResourceKind.byKind(parts[1])
                .filter(k -> k.keyGroup().equals(parts[0]))
                .map(k -> new ResourceKey(k, parts[2], parts[3]))
                .orElse(null);
    }

    /** The kind a topic key names, or null for a key of a kind this version does not know. */
    public static ResourceKind kindOf(String topicKey) {
        ResourceKey key = parse(topicKey);
        return key == null ? null : key.kind();
    }

    /** How kubectl names an object in its output: {@code gateway.networking.istio.io/chapter4-gateway}. */
    public String displayName() {
        String group = kind.group().isEmpty() ? "" : "." + kind.group();
        return kind.kind().toLowerCase(java.util.Locale.ROOT) + group + "/" + name;
    }

    @Override
    public String toString() {
        return topicKey();
    }
}
