package io.sluice.kafka.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.model.Json;
import io.sluice.model.ObjectMeta;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretKeysTest {

    static final String KEY_B64 = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t";

    static Resource secret(String name) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("type", "kubernetes.io/tls");
        body.putObject("data").put("tls.crt", "Y2VydA==").put("tls.key", KEY_B64);
        body.putObject("stringData").put("ca.crt", "ca");
        return new Resource(ResourceKind.SECRET, "v1",
                new ObjectMeta(name, "istio-system", null, null, null, null, null, null), body);
    }

    @Test
    void sealsEveryValueAndOpensThemAgain() {
        SecretKeys keys = SecretKeys.parse(List.of(SecretKeys.newKeyLine("k1")), "test");
        Resource sealed = keys.seal(secret("a"));
        String stored = new String(Json.toRecord(sealed));
        assertFalse(stored.contains(KEY_B64), stored);
        assertFalse(stored.contains("stringData"), stored);
        assertTrue(sealed.body().path("data").path("tls.key").asText().startsWith("sluice-aesgcm:k1:"));
        Resource opened = keys.open(sealed);
        assertEquals(SecretKeys.foldStringData(secret("a")).body(), opened.body());
    }

    @Test
    void anOldKeyStillOpensAfterRotationAndNewWritesUseTheFirstKey() {
        String oldLine = SecretKeys.newKeyLine("old");
        Resource sealedWithOld = SecretKeys.parse(List.of(oldLine), "t").seal(secret("a"));
        SecretKeys rotated = SecretKeys.parse(List.of(SecretKeys.newKeyLine("new"), oldLine), "t");
        assertEquals(KEY_B64, rotated.open(sealedWithOld).body().path("data").path("tls.key").asText());
        assertTrue(rotated.seal(secret("a")).body().path("data").path("tls.key").asText().startsWith("sluice-aesgcm:new:"));
    }

    @Test
    void aValueMovedToAnotherSecretOrUnknownKeyDoesNotOpen() {
        SecretKeys keys = SecretKeys.parse(List.of(SecretKeys.newKeyLine("k1")), "t");
        Resource sealed = keys.seal(secret("a"));
        Resource moved = new Resource(sealed.kind(), sealed.apiVersion(), secret("b").metadata(), sealed.body());
        assertFalse(keys.open(moved).body().path("data").has("tls.key"));
        SecretKeys other = SecretKeys.parse(List.of(SecretKeys.newKeyLine("k1")), "t");
        assertFalse(other.open(sealed).body().path("data").has("tls.key"));
    }

    @Test
    void refusesToSealWithoutAKeyAndRejectsBadKeyFiles() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SecretKeys.none().seal(secret("a")));
        assertTrue(e.getMessage().contains("--secret-key-file"), e.getMessage());
        for (List<String> bad : List.<List<String>>of(List.of(), List.of("k1"), List.of("k1 notbase64!"), List.of("k1 AAAA"),
                List.of(SecretKeys.newKeyLine("k1"), SecretKeys.newKeyLine("k1")))) {
            assertThrows(IllegalArgumentException.class, () -> SecretKeys.parse(bad, "f"), bad.toString());
        }
    }
}
