package io.sluice.registry;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How registry-service keeps its endpoint lists fresh.
 *
 * @param ttl            a registered workload that has not heartbeated for this long leaves (default 10 s)
 * @param dnsRefresh     how often DNS names of ServiceEntries are resolved again, and the resolve file
 *                       re-read (default 30 s, the JDK's own DNS cache time)
 * @param healthInterval how often endpoints of services with a health path are probed (default 5 s)
 * @param resolveFile    name-resolution overrides ({@code --resolve-file}), or null
 */
public record RegistryOptions(Duration ttl, Duration dnsRefresh, Duration healthInterval, Path resolveFile) {

    public RegistryOptions {
        positive("ttl", ttl);
        positive("dns-refresh", dnsRefresh);
        positive("health-interval", healthInterval);
    }

    private static void positive(String flag, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("--" + flag + ": must be a positive duration, not " + d);
        }
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5), null);
    }

    public RegistryOptions withTtl(Duration d) {
        return new RegistryOptions(d, dnsRefresh, healthInterval, resolveFile);
    }

    public RegistryOptions withDnsRefresh(Duration d) {
        return new RegistryOptions(ttl, d, healthInterval, resolveFile);
    }

    public RegistryOptions withHealthInterval(Duration d) {
        return new RegistryOptions(ttl, dnsRefresh, d, resolveFile);
    }

    public RegistryOptions withResolveFile(Path f) {
        return new RegistryOptions(ttl, dnsRefresh, healthInterval, f);
    }
}
