package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Scratch space of a test JVM in the temp directory: one folder per JVM for its broker's data, test
 * CAs and files. It cannot be removed when the JVM exits: the embedded broker halts the JVM if its log
 * directory goes while it runs, and exit hooks run in no set order. So each JVM removes the folders of
 * JVMs that have ended instead, when it makes its own. A JVM holds a lock on its folder's lock file for
 * as long as it lives; the operating system releases it when the process ends, however it ends, so a
 * folder whose lock can be taken belongs to no running JVM.
 */
public final class TestDirectories {

    private static final Logger LOG = Logger.getLogger(TestDirectories.class.getName());
    private static final String PREFIX = "sluice-test-jvm";
    private static final String LOCK = "owner.lock";
    /** Between making its folder and locking it a JVM takes microseconds; a folder younger than this is left alone. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private static Path own;
    /** Kept open for the JVM's life: closing the channel would release the lock. */
    @SuppressWarnings("unused")
    private static FileChannel ownLock;

    private TestDirectories() {
    }

    /** A new directory in this JVM's scratch folder. */
    public static synchronized Path directory(String prefix) {
        try {
            return Files.createTempDirectory(own(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new empty file in this JVM's scratch folder. */
    public static synchronized Path file(String prefix, String suffix) {
        try {
            return Files.createTempFile(own(), prefix, suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path own() throws IOException {
        if (own == null) {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            removeEnded(tmp, GRACE);
            Path dir = Files.createTempDirectory(tmp, PREFIX);
            FileChannel lock = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock.lock();
            ownLock = lock;
            own = dir;
        }
        return own;
    }

    /** Removes the folders in {@code tmp} of test JVMs that have ended, leaving those younger than {@code grace}. */
    static void removeEnded(Path tmp, Duration grace) throws IOException {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path folder : folders) {
                if (removeIfEnded(folder, grace)) {
                    LOG.fine(() -> "removed " + folder + ", left by a test JVM that has ended");
                }
            }
        }
    }

    /** Removes {@code folder} if no running JVM holds it; whether it did. */
    private static boolean removeIfEnded(Path folder, Duration grace) {
        Path lockFile = folder.resolve(LOCK);
        try {
            if (Files.getLastModifiedTime(folder).toInstant().isAfter(Instant.now().minus(grace))) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.tryLock()) {
                if (lock == null) {
                    return false; // its JVM still runs
                }
                deleteTree(folder);
                return true;
            }
        } catch (NoSuchFileException e) {
            return false; // another JVM removed it first
        } catch (IOException e) {
            LOG.warning("could not remove " + folder + ", left by an ended test JVM: " + e);
            return false;
        }
    }

    /** Deletes a directory and what it holds; nothing for one that is not there. */
    public static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
