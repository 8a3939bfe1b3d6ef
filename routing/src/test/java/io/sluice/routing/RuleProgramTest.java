package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The flattened rules must pick exactly the route that evaluating the routes one by one picks: their
 * conditions may only decide sooner, never differently.
 */
class RuleProgramTest {

    private static final RouteAction ACTION = new RouteAction.DirectResponse(200, "");

    /** The plain evaluation the program replaces: Istio's first match wins. */
    private static Route firstMatch(List<Route> routes, RequestAttributes request) {
        return routes.stream().filter(r -> r.matches(request)).findFirst().orElse(null);
    }

    private static Route route(String origin, RequestMatch... blocks) {
        return new Route(origin, List.of(blocks), ACTION);
    }

    private static RequestMatch uri(StringMatcher m) {
        return new RequestMatch(m, null, null, null, Map.of(), Map.of(), Map.of(), null);
    }

    private static RequestMatch header(String name, StringMatcher m) {
        return new RequestMatch(null, null, null, null, Map.of(name, m), Map.of(), Map.of(), null);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "-", textBlock = """
            /api/v1/items,     prefix
            /api/v1,           exact
            /API/V1,           exact-ignoring-case
            /regex/7/abc,      regex
            /regex/7/ABC,      -
            /shop,             ingress-prefix
            /shop/cart,        ingress-prefix
            /shopping,         -
            /other,            -
            """)
    void picksTheFirstRuleWhoseMatchHolds(String path, String origin) {
        VirtualHost vh = new VirtualHost("h", List.of(
                route("prefix", uri(new StringMatcher.Prefix("/api/v1/", false))),
                route("exact", uri(new StringMatcher.Exact("/api/v1", false))),
                route("exact-ignoring-case", uri(new StringMatcher.Exact("/api/v1", true))),
                route("regex", uri(StringMatcher.Regex.of("/regex/[0-9]/[a-z]+", false))),
                route("ingress-prefix", uri(StringMatcher.PathPrefix.of("/shop/")))));
        Route picked = vh.route(TestRequest.get("h", path));
        assertEquals(origin, picked == null ? null : picked.origin());
    }

    @ParameterizedTest(name = "x-tenant={0} -> {1}")
    @CsvSource(nullValues = "-", textBlock = """
            t1,    tenant-1
            t12,   tenant-prefix
            t2,    everything
            -,     not-t2
            """)
    void evaluatesHeaderConditionsAndNegations(String tenant, String origin) {
        VirtualHost vh = new VirtualHost("h", List.of(
                route("tenant-1", header("x-tenant", new StringMatcher.Exact("t1", false))),
                route("tenant-prefix", header("x-tenant", new StringMatcher.Prefix("t1", false))),
                route("not-t2", new RequestMatch(null, null, null, null, Map.of(),
                        Map.of("x-tenant", new StringMatcher.Exact("t2", false)), Map.of(), null)),
                route("everything")));
        TestRequest request = TestRequest.get("h", "/");
        Route picked = vh.route(tenant == null ? request : request.header("x-tenant", tenant));
        assertEquals(origin, picked.origin());
    }

    /** Numbers past one char (long literals, hosts with tens of thousands of refs) take the two-char form. */
    @Test
    void handlesLiteralsAndRuleCountsBeyondOneChar() {
        String longPath = "/" + "x".repeat(40_000);
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            routes.add(route("r" + i, new RequestMatch(new StringMatcher.Exact("/r" + i, false), null, null, null,
                    Map.of(), Map.of(), Map.of("q", StringMatcher.Present.INSTANCE), null)));
        }
        routes.add(route("long", uri(new StringMatcher.Prefix(longPath, false)),
                header("x-a", StringMatcher.Regex.of("v[0-9]", false))));
        VirtualHost vh = new VirtualHost("h", routes);
        assertEquals("r39999", vh.route(TestRequest.get("h", "/r39999?q=1")).origin());
        assertEquals(null, vh.route(TestRequest.get("h", "/r39999")));
        assertEquals("long", vh.route(TestRequest.get("h", longPath + "/more")).origin());
        assertEquals("long", vh.route(TestRequest.get("h", "/").header("x-a", "v7")).origin());
        assertEquals(null, vh.route(TestRequest.get("h", "/").header("x-a", "w7")));
    }

    /** Random rules of every matcher kind against random requests, compared with the plain evaluation. */
    @Test
    void agreesWithEvaluatingRoutesOneByOne() {
        Random random = new Random(5);
        for (int host = 0; host < 2_000; host++) {
            List<Route> routes = new ArrayList<>();
            int rules = random.nextInt(8);
            for (int i = 0; i < rules; i++) {
                List<RequestMatch> blocks = new ArrayList<>();
                int n = random.nextInt(3);
                for (int b = 0; b < n; b++) {
                    blocks.add(randomBlock(random));
                }
                routes.add(new Route("r" + i, blocks, ACTION));
            }
            VirtualHost vh = new VirtualHost("h", routes);
            for (int q = 0; q < 50; q++) {
                TestRequest request = randomRequest(random);
                assertSame(firstMatch(routes, request), vh.route(request),
                        () -> routes.stream().map(r -> r.origin() + r.matches()).toList() + " " + request);
            }
        }
    }

    private static final String[] LITERALS = {"", "/", "/a", "/a/", "/a/b", "/api/v1/", "/A", "GET", "P", "x",
            "a.shop.com", "1", "12", "http"};
    private static final String[] REGEXES = {"/a/[a-z]+", "/api/v[0-9]+/.*", "(/a|/b).*", "/a?b", ".*",
            "GE.", "1+2?", "http|https", "a\\.shop\\.com"};
    private static final String[] VALUES = {"", "/", "/a", "/a/", "/a/b", "/a/bc", "/A/B", "/api/v1/x", "/b",
            "/ab", "GET", "POST", "PUT", "x", "1", "12", "2", "http", "https", "a.shop.com", "b.c.shop.com"};

    private static StringMatcher randomMatcher(Random random) {
        String literal = LITERALS[random.nextInt(LITERALS.length)];
        boolean ignoreCase = random.nextInt(4) == 0;
        return switch (random.nextInt(8)) {
            case 0 -> new StringMatcher.Exact(literal, ignoreCase);
            case 1, 2 -> new StringMatcher.Prefix(literal, ignoreCase);
            case 3 -> StringMatcher.Regex.of(REGEXES[random.nextInt(REGEXES.length)], ignoreCase);
            case 4 -> StringMatcher.PathPrefix.of(literal);
            case 5 -> StringMatcher.Present.INSTANCE;
            case 6 -> new StringMatcher.Not(new StringMatcher.Prefix(literal, ignoreCase));
            default -> null;
        };
    }

    private static RequestMatch randomBlock(Random random) {
        Map<String, StringMatcher> headers = new HashMap<>();
        Map<String, StringMatcher> without = new HashMap<>();
        Map<String, StringMatcher> query = new HashMap<>();
        for (String name : List.of("x-a", "x-b")) {
            StringMatcher m = random.nextInt(3) == 0 ? randomMatcher(random) : null;
            if (m != null) {
                headers.put(name, m);
            }
        }
        if (random.nextInt(6) == 0) {
            without.put("x-b", new StringMatcher.Exact("1", false));
        }
        if (random.nextInt(6) == 0) {
            query.put("q", new StringMatcher.Exact("1", false));
        }
        return new RequestMatch(
                random.nextInt(3) > 0 ? randomMatcher(random) : null,
                random.nextInt(5) == 0 ? randomMatcher(random) : null,
                random.nextInt(6) == 0 ? randomMatcher(random) : null,
                random.nextInt(6) == 0 ? randomMatcher(random) : null,
                Map.copyOf(headers), Map.copyOf(without), Map.copyOf(query),
                random.nextInt(8) == 0 ? new StringMatcher.OneLabelWildcard(".shop.com") : null);
    }

    private static TestRequest randomRequest(Random random) {
        String host = random.nextBoolean() ? "a.shop.com" : "b.c.shop.com";
        String path = VALUES[random.nextInt(6) == 0 ? random.nextInt(VALUES.length) : random.nextInt(10)];
        TestRequest r = new TestRequest(random.nextBoolean() ? "GET" : VALUES[random.nextInt(VALUES.length)],
                path.isEmpty() ? "/" : path, random.nextBoolean() ? "q=1" : "", host, Map.of(), 80,
                random.nextBoolean() ? "http" : "https");
        if (random.nextBoolean()) {
            r = r.header("host", random.nextBoolean() ? host : VALUES[random.nextInt(VALUES.length)]);
        }
        for (String name : List.of("x-a", "x-b")) {
            if (random.nextBoolean()) {
                r = r.header(name, VALUES[random.nextInt(VALUES.length)]);
            }
        }
        return r;
    }
}
