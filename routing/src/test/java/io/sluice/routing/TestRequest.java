package io.sluice.routing;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A request as the gateway hands it to routing: target split at '?', path normalised. */
record TestRequest(String method, String path, String query, String host, Map<String, String> headers, int port,
                   String scheme) implements RequestAttributes {

    static TestRequest get(String host, String target) {
        int q = target.indexOf('?');
        return new TestRequest("GET", PathNormalizer.normalize(q < 0 ? target : target.substring(0, q)),
                q < 0 ? "" : target.substring(q + 1), host, Map.of("host", host), 80, "http");
    }

    TestRequest method(String m) {
        return new TestRequest(m, path, query, host, headers, port, scheme);
    }

    TestRequest port(int p) {
        return new TestRequest(method, path, query, host, headers, p, scheme);
    }

    TestRequest header(String name, String value) {
        Map<String, String> h = new HashMap<>(headers);
        h.put(name.toLowerCase(Locale.ROOT), value);
        return new TestRequest(method, path, query, host, Map.copyOf(h), port, scheme);
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
