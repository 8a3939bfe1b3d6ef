package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Json;
import io.sluice.model.istio.VirtualServiceSpec.HTTPRoute;
import org.junit.jupiter.api.Test;

class CorsCompileTest {

    private static Cors compile(String yaml) throws Exception {
        return RoutePolicies.compile(Json.YAML.readValue(yaml, HTTPRoute.class)).cors();
    }

    @Test
    void ruleWithoutCorsPolicyTreatsNoRequestAsCors() throws Exception {
        assertNull(compile("route: [{destination: {host: a}}]"));
    }

    @Test
    void listsAreJoinedAndMaxAgeCountsSecondsAsIstioHandsThemToEnvoy() throws Exception {
        Cors c = compile("""
                corsPolicy:
                  allowOrigins: [{exact: "https://a.com"}]
                  allowMethods: [GET, POST]
                  allowHeaders: [content-type, x-user]
                  exposeHeaders: [x-request-id]
                  maxAge: 24h
                  allowCredentials: true
                """);
        assertEquals("GET,POST", c.allowMethods());
        assertEquals("content-type,x-user", c.allowHeaders());
        assertEquals("x-request-id", c.exposeHeaders());
        assertEquals("86400", c.maxAge());
        assertTrue(c.allowCredentials());
        assertTrue(c.forwardUnmatchedPreflights(), "Istio forwards unmatched preflights unless told to ignore them");
    }

    @Test
    void emptyListsAndNoMaxAgeSendNoHeader() throws Exception {
        Cors c = compile("corsPolicy: {allowOrigins: [{exact: \"https://a.com\"}], unmatchedPreflights: IGNORE}");
        assertEquals("", c.allowMethods());
        assertEquals("", c.allowHeaders());
        assertEquals("", c.exposeHeaders());
        assertEquals("", c.maxAge());
        assertFalse(c.allowCredentials());
        assertFalse(c.forwardUnmatchedPreflights());
    }

    @Test
    void originsMatchExactlyByPrefixOrByWholeRegex() throws Exception {
        Cors c = compile("""
                corsPolicy:
                  allowOrigins: [{exact: "https://a.com"}, {prefix: "http://localhost:"}, {regex: "https://[a-z]+[.]b[.]com"}]
                """);
        assertTrue(c.allows("https://a.com"));
        assertFalse(c.allows("https://a.com.evil.net"), "exact is exact");
        assertFalse(c.allows("HTTPS://A.COM"), "origins are compared case-sensitively, as Envoy does");
        assertTrue(c.allows("http://localhost:3000"));
        assertTrue(c.allows("https://app.b.com"));
        assertFalse(c.allows("https://app.b.com.evil.net"), "a regex must match the whole origin");
        assertFalse(c.allows("null"));
    }

    @Test
    void aStarEntryAllowsEveryOriginAndTheDeprecatedListMatchesExactly() throws Exception {
        assertTrue(compile("corsPolicy: {allowOrigins: [{exact: \"*\"}]}").allows("https://any.where"));
        Cors deprecated = compile("corsPolicy: {allowOrigin: [\"https://a.com\"]}");
        assertTrue(deprecated.allows("https://a.com"));
        assertFalse(deprecated.allows("https://a.co"));
        assertTrue(compile("corsPolicy: {allowOrigin: [\"*\"]}").allows("https://any.where"));
    }
}
