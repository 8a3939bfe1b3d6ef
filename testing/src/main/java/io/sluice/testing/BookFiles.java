package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The book's Chapter 4 files the compatibility tests apply. They come from the folder named by the
 * system property {@code sluice.compat.dir} (CI points it at the shared, read-only originals); the
 * build's default is the repository's own copy in {@code compat/book-chapter4}.
 */
public final class BookFiles {

    private BookFiles() {
    }

    public static Path dir() {
        String d = System.getProperty("sluice.compat.dir", "");
        Path p = d.isBlank() ? Path.of("..", "compat", "book-chapter4") : Path.of(d);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("the book's files are not at " + p.toAbsolutePath()
                    + " (set -Dsluice.compat.dir)");
        }
        return p;
    }

    public static String read(String name) {
        try {
            return Files.readString(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
