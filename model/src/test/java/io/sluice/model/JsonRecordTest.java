package io.sluice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonRecordTest {

    static Stream<String> manifests() {
        return Stream.of("""
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata: {name: shop, namespace: web, labels: {app: shop}}
                spec:
                  hosts: [shop.example.com]
                  gateways: [web/gw]
                  http:
                  - match: [{uri: {prefix: /v2}}]
                    route: [{destination: {host: shop, subset: v2, port: {number: 80}}, weight: 10}]
                """, """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: web}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
                """, """
                apiVersion: v1
                kind: Secret
                metadata: {name: cert, namespace: istio-system}
                type: kubernetes.io/tls
                data: {tls.crt: Y2VydA==, tls.key: a2V5}
                """);
    }

    private static Resource decode(String yaml) throws Manifests.MalformedException {
        return ((Manifests.Accepted) Manifests.decode(yaml, "default").getFirst()).resource();
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void typedRecordReadsTheSameObjectAsTheTreeRecord(String yaml) throws Exception {
        byte[] record = Json.toRecord(decode(yaml));
        Resource tree = Json.fromRecord(record, 42);
        Resource typed = Json.fromRecordTyped(record, 42);

        assertEquals(tree.kind(), typed.kind());
        assertEquals(tree.apiVersion(), typed.apiVersion());
        assertEquals(tree.metadata(), typed.metadata());
        assertEquals("42", typed.metadata().resourceVersion());
        Class<?> type = tree.kind().specType();
        if (type == null) {
            assertEquals(tree.body(), typed.body());
        } else {
            assertTrue(typed.spec().isPojo(), "spec read straight into " + type.getSimpleName());
            assertEquals(Json.spec(tree, type), Json.spec(typed, type));
            // bound once when read: every compile gets that very record
            assertSame(Json.spec(typed, type), Json.spec(typed, type));
            // written out (with the record's empty lists), it binds to the same spec again
            assertEquals(Json.spec(tree, type), Json.spec(Json.fromRecord(Json.toRecord(typed), 42), type));
        }
    }

    @Test
    void bindsASpecWrittenBeforeItsKind() throws Exception {
        byte[] record = """
                {"schemaVersion":1,"spec":{"hosts":["a.example.com"]},"apiVersion":"networking.istio.io/v1",
                 "kind":"VirtualService","metadata":{"name":"a","namespace":"web"}}
                """.getBytes(StandardCharsets.UTF_8);
        Resource typed = Json.fromRecordTyped(record, 7);
        assertTrue(typed.spec().isPojo());
        assertEquals(List.of("a.example.com"),
                Json.spec(typed, io.sluice.model.istio.VirtualServiceSpec.class).hosts());
    }

    @Test
    void keepsASpecThatDoesNotBindAsItsTreeSoThatBindingItFailsLater() {
        byte[] record = """
                {"schemaVersion":1,"apiVersion":"networking.istio.io/v1","kind":"VirtualService",
                 "metadata":{"name":"bad","namespace":"web"},"spec":{"hosts":{"not":"a list"}},"status":{"x":1}}
                """.getBytes(StandardCharsets.UTF_8);
        Resource typed = Json.fromRecordTyped(record, 9);

        assertFalse(typed.spec().isPojo());
        assertEquals(Json.fromRecord(record, 9), typed);
        assertThrows(IllegalArgumentException.class,
                () -> Json.spec(typed, io.sluice.model.istio.VirtualServiceSpec.class));
        assertEquals(1, ((ObjectNode) typed.body().get("status")).get("x").asInt());
    }

    @Test
    void rejectsARecordOfAnUnknownKind() {
        byte[] record = """
                {"schemaVersion":1,"apiVersion":"x/v1","kind":"Nope","metadata":{"name":"n"},"spec":{}}
                """.getBytes(StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.fromRecordTyped(record, 1));
        assertTrue(e.getMessage().contains("unknown kind"), e.getMessage());
    }
}
