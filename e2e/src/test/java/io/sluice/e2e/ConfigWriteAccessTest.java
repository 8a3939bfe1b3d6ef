package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.ConfigService;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With --token set, every write needs {@code Authorization: Bearer <token>}; reads do not. */
class ConfigWriteAccessTest {

    static final String TOKEN = "s3cret-token";
    static String ns(String name) {
        return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + "}\n";
    }

    static ConfigService config;
    static String url;

    @BeforeAll
    static void start() {
        config = ConfigApiSupport.start(ConfigApiSupport.topics("token"), TOKEN);
        url = ConfigApiSupport.url(config);
    }

    @AfterAll
    static void stop() {
        config.close();
    }

    @Test
    void writesWithoutTheBearerTokenAre401() {
        for (String token : new String[] {null, "wrong"}) {
            assertUnauthorized(ConfigApiSupport.request("POST", url + "/apply", ns("refused"), token));
            assertUnauthorized(ConfigApiSupport.request("POST", url + "/delete", ns("refused"), token));
            assertUnauthorized(ConfigApiSupport.request("PUT", url + "/api/v1/namespaces/refused", ns("refused"), token));
            assertUnauthorized(ConfigApiSupport.request("DELETE", url + "/api/v1/namespaces/refused", null, token));
        }
        assertEquals(404, ConfigApiSupport.request("GET", url + "/api/v1/namespaces/refused", null, null).statusCode(),
                "a refused write must not have written");
    }

    @Test
    void writesWithTheTokenSucceedAndReadsNeedNone() {
        HttpResponse<String> res = ConfigApiSupport.request("POST", url + "/apply", ns("guarded"), TOKEN);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(200, ConfigApiSupport.request("GET", url + "/api/v1/namespaces/guarded", null, null).statusCode());
    }

    private static void assertUnauthorized(HttpResponse<String> res) {
        assertEquals(401, res.statusCode(), res.body());
        JsonNode s = ConfigApiSupport.json(res);
        assertEquals("Unauthorized", s.path("reason").asText());
        assertTrue(s.path("message").asText().contains("bearer token"), res.body());
    }
}
