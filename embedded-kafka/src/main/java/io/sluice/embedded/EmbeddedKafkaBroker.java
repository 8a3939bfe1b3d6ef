package io.sluice.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one), started from the Maven
 * jars. Its log directory is kept between starts, so the data survives a restart as a real cluster's
 * does. Used by {@code ./sluice up} (as its own process, see {@link #main}) and by the test fixture.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    public EmbeddedKafkaBroker(Path dataDir, int port, int controllerPort) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** A broker on two free ports, its data in {@code dataDir}. */
    public static EmbeddedKafkaBroker onFreePorts(Path dataDir) throws IOException {
        return new EmbeddedKafkaBroker(dataDir, freePort(), freePort());
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public synchronized EmbeddedKafkaBroker start() throws IOException {
        Path logs = dataDir.resolve("logs");
        Files.createDirectories(logs);
        Properties props = properties(logs);
        Path file = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            props.store(w, "Sluice embedded Kafka broker");
        }
        if (!Files.exists(logs.resolve("meta.properties"))) {
            format(file);
        }
        server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        return this;
    }

    /** Stops the broker; its data stays for the next start. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    private Properties properties(Path logs) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logs.toAbsolutePath().toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // small machines: the cleaner's default 128 MiB dedupe buffer is most of a small heap
        p.put("log.cleaner.dedupe.buffer.size", "16777216");
        p.put("log.cleaner.backoff.ms", "1000");
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private static void format(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                    ps);
        } catch (Exception e) {
            throw new IllegalStateException("formatting the Kafka log directory failed: " + out, e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /**
     * {@code java io.sluice.embedded.EmbeddedKafkaBroker DIR PORT CONTROLLER_PORT}: runs until stopped
     * (SIGTERM or Ctrl-C), then shuts down cleanly.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EmbeddedKafkaBroker DATA_DIR PORT CONTROLLER_PORT");
            System.exit(2);
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Path.of(args[0]), Integer.parseInt(args[1]),
                Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }));
        broker.start();
        System.out.println("kafka: listening on " + broker.bootstrapServers() + " (data in " + args[0] + ")");
        stopped.await();
    }
}
