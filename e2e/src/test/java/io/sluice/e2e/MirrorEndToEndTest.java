package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.mirror.MirrorCommand;
import io.sluice.mirror.MirrorSink;
import io.sluice.mirror.Outcome;
import io.sluice.mirror.Report;
import io.sluice.mirror.SinkSettings;
import io.sluice.model.Json;
import io.sluice.testing.BookFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The book's mirroring (4b) through a gateway node, the mirror topic and mirror-sink, on the real
 * broker and real sockets: copies reach the shadow with {@code -shadow} authorities, differences show in
 * the report, a stopped sink costs the primary nothing and resumes where it stopped, and
 * {@code mirrorPercentage} samples.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MirrorEndToEndTest {

    static final String V1 = "Bootstrap Service Mesh Implementation with Istio";
    static final String NGINX = "<h1>Welcome to nginx!</h1>";
    static final String ROUTE = "chapter4/mockshop#0";
    static final String API_ROUTE = "shop/api#0";
    static final String API = """
            apiVersion: networking.istio.io/v1alpha3
            kind: Gateway
            metadata: {name: api-gateway, namespace: shop}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["api.shop.com"]
            ---
            apiVersion: networking.istio.io/v1alpha3
            kind: VirtualService
            metadata: {name: api, namespace: shop}
            spec:
              hosts: ["api.shop.com"]
              gateways: [api-gateway]
              http:
              - route:
                - destination: {host: catalog, port: {number: 80}}
                mirror: {host: catalog-next, port: {number: 80}}
            """;

    static SluiceCluster cluster;
    static TestBackend primary;
    static TestBackend shadow;
    static TestBackend catalogNext;
    static MirrorSink sink;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("mirror");
        primary = cluster.backend(V1, "envoydummy", "chapter4", "version", "v1");
        // the book's nginxdummy, deployed in chapter4 as its README says
        shadow = cluster.backend(NGINX, "nginxdummy", "chapter4", "name", "nginxdummy", "version", "v1");
        cluster.register(TestBackend.start("application/json",
                () -> "{\"name\":\"sock\",\"price\":10,\"servedAt\":" + System.nanoTime() + "}"), "catalog", "shop");
        catalogNext = cluster.register(TestBackend.start("application/json",
                () -> "{\"name\":\"sock\",\"price\":12,\"servedAt\":" + System.nanoTime() + "}"), "catalog-next", "shop");
        for (String yaml : List.of(BookFiles.read("01-envoy-proxy.yaml"),
                BookFiles.read("utilities-nginx.yaml").replace("chapter5", "chapter4"),
                BookFiles.read("4b-istio-gateway.yaml"), API)) {
            HttpResponse<String> res = cluster.apply(yaml);
            assertEquals(200, res.statusCode(), res.body());
        }
        sink = startSink();
        Awaitility.await("gateway mirrors and sink replays").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> cluster.get("mockshop.com", "/").statusCode() == 200 && shadow.requests.get() > 0);
    }

    static MirrorSink startSink() {
        MirrorSink s = MirrorSink.start(cluster.kafka, "127.0.0.1", 0, SinkSettings.defaults());
        Awaitility.await("mirror-sink ready").atMost(Duration.ofSeconds(60)).until(s::ready);
        return s;
    }

    @AfterAll
    static void stop() throws Exception {
        if (sink != null) {
            sink.close();
        }
        cluster.close();
    }

    @Test
    @Order(1)
    void book4bAnswersFromV1AndCopiesEveryRequestToNginxWithAShadowAuthority() {
        // the copies of the warm-up requests first
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> shadow.requests.get() == cluster.gateway.mirror().sent());
        int before = shadow.requests.get();
        int primaryBefore = primary.requests.get();
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> res = cluster.get("mockshop.com", "/item/" + i);
            assertEquals(200, res.statusCode());
            assertEquals(V1, res.body(), "the client never sees the shadow's answer");
        }
        assertEquals(primaryBefore + 100, primary.requests.get());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> shadow.requests.get() >= before + 100);
        List<TestBackend.Seen> copies = shadow.seen.subList(before, shadow.seen.size());
        assertEquals(100, copies.size());
        for (TestBackend.Seen s : copies) {
            assertEquals("mockshop.com-shadow", s.host());
            assertEquals("GET", s.method());
            assertTrue(s.path().startsWith("/item/"), s.path());
            assertEquals("127.0.0.1", s.forwardedFor(), "x-forwarded-for is kept");
        }
        assertTrue(primary.seen.stream().noneMatch(s -> s.host().endsWith("-shadow")));
    }

    @Test
    @Order(2)
    void aShadowThatAnswersDifferentlyShowsInTheReportWithASampleDiff() {
        for (int i = 0; i < 20; i++) {
            assertEquals(200, cluster.get("api.shop.com", "/socks/1").statusCode());
        }
        HttpResponse<String> post = SluiceCluster.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + cluster.gateway.localPort(80) + "/cart"))
                .header("Host", "mockshop.com").POST(HttpRequest.BodyPublishers.ofString("{\"sock\":1}")).build());
        assertEquals(200, post.statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            Report r = report();
            return totals(r, API_ROUTE).replayed() >= 20 && totals(r, ROUTE).skipped() >= 1;
        });
        Report report = report();
        Report.Counts api = totals(report, API_ROUTE);
        assertEquals(api.replayed(), api.differentBody(), "every catalog-next answer has another price");
        Outcome.Sample sample = api.samples().getFirst();
        assertEquals(List.of("body /price: 10 -> 12"), sample.differences(),
                "servedAt differs between two primary answers too: noise, not a difference");
        assertEquals(List.of("/servedAt"), sample.noisyFields());
        assertEquals("api.shop.com", sample.authority());

        Report.Counts book = totals(report, ROUTE);
        assertTrue(book.different() >= 100, "nginx's page is not the V1 body: " + book);
        assertTrue(book.samples().getFirst().differences().stream().anyMatch(d -> d.startsWith("body sha256")),
                book.samples().getFirst().differences().toString());
        assertTrue(shadow.seen.stream().noneMatch(s -> s.method().equals("POST")),
                "POST is not replayed without sluice.io/mirror-replay-unsafe");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertEquals(0, MirrorCommand.run(new PrintStream(printed, true, StandardCharsets.UTF_8), "report",
                "--mirror-url", sinkUrl()));
        String table = printed.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains(API_ROUTE) && table.contains("body /price: 10 -> 12"), table);

        String html = SluiceCluster.send(HttpRequest.newBuilder(URI.create(sinkUrl() + "/")).build()).body();
        assertTrue(html.contains(API_ROUTE) && html.contains("/price: 10 -&gt; 12"), html);
    }

    @Test
    @Order(3)
    void aStoppedSinkCostsThePrimaryNothingAndResumesWhereItStopped() {
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> sink.consumed() > 0 && cluster.gateway.mirror().sent() >= sink.consumed());
        long stores = reportStores();
        sink.close();
        sink = null;
        assertEquals(stores - 1, reportStores(), "a closed sink leaves no local report store behind");
        int before = shadow.requests.get();
        for (int i = 0; i < 300; i++) {
            HttpResponse<String> res = cluster.get("mockshop.com", "/while-away/" + i);
            assertEquals(200, res.statusCode());
            assertEquals(V1, res.body());
        }
        assertEquals(before, shadow.requests.get(), "nothing replays while the sink is away");
        sink = startSink();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> shadow.requests.get() >= before + 300);
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> shadow.requests.get() == before + 300);
        assertEquals(300, sink.replayed(), "the restarted sink replays only what it had not committed");
        assertTrue(shadow.seen.subList(before, before + 300).stream()
                .allMatch(s -> s.path().startsWith("/while-away/")));
    }

    @Test
    @Order(4)
    void mirrorPercentage25CopiesAQuarterOfTwoThousandRequests() {
        HttpResponse<String> res = cluster.apply(BookFiles.read("4b-istio-gateway.yaml")
                .replace("value: 100.0", "value: 25"));
        assertEquals(200, res.statusCode(), res.body());
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> cluster.gateway.routes().current().dump().contains("25.0%"));
        long copiesBefore = copies();
        int shadowBefore = shadow.requests.get();
        for (int i = 0; i < 2000; i++) {
            assertEquals(200, cluster.get("mockshop.com", "/").statusCode());
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(300))
                .until(() -> copies() == copiesBefore + (shadow.requests.get() - shadowBefore));
        long mirrored = copies() - copiesBefore;
        assertTrue(mirrored >= 400 && mirrored <= 600, "mirrored " + mirrored + " of 2000");
        assertEquals(0, cluster.gateway.mirror().dropped());
    }

    @Test
    @Order(5)
    void replaysAStoredWindowAgainstAnyTarget() {
        assertEquals(200, cluster.apply(BookFiles.read("4b-istio-gateway.yaml")).statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> cluster.gateway.routes().current().dump().contains("100.0%"));
        TestBackend candidate = TestBackend.start(V1);
        try (candidate) {
            Instant from = Instant.now();
            long sentBefore = cluster.gateway.mirror().sent();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, cluster.get("mockshop.com", "/window/" + i).statusCode());
            }
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> cluster.gateway.mirror().sent() >= sentBefore + 10);
            Instant to = Instant.now().plusMillis(1);
            String mirror = cluster.kafka.topics().mirror();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = MirrorCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8), "replay",
                    "--kafka", cluster.kafka.bootstrapServers(),
                    "--topic-prefix", mirror.substring(0, mirror.length() - "mirror".length()),
                    "--from", from.toString(), "--to", to.toString(),
                    "--target", "127.0.0.1:" + candidate.port());
            String printed = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, printed);
            assertEquals(10, candidate.requests.get(), printed);
            assertTrue(candidate.seen.stream().allMatch(s -> s.path().startsWith("/window/")
                    && s.host().equals("mockshop.com")), candidate.seen.toString());
            assertTrue(printed.contains("{same=10}"), "the candidate answers as v1 does: " + printed);
        }
    }

    /** The local report stores of the sinks in this JVM (each sink makes one under the temp directory). */
    private static long reportStores() {
        try (var dirs = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("sluice-mirror-report")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Copies the gateway made: acknowledged by Kafka or dropped. */
    private static long copies() {
        return cluster.gateway.mirror().sent() + cluster.gateway.mirror().dropped();
    }

    private static String sinkUrl() {
        return "http://127.0.0.1:" + sink.port();
    }

    private static Report report() {
        return report(sink);
    }

    static Report report(MirrorSink sink) {
        HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + sink.port() + "/report")).build());
        assertEquals(200, res.statusCode(), res.body());
        return Json.read(res.body().getBytes(StandardCharsets.UTF_8), Report.class);
    }

    static Report.Counts totals(Report r, String route) {
        return r.routes().stream().filter(x -> x.route().equals(route)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + route + " in " + r)).totals();
    }
}
