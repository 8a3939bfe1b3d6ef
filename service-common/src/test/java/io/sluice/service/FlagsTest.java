package io.sluice.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagsTest {

    @Test
    void aMapFlagReadsCommaSeparatedPairsInOrder() {
        Flags flags = Flags.parse("--labels", "app=frontend, version=v1,,empty=");
        assertEquals(List.of("app", "version", "empty"), List.copyOf(flags.getMap("labels").keySet()));
        assertEquals(Map.of("app", "frontend", "version", "v1", "empty", ""), flags.getMap("labels"));
        assertEquals(Map.of(), flags.getMap("absent"));
    }

    @Test
    void aPairWithoutKeyNamesTheFlagAndThePair() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Flags.parse("--labels", "app=frontend,v1").getMap("labels"));
        assertTrue(e.getMessage().startsWith("--labels:") && e.getMessage().endsWith("not v1"), e.getMessage());
    }
}
