package io.sluice.routing;

import io.sluice.model.HostNames;
import io.sluice.model.istio.VirtualServiceSpec.HTTPMatchRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One compiled {@code match} block: every field given must hold (AND). The gateway and port
 * conditions are decided when compiling, since a table is built for one node.
 *
 * @param host a condition on the normalised request host, for what host lookup cannot express (an
 *             Ingress wildcard stands for one label only); null for VirtualService matches
 */
record RequestMatch(StringMatcher uri,
                    StringMatcher method,
                    StringMatcher authority,
                    StringMatcher scheme,
                    Map<String, StringMatcher> headers,
                    Map<String, StringMatcher> withoutHeaders,
                    Map<String, StringMatcher> queryParams,
                    StringMatcher host) {

    /** A match on the path alone, optionally narrowed by a host condition: an Ingress path. */
    static RequestMatch path(StringMatcher uri, StringMatcher host) {
        return new RequestMatch(uri, null, null, null, Map.of(), Map.of(), Map.of(), host);
    }

    static RequestMatch compile(HTTPMatchRequest m) {
        boolean ignoreCase = Boolean.TRUE.equals(m.ignoreUriCase());
        return new RequestMatch(
                m.uri() == null ? null : StringMatcher.of(m.uri(), ignoreCase),
                m.method() == null ? null : StringMatcher.of(m.method(), false),
                m.authority() == null ? null : StringMatcher.of(m.authority(), false),
                m.scheme() == null ? null : StringMatcher.of(m.scheme(), false),
                lowerKeys(m.headers()),
                lowerKeys(m.withoutHeaders()),
                compiled(m.queryParams()),
                null);
    }

    boolean matches(RequestAttributes r) {
        if (uri != null && !uri.matches(r.path())) {
            return false;
        }
        if (host != null && !host.matches(HostNames.normalizeAuthority(r.host()))) {
            return false;
        }
        if (method != null && !method.matches(r.method())) {
            return false;
        }
        if (authority != null && !authority.matches(r.header("host") != null ? r.header("host") : r.host())) {
            return false;
        }
        if (scheme != null && !scheme.matches(r.scheme())) {
            return false;
        }
        for (var h : headers.entrySet()) {
            if (!h.getValue().matches(r.header(h.getKey()))) {
                return false;
            }
        }
        for (var h : withoutHeaders.entrySet()) {
            if (h.getValue().matches(r.header(h.getKey()))) {
                return false;
            }
        }
        if (!queryParams.isEmpty()) {
            Map<String, String> query = QueryString.parse(r.query());
            for (var q : queryParams.entrySet()) {
                if (!q.getValue().matches(query.get(q.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Map<String, StringMatcher> lowerKeys(Map<String, io.sluice.model.istio.StringMatch> in) {
        Map<String, StringMatcher> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), StringMatcher.of(v, false)));
        return Map.copyOf(out);
    }

    private static Map<String, StringMatcher> compiled(Map<String, io.sluice.model.istio.StringMatch> in) {
        Map<String, StringMatcher> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, StringMatcher.of(v, false)));
        return Map.copyOf(out);
    }

    /** A rule matches when any of its blocks does (OR); a rule without blocks matches everything. */
    static boolean any(List<RequestMatch> blocks, RequestAttributes r) {
        if (blocks.isEmpty()) {
            return true;
        }
        for (RequestMatch m : blocks) {
            if (m.matches(r)) {
                return true;
            }
        }
        return false;
    }

    static List<RequestMatch> compileAll(List<HTTPMatchRequest> in) {
        List<RequestMatch> out = new ArrayList<>(in.size());
        in.forEach(m -> out.add(compile(m)));
        return List.copyOf(out);
    }
}
