package io.sluice.config;

import io.sluice.kafka.KafkaSettings;
import io.sluice.service.Flags;
import io.sluice.service.Launcher;

/**
 * {@code config-service [--port 15080] [--host 127.0.0.1] [--kafka host:port] [--kafka-config FILE] [--token T]
 * [--secret-key-file FILE]}. Without a secret key file, Secrets are refused (they would reach Kafka in the clear).
 */
public final class ConfigServiceMain {

    private ConfigServiceMain() {
    }

    public static void main(String[] args) {
        Flags flags = Flags.parse(args);
        String host = flags.get("host", "127.0.0.1");
        Launcher.runUntilStopped(() -> {
            KafkaSettings kafka = flags.kafka();
            ConfigService service = ConfigService.start(kafka, host,
                    flags.getInt("config-port", 15080), flags.get("token", null));
            System.out.println("config-service: listening on http://" + host + ":" + service.port()
                    + " (Kafka " + kafka.bootstrapServers() + ")");
            return service;
        });
    }
}
