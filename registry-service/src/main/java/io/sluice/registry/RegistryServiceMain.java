package io.sluice.registry;

import io.sluice.service.Flags;
import io.sluice.service.Launcher;

/** {@code registry-service [--registry-port 15081] [--kafka host:port] [--kafka-config FILE] [--token T]}. */
public final class RegistryServiceMain {

    private RegistryServiceMain() {
    }

    public static void main(String[] args) {
        Flags flags = Flags.parse(args);
        String host = flags.get("host", "127.0.0.1");
        Launcher.runUntilStopped(() -> {
            RegistryService service = RegistryService.start(flags.kafka(), host,
                    flags.getInt("registry-port", 15081), flags.get("token", null));
            System.out.println("registry-service: listening on http://" + host + ":" + service.port());
            return service;
        });
    }
}
