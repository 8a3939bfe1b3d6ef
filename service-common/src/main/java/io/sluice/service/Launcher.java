package io.sluice.service;

import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/** Runs a service until the JVM is asked to stop (SIGTERM, Ctrl-C), then closes it cleanly. */
public final class Launcher {

    private Launcher() {
    }

    public static void runUntilStopped(Supplier<? extends AutoCloseable> start) {
        AutoCloseable service;
        try {
            service = start.get();
        } catch (RuntimeException e) {
            System.err.println("failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
