package io.sluice.model.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormatsTest {

    private static ValidationResult duration(String value) {
        Findings f = new Findings(FieldValidation.STRICT);
        Formats.duration(f, "d", value);
        return f.result();
    }

    private static ValidationResult regex(String value) {
        Findings f = new Findings(FieldValidation.STRICT);
        Formats.regex(f, "r", value);
        return f.result();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1ms", "1.5s", "500ms", "1m", "1h", "1h30m", "2h45m30.5s", ".5s", "1000us", "+3s"})
    void goDurationsOfAtLeastOneMillisecondAreAccepted(String value) {
        assertTrue(duration(value).valid(), duration(value).errors()::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.5", "s", "1d", "1 s", "1s1", "-1s", "0s", "0ms", "999us", "1500us", "1.5ms"})
    void otherDurationsAreRefused(String value) {
        assertFalse(duration(value).valid(), value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"^/api/v[0-9]+$", "a\\+b", "[(?=]", "(?i)abc", "a{2,}?", "\\d+\\.\\d+", "(?:ab)+"})
    void regexesValidInBothDialectsAreAccepted(String value) {
        assertTrue(regex(value).valid(), regex(value).errors()::toString);
    }

    @Test
    void javaOnlyConstructsAreNamedAsRe2Gaps() {
        assertEquals("Invalid value: \"(a)\\2\": RE2 does not support backreferences (\\2)",
                regex("(a)\\2").errors().getFirst().reason());
        assertTrue(regex("(?<n>a)\\k<n>").errors().getFirst().reason().contains("named backreferences"));
        assertTrue(regex("abc\\Z").errors().getFirst().reason().contains("RE2 does not support \\Z"));
    }

    @Test
    void hostsMayHaveALeadingWildcardOnly() {
        assertTrue(Formats.host("*"));
        assertTrue(Formats.host("*.example.com"));
        assertTrue(Formats.host("Reviews.Default.svc.cluster.local"));
        assertFalse(Formats.host("a.*.com"));
        assertFalse(Formats.host("a_b.com"));
    }
}
