package io.sluice.mirror;

import io.sluice.service.Flags;
import io.sluice.service.Launcher;

/** {@code mirror-sink [--mirror-port 15082] [--kafka host:port] [--kafka-config FILE]}. */
public final class MirrorSinkMain {

    private MirrorSinkMain() {
    }

    public static void main(String[] args) {
        Flags flags = Flags.parse(args);
        String host = flags.get("host", "127.0.0.1");
        Launcher.runUntilStopped(() -> {
            MirrorSink sink = MirrorSink.start(flags.kafka(), host, flags.getInt("mirror-port", 15082));
            System.out.println("mirror-sink: listening on http://" + host + ":" + sink.port());
            return sink;
        });
    }
}
