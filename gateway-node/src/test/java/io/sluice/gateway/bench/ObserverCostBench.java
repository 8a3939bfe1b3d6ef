package io.sluice.gateway.bench;

import io.sluice.gateway.accesslog.AccessLog;
import io.sluice.gateway.accesslog.AccessLogFormat;
import io.sluice.gateway.metrics.IstioMetrics;
import io.sluice.gateway.proxy.Exchange;
import io.sluice.gateway.proxy.ExchangeObserver;
import io.sluice.routing.Cluster;
import java.io.FileOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * What telemetry adds to the request thread, isolated from the proxy's I/O: nanoseconds per
 * {@code completed(exchange)} for Istio metrics, and for metrics plus the access log (its writer
 * thread formats and writes to a file meanwhile), from {@code threads} request threads at once.
 * {@code ObserverCostBench [threads=2] [millions=5] [log-file=/dev/null]}
 */
public final class ObserverCostBench {

    private ObserverCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        long perThread = (args.length > 1 ? Long.parseLong(args[1]) : 5) * 1_000_000 / threads;
        String file = args.length > 2 ? args[2] : "/dev/null";
        Cluster v1 = new Cluster("envoydummy.chapter4.svc.cluster.local", 80, "v1", "v1", List.of(), false);
        Cluster v2 = new Cluster("envoydummy.chapter4.svc.cluster.local", 80, "v2", "v2", List.of(), false);
        Exchange[] sample = new Exchange[16];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = new Exchange(Instant.now(), i % 7, "GET", "/", "HTTP/1.1", i % 8 == 0 ? 503 : 200,
                    i % 8 == 0 ? "UH" : "-", 0, 48, 2, "10.0.0.1", "wrk", "7d8a1c4e-1c2b-4a8e-9d3f-0123456789ab",
                    "mockshop.com", "127.0.0.1:10000", i % 10 == 0 ? v1 : v2, "127.0.0.1:8080", "127.0.0.1:5000",
                    "chapter4/mockshop#0", null);
        }
        for (int round = 1; round <= 3; round++) {
            run("metrics", ExchangeObserver.all(List.of(new IstioMetrics("gw"))), sample, threads, perThread, round);
            try (AccessLog log = new AccessLog(AccessLogFormat.TEXT, new FileOutputStream(file))) {
                run("metrics+log", ExchangeObserver.all(List.of(new IstioMetrics("gw"), log)), sample, threads,
                        perThread, round);
                System.out.printf("             access log written %d, dropped %d (queue full)%n", log.written(),
                        log.dropped());
            }
        }
    }

    private static void run(String name, ExchangeObserver observer, Exchange[] sample, int threads, long perThread,
                            int round) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(threads);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().start(() -> {
                for (long i = 0; i < perThread; i++) {
                    observer.completed(sample[(int) (i & 15)]);
                }
                done.countDown();
            });
        }
        done.await();
        double ns = (System.nanoTime() - start) / (double) (perThread * threads) * threads;
        System.out.printf("round %d  %-12s %.0f ns per request per thread (%d threads)%n", round, name, ns, threads);
    }
}
