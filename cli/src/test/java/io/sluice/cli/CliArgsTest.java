package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CliArgsTest {

    @Test
    void aNumberFlagIsANumberOrAUsageErrorNamingTheFlag() {
        CliArgs args = CliArgs.parse("backend", "--port", "8080", "--weight=three");
        assertEquals(8080, args.intFlag("port", "p", 0));
        assertNull(args.intFlag("service-port", null, null));
        CliArgs.UsageException e = assertThrows(CliArgs.UsageException.class, () -> args.intFlag("weight", null, null));
        assertEquals("--weight wants a number, not three", e.getMessage());
    }
}
