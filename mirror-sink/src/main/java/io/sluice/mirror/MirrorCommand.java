package io.sluice.mirror;

import io.sluice.kafka.KafkaSettings;
import io.sluice.model.Json;
import io.sluice.model.mirror.MirrorRecord;
import io.sluice.service.Flags;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./sluice mirror report [--since PT1H]} prints the sink's report;
 * {@code ./sluice mirror replay --from T1 --to T2 --target HOST:PORT [--unsafe]} sends every copy stored
 * in the mirror topic between T1 and T2 to any target (a new version before it takes live traffic) and
 * compares each answer with the primary's. Times are ISO-8601 instants, epoch milliseconds, {@code now},
 * or a negative duration from now such as {@code -PT10M}. Exit codes: 0 done, 1 failed, 2 bad usage.
 */
public final class MirrorCommand {

    private MirrorCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Runs one mirror command, printing to {@code out}; returns the exit code. */
    public static int run(PrintStream out, String... args) {
        if (args.length == 0) {
            System.err.println(usage());
            return 2;
        }
        try {
            Flags flags = Flags.parse(Arrays.copyOfRange(args, 1, args.length));
            return switch (args[0]) {
                case "report" -> report(out, flags);
                case "replay" -> replay(out, flags, flags.kafka());
                case "help", "-h", "--help" -> {
                    out.println(usage());
                    yield 0;
                }
                default -> {
                    System.err.println("unknown mirror command \"" + args[0] + "\"\n" + usage());
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    static String usage() {
        return """
                usage: sluice mirror report [--since PT1H]
                       sluice mirror replay --from T1 --to T2 --target HOST:PORT [--unsafe]
                         T: ISO-8601 instant, epoch millis, now, or -PT10M (ago)""";
    }

    private static int report(PrintStream out, Flags flags) {
        String base = flags.get("mirror-url", "http://127.0.0.1:" + flags.get("mirror-port", "15082"));
        String since = flags.get("since", "PT1H");
        HttpResponse<String> res;
        try {
            res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/report?since=" + since))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            System.err.println("error: mirror-sink at " + base + " does not answer ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (res.statusCode() != 200) {
            System.err.println("error: " + res.statusCode() + " " + res.body());
            return 1;
        }
        Report report = Json.read(res.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), Report.class);
        out.printf("%-32s %9s %9s %8s %8s %8s %10s %11s %11s%n", "ROUTE", "MIRRORED", "REPLAYED", "SKIPPED",
                "DROPPED", "SAME", "DIFFERENT", "PRIMARY-MS", "SHADOW-MS");
        for (Report.RouteReport r : report.routes()) {
            Report.Counts c = r.totals();
            out.printf("%-32s %9d %9d %8d %8d %8d %10d %11.1f %11.1f%n", r.route(), c.mirrored(), c.replayed(),
                    c.skipped(), c.dropped(), c.same(), c.different(), c.primaryLatencyMsAvg(), c.shadowLatencyMsAvg());
        }
        for (Report.RouteReport r : report.routes()) {
            for (Outcome.Sample s : r.totals().samples()) {
                out.println("\n" + r.route() + ": " + s.method() + " " + s.authority() + s.path() + " (" + s.id() + ")");
                s.differences().forEach(d -> out.println("  " + d));
            }
        }
        return 0;
    }

    /** Replays the window and prints one line per copy and a summary. */
    static int replay(PrintStream out, Flags flags, KafkaSettings kafka) {
        Instant from = time("from", flags.get("from", null));
        Instant to = time("to", flags.get("to", "now"));
        String target = flags.get("target", null);
        if (target == null || !target.matches("[^:/\\s]+:\\d+")) {
            throw new IllegalArgumentException("--target: HOST:PORT to send the copies to, not " + target);
        }
        boolean unsafe = Boolean.parseBoolean(flags.get("unsafe", "false"));
        String host = target.substring(0, target.lastIndexOf(':'));
        int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
        JsonDiff noDiff = new JsonDiff(List.of());
        Map<String, Integer> totals = new java.util.TreeMap<>();
        try (Replayer replayer = new Replayer(Duration.ofSeconds(10));
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.groupless("sluice-mirror-replay"))) {
            List<TopicPartition> parts = consumer.partitionsFor(kafka.topics().mirror(), Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            Map<TopicPartition, Long> query = new HashMap<>();
            parts.forEach(p -> query.put(p, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query);
            for (TopicPartition p : parts) {
                OffsetAndTimestamp s = starts.get(p);
                consumer.seek(p, s == null ? ends.get(p) : s.offset());
            }
            while (parts.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                    if (rec.timestamp() >= to.toEpochMilli() || rec.offset() >= ends.get(
                            new TopicPartition(rec.topic(), rec.partition()))) {
                        continue;
                    }
                    if (!(Json.read(rec.value(), MirrorRecord.class) instanceof MirrorRecord.Request r)) {
                        continue;
                    }
                    String result;
                    if (ShadowReplay.UNSAFE_METHODS.contains(r.method()) && !unsafe) {
                        result = "skipped (" + r.method() + "; --unsafe replays it)";
                    } else if (r.bodyTruncated()) {
                        result = "skipped (request body truncated)";
                    } else {
                        Replayer.Response answer = replayer.send(r, host, port, r.authority(),
                                List.copyOf(r.primary().headers().keySet()));
                        Outcome o = Comparison.compare(r, answer, noDiff, null);
                        result = o.same() ? "same" : "different: " + String.join("; ", o.sample().differences());
                    }
                    String kind = result.startsWith("different") ? "different" : result.startsWith("same") ? "same" : "skipped";
                    totals.merge(kind, 1, Integer::sum);
                    out.println(Instant.ofEpochMilli(r.time()) + " " + r.method() + " " + r.authority() + r.path()
                            + " " + r.primary().status() + " -> " + result);
                }
            }
        }
        out.println("replayed window " + from + " .. " + to + " against " + target + ": " + totals);
        return 0;
    }

    static Instant time(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException("--" + flag + " is required (ISO-8601 instant, epoch millis, now, -PT10M)");
        }
        try {
            if (value.equals("now")) {
                return Instant.now();
            }
            if (value.startsWith("-P")) {
                return Instant.now().minus(Duration.parse(value.substring(1)));
            }
            if (value.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(value));
            }
            return Instant.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("--" + flag + ": not a time: " + value
                    + " (ISO-8601 instant such as 2026-01-01T10:00:00Z, epoch millis, now, -PT10M)");
        }
    }
}
