package io.sluice.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayerTest {

    @ParameterizedTest
    @CsvSource({
            "mockshop.com, mockshop.com-shadow",
            "mockshop.com:8080, mockshop.com-shadow:8080",
            "10.0.0.1:80, 10.0.0.1-shadow:80",
            "[::1]:8080, [::1]-shadow:8080",
            "[::1], [::1]-shadow"})
    void shadowAuthorityAppendsShadowToTheHostAsIstioDoes(String authority, String expected) {
        assertEquals(expected, Replayer.shadowAuthority(authority));
    }
}
