package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary directories and files of a test JVM (the broker's data, certificates, resolver files),
 * removed with all they hold when the JVM exits, so that test runs do not fill the temp directory.
 */
public final class TestDirectories {

    private static final Set<Path> MADE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("test-directories-removal")
                .unstarted(() -> MADE.forEach(TestDirectories::delete)));
    }

    private TestDirectories() {
    }

    public static Path directory(String prefix) {
        try {
            return made(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path file(String prefix, String suffix) {
        try {
            return made(Files.createTempFile(prefix, suffix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path made(Path p) {
        MADE.add(p);
        return p;
    }

    private static void delete(Path p) {
        try (Stream<Path> all = Files.walk(p)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // already gone, or a file still held: the temp directory's own cleanup takes the rest
        }
    }
}
