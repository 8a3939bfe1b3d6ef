package io.sluice.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real command-line client (curl, openssl) and captures what it printed and its exit code. */
final class Tools {

    private Tools() {
    }

    record Result(int exit, String stdout, String stderr) {

        Result requireExit(int expected) {
            if (exit != expected) {
                throw new IllegalStateException("exit " + exit + " (expected " + expected + ")\n" + stdout + "\n" + stderr);
            }
            return this;
        }
    }

    static Result run(List<String> command, int timeoutSeconds) {
        return run(command, null, timeoutSeconds);
    }

    /** @param stdin written to the process and then closed; null closes it at once */
    static Result run(List<String> command, String stdin, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[][] streams = new byte[2][];
            Thread o = Thread.ofVirtual().start(() -> streams[0] = readAll(p.getInputStream()));
            Thread e = Thread.ofVirtual().start(() -> streams[1] = readAll(p.getErrorStream()));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.getFirst() + " did not finish in " + timeoutSeconds + " s");
            }
            o.join();
            e.join();
            return new Result(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                    new String(streams[1], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
