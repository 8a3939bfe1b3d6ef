package io.sluice.registry;

import io.sluice.model.net.ResolveOverrides;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Resolves the names of DNS ServiceEntries for the endpoints builder: the resolve file first, then the
 * JDK resolver. Answers are cached so that recomputing the registry does not wait on DNS, and
 * {@link #refresh()} re-resolves every cached name (and re-reads the resolve file) on a timer, which
 * stands in for DNS TTLs the JDK does not expose.
 */
final class NameCache implements EndpointsBuilder.Resolver {

    private static final Logger LOG = Logger.getLogger(NameCache.class.getName());

    private final Path file;
    private volatile List<String> fileLines;
    private volatile ResolveOverrides overrides;
    /** name → addresses, sorted so that a reordered DNS answer is no change; empty = did not resolve. */
    private final Map<String, List<String>> addresses = new ConcurrentHashMap<>();

    NameCache(Path file) {
        this.file = file;
        this.overrides = ResolveOverrides.load(file); // a missing or malformed file fails the start
        this.fileLines = readFile();
    }

    @Override
    public List<ResolveOverrides.Target> resolve(String name, int port) {
        List<ResolveOverrides.Target> o = overrides.resolveAll(name, port);
        if (!o.isEmpty()) {
            return o;
        }
        return addresses.computeIfAbsent(name, NameCache::lookup).stream()
                .map(a -> new ResolveOverrides.Target(a, port)).toList();
    }

    /** Re-reads the resolve file and re-resolves every name seen; true when any answer changed. */
    boolean refresh() {
        boolean changed = false;
        List<String> lines = readFile();
        if (!lines.equals(fileLines)) {
            try {
                overrides = ResolveOverrides.parse(lines, file.toString());
                fileLines = lines;
                changed = true;
            } catch (IllegalArgumentException e) {
                LOG.warning("keeping the previous resolve overrides: " + e.getMessage());
            }
        }
        for (String name : List.copyOf(addresses.keySet())) {
            List<String> now = lookup(name);
            if (!now.equals(addresses.put(name, now))) {
                changed = true;
            }
        }
        return changed;
    }

    private List<String> readFile() {
        if (file == null) {
            return List.of();
        }
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the resolve file " + file + ": " + e.getMessage());
            return fileLines == null ? List.of() : fileLines;
        }
    }

    private static List<String> lookup(String name) {
        try {
            return Arrays.stream(InetAddress.getAllByName(name)).map(InetAddress::getHostAddress).sorted().toList();
        } catch (UnknownHostException e) {
            LOG.fine(() -> "cannot resolve " + name + ": " + e.getMessage());
            return List.of();
        }
    }
}
