package io.sluice.service;

import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.secrets.SecretKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Command-line flags of a service, each with an environment fallback: {@code --config-port 15080}
 * or {@code SLUICE_CONFIG_PORT=15080}. A flag wins over the environment, which wins over the default.
 */
public final class Flags {

    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    public static Flags parse(String... args) {
        Map<String, String> v = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                v.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                v.put(a.substring(2), args[++i]);
            } else {
                v.put(a.substring(2), "true");
            }
        }
        return new Flags(v);
    }

    public String get(String name, String defaultValue) {
        String v = values.get(name);
        if (v == null) {
            v = System.getenv("SLUICE_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        return v == null || v.isEmpty() ? defaultValue : v;
    }

    public int getInt(String name, int defaultValue) {
        String v = get(name, null);
        try {
            return v == null ? defaultValue : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: " + v);
        }
    }

    /** A duration as seconds ({@code 10}, {@code 0.5}) or ISO-8601 ({@code PT10S}, {@code PT0.5S}). */
    public Duration getDuration(String name, Duration defaultValue) {
        String v = get(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return v.matches("\\d+(\\.\\d+)?")
                    ? Duration.ofNanos(new BigDecimal(v).movePointRight(9).longValueExact())
                    : Duration.parse(v);
        } catch (ArithmeticException | DateTimeParseException e) {
            throw new IllegalArgumentException("--" + name + ": want seconds (10) or an ISO-8601 duration (PT10S), not "
                    + v);
        }
    }

    /** {@code key=value} pairs separated by commas ({@code app=frontend,version=v1}); empty when not given. */
    public Map<String, String> getMap(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        String v = get(name, "");
        for (String pair : v.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--" + name + ": want key=value pairs separated by commas, not "
                        + pair.trim());
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * Kafka settings from {@code --kafka}/{@code SLUICE_KAFKA_BOOTSTRAP} and {@code --kafka-config}, with
     * the keys that seal Secrets in the config topic from {@code --secret-key-file}/{@code SLUICE_SECRET_KEY_FILE}.
     */
    public KafkaSettings kafka() {
        try {
            String bootstrap = values.get("kafka");
            KafkaSettings s = KafkaSettings.fromEnvironment(bootstrap, get("kafka-config", null));
            String prefix = get("topic-prefix", null);
            String keyFile = get("secret-key-file", null);
            if (keyFile != null) {
                s = s.withSecretKeys(SecretKeys.load(Path.of(keyFile)));
            }
            return prefix == null ? s : s.withTopics(io.sluice.kafka.Topics.withPrefix(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the Kafka properties file: " + e.getMessage(), e);
        }
    }
}
