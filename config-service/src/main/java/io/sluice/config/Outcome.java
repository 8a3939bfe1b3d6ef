package io.sluice.config;

/**
 * What a write did to one object, in kubectl's words.
 *
 * @param object          kubectl's name for it, e.g. {@code gateway.networking.istio.io/chapter4-gateway}
 * @param action          created, configured, unchanged, deleted or skipped
 * @param resourceVersion the object's version after the write (the config-topic offset), or null
 */
public record Outcome(String object, String namespace, String action, String resourceVersion, String message) {
}
