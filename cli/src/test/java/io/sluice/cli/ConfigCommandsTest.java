package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.model.Json;
import org.junit.jupiter.api.Test;

class ConfigCommandsTest {

    @Test
    void aRefusalListsEachCauseOnceUnderItsReason() throws Exception {
        String body = """
                {"reason": "Invalid", "message": "2 errors, first: spec.a: bad",
                 "details": {"causes": [{"field": "spec.a", "message": "bad"}, {"field": "spec.b", "message": "worse"}]}}
                """;
        assertEquals("""
                Error from server (Invalid): 2 errors
                  spec.a: bad
                  spec.b: worse
                """, ConfigCommands.errorText(Json.MAPPER.readTree(body), 422, body));
    }

    @Test
    void aRefusalWithoutCausesShowsTheServersMessage() throws Exception {
        String body = "{\"reason\": \"ServiceUnavailable\", \"message\": \"Kafka did not take the write\"}";
        assertEquals("Error from server (ServiceUnavailable): Kafka did not take the write\n",
                ConfigCommands.errorText(Json.MAPPER.readTree(body), 503, body));
        assertEquals("Error from server (HTTP 502): Bad Gateway\n",
                ConfigCommands.errorText(Json.MAPPER.createObjectNode(), 502, "Bad Gateway"));
    }
}
