package io.sluice.mirror;

import io.sluice.model.mirror.MirrorRecord;
import io.sluice.routing.Cluster;
import io.sluice.routing.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Turns one record of the mirror topic into outcomes: a Drops record into one per route, a request into
 * a replay to its shadow (resolved through the registry, authority with {@code -shadow}) and a
 * comparison, or a skip with its reason.
 */
final class ShadowReplay {

    static final Set<String> UNSAFE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final Replayer replayer;
    private final JsonDiff jsonDiff;
    private final SinkSettings settings;

    ShadowReplay(Replayer replayer, SinkSettings settings) {
        this.replayer = replayer;
        this.jsonDiff = new JsonDiff(settings.ignoreFields());
        this.settings = settings;
    }

    List<Outcome> process(MirrorRecord record, ShadowDirectory.View view) {
        return switch (record) {
            case MirrorRecord.Drops d -> {
                List<Outcome> out = new ArrayList<>();
                d.byRoute().forEach((route, n) -> out.add(Outcome.drops(route, d.time(), n)));
                yield out;
            }
            case MirrorRecord.Request r -> List.of(replay(r, view));
        };
    }

    private Outcome replay(MirrorRecord.Request r, ShadowDirectory.View view) {
        boolean unsafe = UNSAFE_METHODS.contains(r.method());
        if (unsafe && !settings.replayUnsafe() && !view.unsafeAllowed().contains(r.virtualService())) {
            return Outcome.skipped(r.route(), r.time(), r.method() + " is not replayed without "
                    + ShadowDirectory.REPLAY_UNSAFE + " on " + r.virtualService());
        }
        if (r.bodyTruncated()) {
            return Outcome.skipped(r.route(), r.time(), "request body truncated at " + r.body().length + " bytes");
        }
        Cluster shadow = resolve(view, r.mirror(), r);
        if (!shadow.hasEndpoints()) {
            return Outcome.skipped(r.route(), r.time(), "no endpoint for " + shadow.name());
        }
        Replayer.Response answer = replayer.send(r, shadow, pick(shadow), Replayer.shadowAuthority(r.authority()),
                settings.compareHeaders());
        Supplier<Replayer.Response> askPrimary = unsafe || r.primaryTarget() == null ? null : () -> {
            Cluster primary = resolve(view, r.primaryTarget(), r);
            return primary.hasEndpoints()
                    ? replayer.send(r, primary, pick(primary), r.authority(), settings.compareHeaders())
                    : Replayer.Response.none("no endpoint");
        };
        return Comparison.compare(r, answer, jsonDiff, askPrimary);
    }

    private static Cluster resolve(ShadowDirectory.View view, MirrorRecord.Target t, MirrorRecord.Request r) {
        String vs = r.virtualService();
        String namespace = vs.indexOf('/') > 0 ? vs.substring(0, vs.indexOf('/')) : "default";
        return view.resolver().resolve(t.host(), t.subset(), t.port(), namespace);
    }

    private static Upstream pick(Cluster c) {
        return c.pick(ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE));
    }
}
