package io.sluice.testing;

import io.sluice.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The one real Kafka broker of a test JVM, started on first use and stopped when the JVM exits:
 * Testcontainers' {@code apache/kafka} when a Docker engine is present, the embedded KRaft broker
 * otherwise. Never a mock. Tests keep apart by asking for their own topic prefix.
 */
public final class KafkaFixture {

    private static final Logger LOG = Logger.getLogger(KafkaFixture.class.getName());
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static Broker broker;

    private KafkaFixture() {
    }

    /** Where the shared broker listens, starting it if needed. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = startBroker();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "kafka-fixture-stop"));
        }
        return broker.bootstrapServers();
    }

    /** A topic prefix no other test in this JVM uses, so each test starts from empty topics. */
    public static String uniquePrefix(String name) {
        return "t" + PREFIXES.incrementAndGet() + "-" + name + ".";
    }

    /**
     * Stops the broker, keeping its data, as if the cluster went away; {@link #startBroker()} brings it
     * back on the same port. Only the embedded broker supports this.
     */
    public static synchronized void stopBroker() {
        bootstrapServers();
        broker.pause();
    }

    public static synchronized void restartBroker() {
        broker.resume();
    }

    private static Broker startBroker() {
        if (!"embedded".equals(System.getProperty("sluice.kafka.fixture")) && dockerAvailable()) {
            KafkaContainer container = new KafkaContainer("apache/kafka:4.1.0");
            container.start();
            LOG.info("test Kafka: Testcontainers at " + container.getBootstrapServers());
            return new ContainerBroker(container);
        }
        try {
            Path dir = TestDirectories.directory("kafka");
            EmbeddedBroker b = new EmbeddedBroker(dir);
            LOG.info("test Kafka: embedded broker at " + b.bootstrapServers());
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    private interface Broker {
        String bootstrapServers();

        void stop();

        default void pause() {
            throw new UnsupportedOperationException("this broker cannot be paused");
        }

        default void resume() {
            throw new UnsupportedOperationException("this broker cannot be paused");
        }
    }

    private record ContainerBroker(KafkaContainer container) implements Broker {
        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public void stop() {
            container.stop();
        }

        @Override
        public void pause() {
            container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
        }

        @Override
        public void resume() {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
        }
    }

    private static final class EmbeddedBroker implements Broker {
        private final EmbeddedKafkaBroker broker;

        EmbeddedBroker(Path dir) throws IOException {
            this.broker = EmbeddedKafkaBroker.onFreePorts(dir).start();
        }

        @Override
        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        @Override
        public void stop() {
            broker.close();
        }

        @Override
        public void pause() {
            broker.close();
        }

        @Override
        public void resume() {
            try {
                broker.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
