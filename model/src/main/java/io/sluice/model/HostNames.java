package io.sluice.model;

import java.util.List;
import java.util.Locale;

/**
 * Service names as Kubernetes and Istio resolve them: a short name {@code svc} means
 * {@code svc.<ns>.svc.cluster.local} in the namespace of the resource that names it, {@code svc.ns}
 * means {@code svc.ns.svc.cluster.local} when such a service exists, anything else is taken as written
 * (ServiceEntry hosts such as {@code httpbin.org}).
 */
public final class HostNames {

    public static final String CLUSTER_SUFFIX = ".svc.cluster.local";

    private HostNames() {
    }

    public static String serviceFqdn(String name, String namespace) {
        return name + "." + namespace + CLUSTER_SUFFIX;
    }

    /** The names to look up, most specific first. */
    public static List<String> candidates(String host, String namespace) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.indexOf('.') < 0) {
            return List.of(serviceFqdn(h, namespace));
        }
        if (h.chars().filter(c -> c == '.').count() == 1) {
            return List.of(h, h + CLUSTER_SUFFIX);
        }
        return List.of(h);
    }

    /** The single canonical form used where no registry is at hand to disambiguate. */
    public static String qualify(String host, String namespace) {
        return candidates(host, namespace).getFirst();
    }

    /** Lower-cases and drops a {@code :port} suffix, as host matching ignores the port. */
    public static String normalizeAuthority(String authority) {
        if (authority == null) {
            return "";
        }
        if (isPlainLowerCaseName(authority)) {
            return authority; // the common case, on every request: no copy
        }
        String h = authority;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return (end > 0 ? h.substring(0, end + 1) : h).toLowerCase(Locale.ROOT);
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static boolean isPlainLowerCaseName(String s) {
        if (s.isEmpty() || s.charAt(s.length() - 1) == '.') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':' || c == '[' || (c >= 'A' && c <= 'Z') || c > 127) {
                return false;
            }
        }
        return true;
    }
}
