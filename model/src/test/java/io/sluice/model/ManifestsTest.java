package io.sluice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

class ManifestsTest {

    @Test
    void anEnvoyBootstrapIsSkippedAsNotAKubernetesObject() throws Exception {
        var decoded = Manifests.decode("static_resources:\n  listeners: []\n", "default");
        var skipped = assertInstanceOf(Manifests.Skipped.class, decoded.getFirst());
        assertEquals("not a Kubernetes object (an Envoy bootstrap), skipped", skipped.reason());
    }

    @Test
    void aDocumentWithoutApiVersionAndKindIsStillRejected() throws Exception {
        var decoded = Manifests.decode("metadata: {name: a}\n", "default");
        assertEquals(2, assertInstanceOf(Manifests.Rejected.class, decoded.getFirst()).violations().size());
    }
}
