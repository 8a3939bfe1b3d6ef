package io.sluice.config;

import io.helidon.webserver.WebServer;
import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.status.NodeStatus;
import io.sluice.service.Servers;
import java.time.Duration;

/**
 * config-service: validates resources and stores them in the compacted config topic. It keeps no
 * database: its view is the topic, read again from the start at every start.
 */
public final class ConfigService implements AutoCloseable {

    /** Shared by every replica: Kafka's fencing of this id is what serialises their writes. */
    public static final String TRANSACTIONAL_ID = "sluice-config-writer";

    private final CompactedTopicStore<Resource> store;
    private final CompactedTopicStore<ServiceEndpoints> registry;
    private final CompactedTopicStore<NodeStatus> nodes;
    private final ConfigWriter writer;
    private final WebServer server;

    private ConfigService(CompactedTopicStore<Resource> store, CompactedTopicStore<ServiceEndpoints> registry,
                          CompactedTopicStore<NodeStatus> nodes, ConfigWriter writer, WebServer server) {
        this.store = store;
        this.registry = registry;
        this.nodes = nodes;
        this.writer = writer;
        this.server = server;
    }

    /**
     * Starts on {@code host:port} (port 0 picks a free one); returns once the HTTP port is open. Writes
     * are refused until the store has read the topic to its end.
     */
    public static ConfigService start(KafkaSettings kafka, String host, int port, String token) {
        TopicAdmin.ensureTopics(kafka, Duration.ofMinutes(2));
        // a write is answered once this view holds it (see ConfigWriter): the store's parked fetch is
        // answered when the commit marker lands, so that wait is one broker round trip, not a poll period
        CompactedTopicStore<Resource> store = new CompactedTopicStore<>(kafka, kafka.topics().config(),
                "sluice-config-service",
                (key, value, offset) -> kafka.secretKeys().open(Json.fromRecord(value, offset)))
                .start();
        String txId = TRANSACTIONAL_ID + "-" + kafka.topics().config();
        ConfigWriter writer = new ConfigWriter(kafka, txId, store);
        // the registry's view, read only to warn about destinations nobody serves
        CompactedTopicStore<ServiceEndpoints> registry = new CompactedTopicStore<>(kafka, kafka.topics().registry(),
                "sluice-config-service-registry", (key, value, offset) -> Json.read(value, ServiceEndpoints.class))
                .start();
        Admission admission = new Admission(() -> store.snapshot().entries(),
                () -> registry.snapshot().entries().keySet());
        ConfigApi api = new ConfigApi(store, writer, admission, token);
        CompactedTopicStore<NodeStatus> nodes = NodeStatusApi.store(kafka);
        NodeStatusApi status = new NodeStatusApi(nodes, store);
        WebServer server = Servers.start(WebServer.builder()
                .host(host)
                .port(port)
                .routing(r -> {
                    api.routing(r);
                    status.routing(r);
                })
                .build(), "the config API on " + host + ":" + port);
        return new ConfigService(store, registry, nodes, writer, server);
    }

    public int port() {
        return server.port();
    }

    public boolean ready() {
        return store.ready();
    }

    @Override
    public void close() {
        server.stop();
        writer.close();
        store.close();
        registry.close();
        nodes.close();
    }
}
