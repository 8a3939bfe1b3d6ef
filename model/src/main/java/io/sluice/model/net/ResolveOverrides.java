package io.sluice.model.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Name-resolution overrides for air-gapped and test set-ups, consulted before DNS by every component
 * that resolves names ({@code --resolve-file FILE} or {@code SLUICE_RESOLVE_FILE}). One mapping a line:
 *
 * <pre>
 * # comment
 * httpbin.test            127.0.0.1          NAME ADDRESS: the port stays as asked
 * 127.0.0.1  a.test b.test                   /etc/hosts order: ADDRESS NAME...
 * httpbin.test:80         127.0.0.1:18080    NAME:PORT ADDRESS:PORT, like curl's --connect-to
 * </pre>
 *
 * A {@code NAME:PORT} line wins over a {@code NAME} line for that port. Several lines for one name give
 * several addresses, in file order (DNS resolution publishes all, DNS_ROUND_ROBIN the first). Names
 * compare case-insensitively and without a trailing dot. Immutable.
 */
public final class ResolveOverrides {

    /** The flag that names the file; {@code SLUICE_RESOLVE_FILE} in the environment. */
    public static final String FLAG = "resolve-file";
    public static final String PROPERTY = "sluice.resolve.file";
    public static final String ENVIRONMENT = "SLUICE_RESOLVE_FILE";

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final ResolveOverrides NONE = new ResolveOverrides(Map.of());

    /** Where to connect: an address (usually an IP literal, may be a name) and a port. */
    public record Target(String address, int port) {

        /** {@code host:port}, with brackets around an IPv6 literal. */
        public String authority() {
            return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
        }
    }

    /** Keys are {@code name} or {@code name:port}; a null port in a target means "the port asked for". */
    private final Map<String, List<Entry>> entries;

    private record Entry(String address, Integer port) {
    }

    private ResolveOverrides(Map<String, List<Entry>> entries) {
        this.entries = entries;
    }

    public static ResolveOverrides none() {
        return NONE;
    }

    /**
     * The overrides a component started without flags uses: the file named by the system property
     * {@code sluice.resolve.file}, else by {@code SLUICE_RESOLVE_FILE}, else none.
     */
    public static ResolveOverrides fromEnvironment() {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            file = System.getenv(ENVIRONMENT);
        }
        return file == null || file.isBlank() ? NONE : load(Path.of(file));
    }

    /** Reads the file; a null path means no overrides. */
    public static ResolveOverrides load(Path file) {
        if (file == null) {
            return NONE;
        }
        try {
            return parse(Files.readAllLines(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("--" + FLAG + " " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses the lines of an override file.
     *
     * @param source named in errors
     * @throws IllegalArgumentException naming the line and what is wrong with it
     */
    public static ResolveOverrides parse(List<String> lines, String source) {
        Map<String, List<Entry>> m = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            int hash = line.indexOf('#');
            String[] t = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (t.length == 1 && t[0].isEmpty()) {
                continue;
            }
            String where = source + " line " + (n + 1) + ": ";
            if (t.length >= 2 && isIpLiteral(t[0]) && !isIpLiteral(t[1]) && t[1].indexOf(':') < 0) {
                for (int i = 1; i < t.length; i++) {
                    m.computeIfAbsent(name(t[i]), k -> new ArrayList<>()).add(new Entry(t[0], null));
                }
                continue;
            }
            if (t.length != 2) {
                throw new IllegalArgumentException(where + "want NAME ADDRESS or NAME:PORT ADDRESS:PORT, not \""
                        + line.trim() + "\"");
            }
            HostPort from = HostPort.parse(t[0], where + "name");
            HostPort to = HostPort.parse(t[1], where + "address");
            if ((from.port == null) != (to.port == null)) {
                throw new IllegalArgumentException(where + "give a port on both sides or on neither: \""
                        + line.trim() + "\"");
            }
            String key = from.port == null ? name(from.host) : name(from.host) + ":" + from.port;
            m.computeIfAbsent(key, k -> new ArrayList<>()).add(new Entry(to.host, to.port));
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        return new ResolveOverrides(Map.copyOf(m));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Every override for a name and port, in file order; empty when the file says nothing about it. */
    public List<Target> resolveAll(String host, int port) {
        if (entries.isEmpty()) {
            return List.of(); // the usual case, asked on every forwarded request
        }
        String name = name(host);
        List<Entry> e = entries.get(name + ":" + port);
        if (e == null) {
            e = entries.get(name);
        }
        if (e == null) {
            return List.of();
        }
        return e.stream().map(x -> new Target(x.address, x.port == null ? port : x.port)).toList();
    }

    /** The first override for a name and port, or the name and port unchanged. */
    public Target resolve(String host, int port) {
        List<Target> all = resolveAll(host, port);
        return all.isEmpty() ? new Target(host, port) : all.getFirst();
    }

    private static String name(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean isIpLiteral(String s) {
        return IPV4.matcher(s).matches() || (s.indexOf(':') != s.lastIndexOf(':') && !s.contains("]"));
    }

    /** {@code host}, {@code host:port} or {@code [v6]:port}; a bare IPv6 literal has no port. */
    private record HostPort(String host, Integer port) {

        static HostPort parse(String s, String what) {
            String host = s;
            String port = null;
            if (s.startsWith("[")) {
                int end = s.indexOf(']');
                if (end < 0) {
                    throw new IllegalArgumentException(what + ": unclosed '[' in " + s);
                }
                host = s.substring(1, end);
                if (end + 1 < s.length()) {
                    if (s.charAt(end + 1) != ':') {
                        throw new IllegalArgumentException(what + ": expected ':' after ']' in " + s);
                    }
                    port = s.substring(end + 2);
                }
            } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
                host = s.substring(0, s.indexOf(':'));
                port = s.substring(s.indexOf(':') + 1);
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException(what + ": empty host in " + s);
            }
            if (port == null) {
                return new HostPort(host, null);
            }
            try {
                int p = Integer.parseInt(port);
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
                return new HostPort(host, p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": port must be 1-65535, not \"" + port + "\" in " + s);
            }
        }
    }
}
