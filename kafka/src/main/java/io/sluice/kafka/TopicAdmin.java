package io.sluice.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics a service needs when they are missing, with the settings of {@link Topics}. */
public final class TopicAdmin {

    private static final Logger LOG = Logger.getLogger(TopicAdmin.class.getName());

    private TopicAdmin() {
    }

    /**
     * Creates every missing topic and waits until the cluster lists it (a create can return before the
     * topic is visible to describe and metadata calls). Retries until {@code timeout}, so services can
     * start before the broker.
     */
    public static void ensureTopics(KafkaSettings settings, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(settings.common())) {
            while (true) {
                try {
                    create(admin, settings.topics());
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka at " + settings.bootstrapServers()
                                + " did not answer within " + timeout + ": " + e.getMessage(), e);
                    }
                    LOG.warning("waiting for Kafka at " + settings.bootstrapServers() + ": " + e.getMessage());
                    Thread.sleep(1_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private static void create(Admin admin, Topics topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
        List<NewTopic> missing = topics.all().stream()
                .filter(t -> !existing.contains(t.name()))
                .map(t -> new NewTopic(t.name(), java.util.Optional.of(t.partitions()), java.util.Optional.empty())
                        .configs(t.configs()))
                .toList();
        for (NewTopic t : missing) {
            try {
                admin.createTopics(List.of(t)).all().get(10, TimeUnit.SECONDS);
                LOG.info("created topic " + t.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        while (!admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(
                topics.all().stream().map(Topics.TopicSpec::name).toList())) {
            Thread.sleep(20);
        }
    }
}
