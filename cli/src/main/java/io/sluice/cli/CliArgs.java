package io.sluice.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kubectl-style arguments: positional words, {@code -f x}, {@code --flag x}, {@code --flag=x}, and
 * repeatable flags such as {@code --label}. Server addresses come from the environment the
 * {@code sluice} script sets ({@code SLUICE_CONFIG_URL}, {@code SLUICE_REGISTRY_URL}, {@code SLUICE_TOKEN}).
 */
record CliArgs(List<String> positional, Map<String, List<String>> flags) {

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** Flags that take no value. */
    private static final List<String> SWITCHES = List.of("A", "all-namespaces", "y", "skip-confirmation");

    static CliArgs parse(String... args) {
        List<String> positional = new ArrayList<>();
        Map<String, List<String>> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            String name = a.replaceFirst("^--?", "");
            String value;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (SWITCHES.contains(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("flag " + a + " needs a value");
            }
            flags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new CliArgs(positional, flags);
    }

    String flag(String name, String alias, String defaultValue) {
        List<String> v = flags.getOrDefault(name, flags.get(alias));
        return v == null || v.isEmpty() ? defaultValue : v.getLast();
    }

    /** A whole-number flag, or {@code defaultValue} when not given; anything else is a usage error. */
    Integer intFlag(String name, String alias, Integer defaultValue) {
        String v = flag(name, alias, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " wants a number, not " + v);
        }
    }

    List<String> all(String name) {
        return flags.getOrDefault(name, List.of());
    }

    static String env(String name, String defaultValue) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? defaultValue : v;
    }
}
