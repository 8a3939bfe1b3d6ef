package io.sluice.mirror;

import io.sluice.service.Flags;
import io.sluice.service.Launcher;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code mirror-sink [--mirror-port 15082] [--kafka host:port] [--kafka-config FILE] [--secret-key-file FILE]
 * [--instance-id sink-1]
 * [--replay-unsafe] [--ignore-fields timestamp,/meta/id] [--compare-headers content-type,location,cache-control]
 * [--report-window PT1M]}.
 */
public final class MirrorSinkMain {

    private MirrorSinkMain() {
    }

    public static void main(String[] args) {
        Flags flags = Flags.parse(args);
        String host = flags.get("host", "127.0.0.1");
        SinkSettings d = SinkSettings.defaults();
        SinkSettings settings = d.withInstanceId(flags.get("instance-id", d.instanceId()))
                .withReplayUnsafe(Boolean.parseBoolean(flags.get("replay-unsafe", "false")))
                .withIgnoreFields(csv(flags.get("ignore-fields", "")))
                .withCompareHeaders(csv(flags.get("compare-headers", String.join(",", d.compareHeaders()))))
                .withWindow(Duration.parse(flags.get("report-window", d.window().toString())));
        Launcher.runUntilStopped(() -> {
            MirrorSink sink = MirrorSink.start(flags.kafka(), host, flags.getInt("mirror-port", 15082), settings);
            System.out.println("mirror-sink: report on http://" + host + ":" + sink.port() + "/");
            return sink;
        });
    }

    static List<String> csv(String s) {
        return s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
