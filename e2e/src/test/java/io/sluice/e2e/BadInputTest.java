package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad documents get a 400 naming the document and the field, and nothing reaches Kafka. */
class BadInputTest {

    static SluiceCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("badinput");
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed YAML   | 'kind: Gateway\\nmetadata: {name: [unclosed'                            | error parsing YAML
            unknown kind     | 'apiVersion: networking.istio.io/v1\\nkind: Gatewey\\nmetadata: {name: g}' | kind
            missing name     | 'apiVersion: networking.istio.io/v1\\nkind: Gateway\\nmetadata: {namespace: a}' | metadata.name
            missing kind     | 'apiVersion: v1\\nmetadata: {name: x}'                                  | kind
            second doc bad   | 'apiVersion: v1\\nkind: Namespace\\nmetadata: {name: ok}\\n---\\napiVersion: v1\\nkind: Service\\nmetadata: {}' | document[1]
            """)
    void refusesWithTheFieldAndPublishesNothing(String name, String yaml, String expected) {
        long before = revision();
        HttpResponse<String> res = cluster.apply(yaml.replace("\\n", "\n"));
        assertEquals(400, res.statusCode(), res.body());
        assertTrue(res.body().contains(expected), res.body());
        assertEquals(before, revision(), "nothing may be published");
    }

    private static long revision() {
        String list = SluiceCluster.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(cluster.configUrl() + "/api/v1/namespaces")).build()).body();
        try {
            return io.sluice.model.Json.MAPPER.readTree(list).path("metadata").path("resourceVersion").asLong();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
