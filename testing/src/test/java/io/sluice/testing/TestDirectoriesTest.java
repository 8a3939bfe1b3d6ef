package io.sluice.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestDirectoriesTest {

    @TempDir
    Path tmp;

    @Test
    void removesTheFoldersOfEndedJvmsAndKeepsThoseOfRunningOnes() throws Exception {
        Process running = otherJvm();
        Path runningDir = printedDirectory(running);
        Path runningFolder = runningDir.getParent();
        Process ended = otherJvm();
        Path endedFolder = printedDirectory(ended).getParent();
        ended.getOutputStream().close();
        assertEquals(0, ended.waitFor());

        TestDirectories.removeEnded(tmp, Duration.ZERO);
        assertFalse(Files.exists(endedFolder), "the ended JVM's folder is removed, with what it holds");
        assertTrue(Files.exists(runningDir.resolve("ca.crt")), "a running JVM's folder stays, with what it holds");

        running.getOutputStream().close();
        assertEquals(0, running.waitFor());
        TestDirectories.removeEnded(tmp, Duration.ZERO);
        assertFalse(Files.exists(runningFolder), "once its JVM has ended, it goes too");
    }

    @Test
    void leavesFoldersYoungerThanTheGrace() throws Exception {
        Process ended = otherJvm();
        Path folder = printedDirectory(ended).getParent();
        ended.getOutputStream().close();
        assertEquals(0, ended.waitFor());

        TestDirectories.removeEnded(tmp, Duration.ofMinutes(1));
        assertTrue(Files.isDirectory(folder), "a folder this young may be one whose JVM has not locked it yet");
    }

    /** A JVM that makes a directory of its own in {@link #tmp}, prints it, and ends when its input does. */
    private Process otherJvm() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), Holder.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The directory the other JVM made in its scratch folder. */
    private static Path printedDirectory(Process jvm) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            jvm.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the other JVM printed nothing; exit " + jvm.exitValue());
        }
        return Path.of(line);
    }

    /** The other JVM's main. */
    static final class Holder {
        public static void main(String[] args) throws Exception {
            Path dir = TestDirectories.directory("ca");
            Files.writeString(dir.resolve("ca.crt"), "PEM");
            System.out.println(dir);
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream()); // until the test closes our input
        }
    }
}
