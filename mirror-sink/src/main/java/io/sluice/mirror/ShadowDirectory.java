package io.sluice.mirror;

import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import io.sluice.model.ResourceKind;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.routing.ConfigSnapshot;
import io.sluice.routing.DestinationResolver;
import java.util.HashSet;
import java.util.Set;

/**
 * The sink's view of config and registry: resolves mirror destinations to endpoints exactly as the
 * gateway's compiler does (DestinationRule subsets included), and knows which VirtualServices allow
 * replaying non-idempotent methods. Rebuilt whole on every change and read through one reference.
 */
final class ShadowDirectory implements AutoCloseable {

    /** On a VirtualService: {@code "true"} lets the sink replay POST, PUT, PATCH and DELETE to its mirrors. */
    static final String REPLAY_UNSAFE = "sluice.io/mirror-replay-unsafe";

    record View(DestinationResolver resolver, Set<String> unsafeAllowed) {
    }

    private final CompactedTopicStore<Resource> config;
    private final CompactedTopicStore<ServiceEndpoints> registry;
    private volatile View view;

    ShadowDirectory(KafkaSettings kafka, String clientId) {
        config = new CompactedTopicStore<>(kafka, kafka.topics().config(), clientId + "-config",
                (k, v, offset) -> readsFrom(ResourceKey.kindOf(k))
                        ? kafka.secretKeys().open(Json.fromRecordTyped(v, offset)) : null);
        registry = new CompactedTopicStore<>(kafka, kafka.topics().registry(), clientId + "-registry",
                (k, v, offset) -> Json.read(v, ServiceEndpoints.class));
        config.addListener(s -> rebuild());
        registry.addListener(s -> rebuild());
        config.start();
        registry.start();
    }

    /**
     * The kinds the view is built from: DestinationRules (a mirror's subsets and the TLS it originates),
     * the Secrets their {@code credentialName}s name (opened with the key the gateways have; without it a
     * shadow needing one is skipped for want of an endpoint), and VirtualServices (which may replay
     * unsafe methods). The rest (Services, Gateways) the sink would only hold.
     */
    private static boolean readsFrom(ResourceKind kind) {
        return kind == ResourceKind.DESTINATION_RULE || kind == ResourceKind.VIRTUAL_SERVICE
                || kind == ResourceKind.SECRET;
    }

    boolean ready() {
        return config.ready() && registry.ready();
    }

    /** The current view, built after both topics were read to their end; null before. */
    View view() {
        if (view == null && ready()) {
            rebuild();
        }
        return view;
    }

    private synchronized void rebuild() {
        if (!ready()) {
            return;
        }
        var c = config.snapshot();
        var r = registry.snapshot();
        ConfigSnapshot snapshot = new ConfigSnapshot(c.entries().values(), c.revision(), r.entries(), r.revision());
        Set<String> unsafe = new HashSet<>();
        for (Resource vs : snapshot.ofKind(ResourceKind.VIRTUAL_SERVICE)) {
            if ("true".equals(vs.metadata().annotations().get(REPLAY_UNSAFE))) {
                unsafe.add(vs.namespace() + "/" + vs.name());
            }
        }
        view = new View(DestinationResolver.of(snapshot), Set.copyOf(unsafe));
    }

    @Override
    public void close() {
        config.close();
        registry.close();
    }
}
