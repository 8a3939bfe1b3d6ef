package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.ConfigService;
import io.sluice.kafka.KafkaSettings;
import io.sluice.testing.InvalidDocuments;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the shared invalid-documents table, POSTed to config-service: 400, the field path and
 * reason in the Status causes, and the config topic's end offset (asked of the broker) unchanged.
 */
class InvalidDocumentsApiTest {

    static KafkaSettings kafka;
    static ConfigService config;
    static Admin admin;

    @BeforeAll
    static void start() {
        kafka = ConfigApiSupport.topics("invalid");
        config = ConfigApiSupport.start(kafka, null);
        admin = ConfigApiSupport.admin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        config.close();
    }

    static List<InvalidDocuments.Row> rows() {
        List<InvalidDocuments.Row> rows = InvalidDocuments.all();
        assertTrue(rows.size() >= 60, "the table must hold at least 60 documents, has " + rows.size());
        return rows;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("rows")
    void refusedWithFieldPathAndNothingReachesKafka(InvalidDocuments.Row row) throws Exception {
        long before = ConfigApiSupport.configEndOffset(admin, kafka);
        HttpResponse<String> res = ConfigApiSupport.apply(config, row.document(), "");
        assertEquals(400, res.statusCode(), res.body());
        JsonNode causes = ConfigApiSupport.json(res).path("details").path("causes");
        boolean named = false;
        for (JsonNode c : causes) {
            named |= c.path("field").asText().endsWith(": " + row.field()) && c.path("message").asText().contains(row.reason());
        }
        assertTrue(named, "expected a cause " + row.field() + ": ..." + row.reason() + "... in " + res.body());
        assertEquals(before, ConfigApiSupport.configEndOffset(admin, kafka), "nothing may reach the config topic");
    }
}
