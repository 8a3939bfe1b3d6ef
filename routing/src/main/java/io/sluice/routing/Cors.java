package io.sluice.routing;

import io.sluice.model.Durations;
import io.sluice.model.istio.VirtualServiceSpec.CorsPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An http rule's {@code corsPolicy}, compiled as Istio hands it to Envoy's CORS filter: lists joined
 * with commas and the max age in seconds, once per table instead of per request.
 *
 * @param allowMethods               Access-Control-Allow-Methods, "" for none; "*" answers with the method
 *                                   the preflight asks for
 * @param allowHeaders               Access-Control-Allow-Headers, "" for none; "*" answers with the headers
 *                                   the preflight asks for
 * @param exposeHeaders              Access-Control-Expose-Headers, "" for none
 * @param maxAge                     Access-Control-Max-Age in seconds, "" for none
 * @param forwardUnmatchedPreflights whether a preflight from an origin that is not allowed goes upstream
 *                                   (Istio's FORWARD, the default) or is answered here without CORS
 *                                   headers (IGNORE)
 */
public record Cors(List<StringMatcher> allowOrigins, String allowMethods, String allowHeaders,
                   String exposeHeaders, String maxAge, boolean allowCredentials,
                   boolean forwardUnmatchedPreflights) {

    public Cors {
        allowOrigins = List.copyOf(allowOrigins);
    }

    /** As Envoy: an origin is allowed when an entry matches it, or matches "*" (an allow-everyone entry). */
    public boolean allows(String origin) {
        for (StringMatcher m : allowOrigins) {
            if (m.matches("*") || m.matches(origin)) {
                return true;
            }
        }
        return false;
    }

    /** The policy of a rule, or null when it has none. */
    static Cors compile(CorsPolicy p) {
        if (p == null) {
            return null;
        }
        List<StringMatcher> origins = new ArrayList<>();
        p.allowOrigin().forEach(origin -> origins.add(new StringMatcher.Exact(origin, false)));
        p.allowOrigins().forEach(match -> origins.add(StringMatcher.of(match, false)));
        Duration maxAge = Durations.parse(p.maxAge());
        return new Cors(origins, String.join(",", p.allowMethods()), String.join(",", p.allowHeaders()),
                String.join(",", p.exposeHeaders()), maxAge == null ? "" : Long.toString(maxAge.toSeconds()),
                Boolean.TRUE.equals(p.allowCredentials()), !"IGNORE".equals(p.unmatchedPreflights()));
    }
}
