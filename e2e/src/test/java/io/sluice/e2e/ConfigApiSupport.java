package io.sluice.e2e;

import io.sluice.config.ConfigService;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.Topics;
import io.sluice.model.Json;
import io.sluice.testing.KafkaFixture;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/** config-service alone on the shared broker, and what the config API tests need around it. */
final class ConfigApiSupport {

    private ConfigApiSupport() {
    }

    static KafkaSettings topics(String name) {
        return KafkaSettings.of(KafkaFixture.bootstrapServers())
                .withTopics(Topics.withPrefix(KafkaFixture.uniquePrefix(name)));
    }

    static ConfigService start(KafkaSettings kafka, String token) {
        ConfigService s = ConfigService.start(kafka, "127.0.0.1", 0, token);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(s::ready);
        return s;
    }

    static String url(ConfigService s) {
        return "http://127.0.0.1:" + s.port();
    }

    static HttpResponse<String> request(String method, String url, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/yaml")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return SluiceCluster.send(b.build());
    }

    static HttpResponse<String> apply(ConfigService s, String yaml, String query) {
        return request("POST", url(s) + "/apply" + (query.isEmpty() ? "" : "?" + query), yaml, null);
    }

    static JsonNode json(HttpResponse<String> res) {
        try {
            return Json.MAPPER.readTree(res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The config topic's end offset as the broker reports it: what any write, even an aborted one, moves. */
    static long configEndOffset(Admin admin, KafkaSettings kafka) throws Exception {
        TopicPartition tp = new TopicPartition(kafka.topics().config(), 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(10, TimeUnit.SECONDS)
                .offset();
    }

    static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", KafkaFixture.bootstrapServers()));
    }

    /** The output and exit code of the real CLI, run as its own JVM the way {@code ./sluice} runs it. */
    record CliRun(int exit, String out, String err) {
    }

    static CliRun cli(ConfigService s, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.sluice.cli.SluiceCli"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SLUICE_CONFIG_URL", url(s));
        pb.environment().remove("SLUICE_TOKEN");
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("CLI did not finish: " + cmd);
        }
        return new CliRun(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
