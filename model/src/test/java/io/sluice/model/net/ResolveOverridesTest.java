package io.sluice.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResolveOverridesTest {

    private static final ResolveOverrides FILE = ResolveOverrides.parse(List.of(
            "# test names",
            "httpbin.test 127.0.0.1",
            "httpbin.test:80 127.0.0.2:18080   # the port too",
            "127.0.0.3 a.test b.test",
            "multi.test 10.0.0.1",
            "multi.test 10.0.0.2",
            "Upper.Test. ::1",
            "v6.test:443 [::1]:8443",
            "alias.test localhost",
            ""), "test");

    @ParameterizedTest(name = "{0}:{1} -> {2}")
    @CsvSource({
            "httpbin.test, 443, 127.0.0.1:443",
            "httpbin.test, 80, 127.0.0.2:18080",
            "HTTPBIN.test., 80, 127.0.0.2:18080",
            "a.test, 8080, 127.0.0.3:8080",
            "b.test, 80, 127.0.0.3:80",
            "multi.test, 80, 10.0.0.1:80",
            "upper.test, 80, [::1]:80",
            "v6.test, 443, [::1]:8443",
            "alias.test, 80, localhost:80",
            "unknown.test, 80, unknown.test:80",
    })
    void resolvesTheMostSpecificLineFirst(String host, int port, String expected) {
        assertEquals(expected, FILE.resolve(host, port).authority());
    }

    @Test
    void severalLinesForOneNameGiveEveryAddressInFileOrder() {
        assertEquals(List.of(new ResolveOverrides.Target("10.0.0.1", 80), new ResolveOverrides.Target("10.0.0.2", 80)),
                FILE.resolveAll("multi.test", 80));
        assertTrue(FILE.resolveAll("unknown.test", 80).isEmpty());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', value = {
            "httpbin.test | line 1: want NAME ADDRESS or NAME:PORT ADDRESS:PORT",
            "a b c | line 1: want NAME ADDRESS",
            "httpbin.test:80 127.0.0.1 | line 1: give a port on both sides or on neither",
            "httpbin.test:x 127.0.0.1:80 | line 1: name: port must be 1-65535, not \"x\"",
            "httpbin.test:80 127.0.0.1:70000 | line 1: address: port must be 1-65535",
            "httpbin.test [::1 | line 1: address: unclosed '['",
    })
    void badLinesNameTheLineAndTheReason(String line, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResolveOverrides.parse(List.of(line), "f"));
        assertTrue(e.getMessage().startsWith("f " + message.substring(0, message.indexOf(':') + 1)), e.getMessage());
        assertTrue(e.getMessage().contains(message.substring(message.indexOf(':') + 2)), e.getMessage());
    }

    @Test
    void loadsAFileAndNoFileMeansNoOverrides(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("hosts"), "httpbin.test:80 127.0.0.1:9999\n");
        assertEquals("127.0.0.1:9999", ResolveOverrides.load(f).resolve("httpbin.test", 80).authority());
        assertTrue(ResolveOverrides.load(null).isEmpty());
        assertEquals("x.test:80", ResolveOverrides.none().resolve("x.test", 80).authority());
    }
}
