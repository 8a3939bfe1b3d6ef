package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The literal-prefix shortcut must never reject a value the regex would accept. */
class RegexLiteralPrefixTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', textBlock = """
            /api/v[0-9]+/.*  ; /api/v
            /regex/1/[a-z]+  ; /regex/1/
            ab?c             ; a
            ab*c             ; a
            ab+c             ; ab
            a{0,2}b          ; ''
            .*foo            ; ''
            /a|/b            ; ''
            \\d+             ; ''
            /plain           ; /plain
            """)
    void prefixIsWhatEveryMatchStartsWith(String regex, String prefix) {
        assertEquals(prefix, StringMatcher.Regex.literalPrefix(regex));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', textBlock = """
            /api/v[0-9]+/.* ; false ; /api/v2/items ; true
            /api/v[0-9]+/.* ; false ; /API/v2/items ; false
            /api/v[0-9]+/.* ; true  ; /API/V2/items ; true
            ab?c            ; false ; ac            ; true
            /a|/b           ; false ; /b            ; true
            /regex/1/[a-z]+ ; false ; /api/v1/x     ; false
            """)
    void matchesExactlyAsTheRegexDoes(String regex, boolean ignoreCase, String value, boolean expected) {
        assertEquals(expected, StringMatcher.Regex.of(regex, ignoreCase).matches(value));
        assertTrue(expected == java.util.regex.Pattern.compile(regex,
                ignoreCase ? java.util.regex.Pattern.CASE_INSENSITIVE : 0).matcher(value).matches());
        assertFalse(StringMatcher.Regex.of(regex, ignoreCase).matches(null));
    }
}
