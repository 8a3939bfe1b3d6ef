package io.sluice.kafka;

import io.sluice.kafka.secrets.SecretKeys;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How every Sluice service talks to Kafka: the bootstrap servers, the topic names, and any client
 * property from an optional properties file ({@code security.protocol}, {@code sasl.*}, {@code ssl.*},
 * …) passed through untouched, so a secured cluster needs no code change.
 *
 * <p>Sources, later wins: built-in defaults, the properties file ({@code --kafka-config} or
 * {@code SLUICE_KAFKA_CONFIG}), the bootstrap ({@code --kafka} or {@code SLUICE_KAFKA_BOOTSTRAP}).
 *
 * @param secretKeys seal and open Secret data in the config topic ({@link SecretKeys#none()} when the
 *                   process has no key file)
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties, Topics topics,
                            SecretKeys secretKeys) {

    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    public KafkaSettings {
        clientProperties = Map.copyOf(clientProperties);
        secretKeys = secretKeys == null ? SecretKeys.none() : secretKeys;
    }

    public KafkaSettings(String bootstrapServers, Map<String, String> clientProperties, Topics topics) {
        this(bootstrapServers, clientProperties, topics, SecretKeys.none());
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of(), Topics.defaults());
    }

    /** Reads the bootstrap and properties file from the environment; {@code bootstrap} wins when given. */
    public static KafkaSettings fromEnvironment(String bootstrap, String propertiesFile) throws IOException {
        String file = propertiesFile != null ? propertiesFile : System.getenv("SLUICE_KAFKA_CONFIG");
        Map<String, String> props = new HashMap<>();
        if (file != null && !file.isBlank()) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(n -> props.put(n, p.getProperty(n)));
        }
        String servers = bootstrap != null ? bootstrap
                : System.getenv("SLUICE_KAFKA_BOOTSTRAP") != null ? System.getenv("SLUICE_KAFKA_BOOTSTRAP")
                : props.getOrDefault(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
        String prefix = props.remove("sluice.topic.prefix");
        return new KafkaSettings(servers, props, prefix == null ? Topics.defaults() : Topics.withPrefix(prefix));
    }

    public KafkaSettings withTopics(Topics t) {
        return new KafkaSettings(bootstrapServers, clientProperties, t, secretKeys);
    }

    public KafkaSettings withSecretKeys(SecretKeys keys) {
        return new KafkaSettings(bootstrapServers, clientProperties, topics, keys);
    }

    /** Common properties: the file's, then the bootstrap. */
    public Map<String, Object> common() {
        Map<String, Object> m = new HashMap<>(clientProperties);
        m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Kafka's default JmxReporter registers an MBean per client metric, hundreds per client: about
        // 0.2 s of a fresh gateway's start before its first fetch (BENCHMARKS.md, scale). The metrics
        // Sluice reports it reads from the clients; a properties file can turn the reporter back on.
        m.putIfAbsent(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, "");
        return m;
    }

    /**
     * A producer whose acknowledged writes are never lost: acks=all, idempotent, and no linger so a
     * write is on its way at once (Kafka 4 lingers 5 ms by default).
     */
    public Map<String, Object> reliableProducer(String clientId) {
        Map<String, Object> m = producer(clientId);
        m.put(ProducerConfig.ACKS_CONFIG, "all");
        m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        m.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // fail a write within seconds when the cluster is gone, instead of holding the caller for minutes
        m.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        m.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        m.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000);
        return m;
    }

    /**
     * A producer of string keys and byte values with the common properties: the base every Sluice
     * producer tunes (acks, idempotence, linger) for what it writes.
     */
    public Map<String, Object> producer(String clientId) {
        Map<String, Object> m = common();
        m.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return m;
    }

    /** A consumer that reads a topic without a group (assign + seek), keys as strings. */
    public Map<String, Object> groupless(String clientId) {
        Map<String, Object> m = common();
        m.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // topics are made by TopicAdmin with their compaction settings; a reader that asks first must
        // wait for them, not have the broker make a topic with its defaults
        m.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        m.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        m.putIfAbsent(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
        return m;
    }

    /** A consumer in a group that commits by itself after processing. */
    public Map<String, Object> grouped(String clientId, String groupId) {
        Map<String, Object> m = groupless(clientId);
        m.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return m;
    }
}
