package io.sluice.model.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Name resolution overrides, like curl's {@code --resolve}: lets tests and demos reach stand-ins for
 * external hosts such as {@code httpbin.org} on loopback. One entry a line, {@code #} comments:
 * <pre>
 * httpbin.org 127.0.0.1                 # every port of the name goes to this address
 * httpbin.org:443 127.0.0.1:8443        # this port of the name goes to this address and port
 * </pre>
 * A port entry wins over a name entry. Names without an entry are left to DNS, when connecting.
 * <p>
 * Minimal version written for the egress work; another one with the same API may exist (merge them).
 */
public final class ResolveOverrides {

    /** System property naming the file; read before the environment variable. */
    public static final String PROPERTY = "sluice.resolve.file";
    public static final String ENVIRONMENT = "SLUICE_RESOLVE_FILE";

    private static final ResolveOverrides NONE = new ResolveOverrides(Map.of(), Map.of());

    private final Map<String, InetAddress> byName;
    private final Map<String, InetSocketAddress> byNameAndPort;

    private ResolveOverrides(Map<String, InetAddress> byName, Map<String, InetSocketAddress> byNameAndPort) {
        this.byName = Map.copyOf(byName);
        this.byNameAndPort = Map.copyOf(byNameAndPort);
    }

    public static ResolveOverrides none() {
        return NONE;
    }

    /** The file named by {@value #PROPERTY} or {@value #ENVIRONMENT}, or no overrides. */
    public static ResolveOverrides fromEnvironment() {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            file = System.getenv(ENVIRONMENT);
        }
        return file == null || file.isBlank() ? NONE : load(Path.of(file));
    }

    public static ResolveOverrides load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading resolve overrides " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @throws IllegalArgumentException naming the line and why, for a malformed entry
     */
    public static ResolveOverrides parse(String text) {
        Map<String, InetAddress> byName = new HashMap<>();
        Map<String, InetSocketAddress> byPort = new HashMap<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (f.length == 1 && f[0].isEmpty()) {
                continue;
            }
            String where = "resolve overrides line " + (i + 1) + ": ";
            if (f.length != 2) {
                throw new IllegalArgumentException(where + "expected NAME ADDRESS or NAME:PORT ADDRESS:PORT");
            }
            int nameColon = f[0].lastIndexOf(':');
            if (nameColon < 0) {
                byName.put(f[0].toLowerCase(Locale.ROOT), literal(f[1], where));
                continue;
            }
            int addrColon = f[1].lastIndexOf(':');
            if (addrColon < 0 || f[1].endsWith("]")) {
                throw new IllegalArgumentException(where + "NAME:PORT needs ADDRESS:PORT, got " + f[1]);
            }
            int port = port(f[0].substring(nameColon + 1), where);
            InetAddress address = literal(f[1].substring(0, addrColon), where);
            byPort.put(f[0].substring(0, nameColon).toLowerCase(Locale.ROOT) + ":" + port,
                    new InetSocketAddress(address, port(f[1].substring(addrColon + 1), where)));
        }
        return new ResolveOverrides(byName, byPort);
    }

    /**
     * Where to connect for a host and port: the override, or an unresolved address left to DNS when
     * connecting (so this never blocks).
     */
    public InetSocketAddress resolve(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        InetSocketAddress exact = byNameAndPort.get(h + ":" + port);
        if (exact != null) {
            return exact;
        }
        InetAddress a = byName.get(h);
        return a != null ? new InetSocketAddress(a, port) : InetSocketAddress.createUnresolved(host, port);
    }

    public boolean isEmpty() {
        return byName.isEmpty() && byNameAndPort.isEmpty();
    }

    private static InetAddress literal(String s, String where) {
        String a = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (!a.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new IllegalArgumentException(where + "address must be an IP literal, got " + s);
        }
        try {
            return InetAddress.getByName(a); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(where + "bad address " + s, e);
        }
    }

    private static int port(String s, String where) {
        try {
            int p = Integer.parseInt(s);
            if (p > 0 && p < 65536) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(where + "bad port " + s);
    }
}
