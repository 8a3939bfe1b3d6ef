package io.sluice.system;

import io.sluice.testing.process.ProcessCluster;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Steady client traffic through every gateway node while processes are killed: one thread per node
 * sends {@code GET /} with a Host header every {@link #PACE}, each on its own keep-alive connection
 * pool, and counts answers that are 200 with one of the expected bodies against everything else.
 * Bounded: it stops after {@link #MAX_DURATION} even if nobody closes it.
 */
final class Traffic implements AutoCloseable {

    private static final Duration PACE = Duration.ofMillis(20);
    private static final Duration MAX_DURATION = Duration.ofMinutes(8);

    /** One node's counters. {@link #lock} is held for the whole of a request, so a pause waits for it. */
    private static final class Node {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final ReentrantLock lock = new ReentrantLock();
        volatile boolean enabled = true;
    }

    private final List<Node> nodes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    Traffic(ProcessCluster cluster, String host, Set<String> bodies) {
        long deadline = System.nanoTime() + MAX_DURATION.toNanos();
        for (int i = 1; i <= cluster.gatewayCount(); i++) {
            Node node = new Node();
            nodes.add(node);
            HttpRequest request = HttpRequest.newBuilder(cluster.gatewayUri(i, "/")).header("Host", host)
                    .timeout(Duration.ofSeconds(5)).GET().build();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            threads.add(Thread.ofPlatform().name("traffic-ingress-" + i).daemon().start(() -> {
                while (running && System.nanoTime() < deadline) {
                    node.lock.lock();
                    try {
                        if (node.enabled) {
                            send(client, request, bodies, node);
                        }
                    } finally {
                        node.lock.unlock();
                    }
                    try {
                        Thread.sleep(PACE); // pacing a load generator, not waiting for a condition
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
    }

    private static void send(HttpClient client, HttpRequest request, Set<String> bodies, Node node) {
        try {
            HttpResponse<String> res = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == 200 && bodies.contains(res.body())) {
                node.ok.incrementAndGet();
            } else {
                fail(node, res.statusCode() + " " + res.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            fail(node, e.toString());
        }
    }

    private static void fail(Node node, String what) {
        node.failed.incrementAndGet();
        if (node.failures.size() < 5) {
            node.failures.add(what);
        }
    }

    /** Starts counting afresh, so a test sees only the failures that happened during it. */
    void resetCounts() {
        for (Node n : nodes) {
            n.lock.lock();
            try {
                n.ok.set(0);
                n.failed.set(0);
                n.failures.clear();
            } finally {
                n.lock.unlock();
            }
        }
    }

    /** Stops sending to node {@code i} (counted from 1); returns once its request in flight has ended. */
    void pause(int i) {
        Node n = nodes.get(i - 1);
        n.enabled = false;
        n.lock.lock();
        n.lock.unlock();
    }

    void resume(int i) {
        nodes.get(i - 1).enabled = true;
    }

    long ok(int i) {
        return nodes.get(i - 1).ok.get();
    }

    long failed(int i) {
        return nodes.get(i - 1).failed.get();
    }

    /** The first few failures seen through node {@code i}, for the assertion message. */
    String failures(int i) {
        return "ingress-" + i + ": " + nodes.get(i - 1).failures;
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
