package io.sluice.cli;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.sluice.model.Json;
import io.sluice.model.registry.Workload;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice backend}: a direct-response HTTP server like the book's Envoy dummy (any method and
 * path → 200 and the body), one access-log line per request, optionally registered as a workload of a
 * service for as long as it runs (heartbeats keep the registration alive; exit deregisters).
 */
final class Backend {

    /** How often a registered backend renews its registration; well inside the registry's TTL. */
    private static final long HEARTBEAT_SECONDS = 3;

    private Backend() {
    }

    static int run(CliArgs args) {
        int port = args.intFlag("port", "p", 0);
        String body = args.flag("body", null, "ok");
        String host = args.flag("host", null, "127.0.0.1");
        // read before listening: a flag it cannot read starts nothing
        Workload planned = registration(args, host, port);
        WebServer server = WebServer.builder().host(host).port(port)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.any((req, res) -> {
                    if (req.content().hasEntity()) {
                        req.content().consume();
                    }
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain").send(body);
                    System.out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + req.prologue().method().text()
                            + " " + req.headers().first(HeaderNames.HOST).orElse("-") + " "
                            + req.prologue().uriPath().rawPath() + " 200");
                }))
                .build().start();
        System.out.println("backend: listening on http://" + host + ":" + server.port());
        Workload workload = planned == null ? null : new Workload(planned.service(), planned.namespace(),
                planned.address(), server.port(), planned.servicePort(), planned.labels(), planned.weight());
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
        if (workload != null) {
            heartbeat.scheduleAtFixedRate(() -> register(workload, "POST"), 0, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
            System.out.println("backend: registered as a workload of " + workload.service() + "."
                    + workload.namespace() + " (service port " + workload.servicePort() + ", labels "
                    + workload.labels() + ")");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            heartbeat.shutdownNow();
            if (workload != null) {
                register(workload, "DELETE");
            }
            server.stop();
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static Workload registration(CliArgs args, String host, int port) {
        String register = args.flag("register", null, null);
        if (register == null) {
            return null;
        }
        int dot = register.indexOf('.');
        String service = dot < 0 ? register : register.substring(0, dot);
        String namespace = dot < 0 ? "default" : register.substring(dot + 1);
        Map<String, String> labels = new LinkedHashMap<>();
        for (String l : args.all("label")) {
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new CliArgs.UsageException("--label wants k=v, not " + l);
            }
            labels.put(l.substring(0, eq), l.substring(eq + 1));
        }
        // the address others reach this backend at: --advertise, else the bind address
        String address = args.flag("advertise", null, host.equals("0.0.0.0") ? "127.0.0.1" : host);
        return new Workload(service, namespace, address, port, args.intFlag("service-port", null, null), labels,
                args.intFlag("weight", null, null));
    }

    private static void register(Workload w, String method) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(
                CliArgs.env("SLUICE_REGISTRY_URL", "http://127.0.0.1:15081") + "/v1/workloads"))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(w)));
        HttpResponse<String> res = ConfigCommands.send(b);
        if (res != null && res.statusCode() >= 300) {
            System.err.println("backend: registry answered " + res.statusCode() + ": " + res.body());
        }
    }
}
