package io.sluice.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.model.Json;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/** JSON replies, Kubernetes-style errors and bearer-token checks shared by the REST services. */
public final class Http {

    private static final Logger LOG = Logger.getLogger(Http.class.getName());

    private Http() {
    }

    /** A handler body that may throw {@link ApiException}. */
    @FunctionalInterface
    public interface ApiHandler {
        void handle(ServerRequest req, ServerResponse res) throws Exception;
    }

    /** Wraps a handler so that an {@link ApiException} becomes a Kubernetes Status reply. */
    public static Handler api(ApiHandler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (ApiException e) {
                sendStatus(res, e);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "request " + req.prologue().method() + " " + req.path().path() + " failed", e);
                sendStatus(res, new ApiException(500, "InternalError", "internal error: " + e.getClass().getSimpleName()));
            }
        };
    }

    /** Writes need the token when one is configured: {@code Authorization: Bearer <token>}. */
    public static void requireToken(ServerRequest req, String token) {
        if (token == null || token.isEmpty()) {
            return;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        String expected = "Bearer " + token;
        if (!MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, "Unauthorized", "a bearer token is required to write (--token / SLUICE_TOKEN)");
        }
    }

    public static void sendJson(ServerResponse res, int status, Object body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(body));
    }

    public static void sendStatus(ServerResponse res, ApiException e) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.put("status", "Failure");
        s.put("message", e.getMessage());
        s.put("reason", e.reason());
        s.put("code", e.code());
        if (!e.causes().isEmpty()) {
            ArrayNode causes = s.putObject("details").putArray("causes");
            e.causes().forEach(v -> causes.addObject().put("field", v.field()).put("message", v.reason()));
        }
        sendJson(res, e.code(), s);
    }
}
