package io.sluice.registry;

import io.sluice.model.net.ResolveOverrides;
import io.sluice.service.Flags;
import io.sluice.service.Launcher;
import java.nio.file.Path;

/**
 * {@code registry-service [--registry-port 15081] [--kafka host:port] [--kafka-config FILE] [--token T]
 * [--ttl 10] [--dns-refresh 30] [--health-interval 5] [--resolve-file FILE]}; durations in seconds or
 * ISO-8601 ({@code PT10S}), each flag also as {@code SLUICE_<FLAG>} in the environment.
 */
public final class RegistryServiceMain {

    private RegistryServiceMain() {
    }

    public static void main(String[] args) {
        Flags flags = Flags.parse(args);
        String host = flags.get("host", "127.0.0.1");
        RegistryOptions d = RegistryOptions.defaults();
        String resolveFile = flags.get(ResolveOverrides.FLAG, null);
        RegistryOptions options = d.withTtl(flags.getDuration("ttl", d.ttl()))
                .withDnsRefresh(flags.getDuration("dns-refresh", d.dnsRefresh()))
                .withHealthInterval(flags.getDuration("health-interval", d.healthInterval()))
                .withResolveFile(resolveFile == null ? null : Path.of(resolveFile));
        Launcher.runUntilStopped(() -> {
            RegistryService service = RegistryService.start(flags.kafka(), host,
                    flags.getInt("registry-port", 15081), flags.get("token", null), options);
            System.out.println("registry-service: listening on http://" + host + ":" + service.port());
            return service;
        });
    }
}
