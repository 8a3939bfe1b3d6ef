package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.ConfigService;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ?fieldValidation=}: Strict refuses an unknown field, Warn stores it with a warning, Ignore silently. */
class FieldValidationModesTest {

    static ConfigService config;

    @BeforeAll
    static void start() {
        config = ConfigApiSupport.start(ConfigApiSupport.topics("fieldvalidation"), null);
    }

    @AfterAll
    static void stop() {
        config.close();
    }

    static String gateway(String name) {
        return """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: %s, namespace: fv}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: [a.example.com]
                    colour: blue
                """.formatted(name);
    }

    @ParameterizedTest(name = "[{index}] fieldValidation={0}")
    @CsvSource({"Strict, 400, false", "Warn, 200, true", "Ignore, 200, false", "'', 400, false"})
    void unknownFieldFollowsTheMode(String mode, int status, boolean warned) {
        String name = "gw-" + (mode.isEmpty() ? "default" : mode.toLowerCase());
        HttpResponse<String> res = ConfigApiSupport.apply(config, gateway(name),
                mode.isEmpty() ? "" : "fieldValidation=" + mode);
        assertEquals(status, res.statusCode(), res.body());
        JsonNode body = ConfigApiSupport.json(res);
        if (status == 400) {
            assertEquals("document[0] (Gateway " + name + "): spec.servers[0].colour",
                    body.path("details").path("causes").path(0).path("field").asText(), res.body());
            return;
        }
        assertEquals("created", body.path("results").path(0).path("action").asText(), res.body());
        boolean hasWarning = false;
        for (JsonNode w : body.path("warnings")) {
            hasWarning |= w.asText().contains("spec.servers[0].colour") && w.asText().contains("unknown field");
        }
        assertEquals(warned, hasWarning, res.body());
        assertTrue(ConfigApiSupport.request("GET", ConfigApiSupport.url(config)
                + "/apis/networking.istio.io/v1/namespaces/fv/gateways/" + name, null, null).statusCode() == 200);
    }
}
