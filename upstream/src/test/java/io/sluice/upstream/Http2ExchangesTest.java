package io.sluice.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.webserver.WebServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Http2ExchangesTest {

    private WebServer server;
    private final ConnectionPool pool = new ConnectionPool();

    @BeforeEach
    void start() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/", (req, res) -> res.send("plain")))
                .build().start();
    }

    @AfterEach
    void stop() {
        pool.close();
        server.stop();
    }

    /** The mirror sink asks every HTTP/2 answer for a grpc-status in its trailers; Helidon's client threw. */
    @Test
    void anAnswerThatAnnouncedNoTrailersHasNoneRatherThanFailing() throws Exception {
        Destination h2c = new Destination("127.0.0.1", server.port(), null, ConnectionPool.IDLE_TIMEOUT, null, null,
                true, null);
        try (UpstreamResponse r = pool.send(h2c, Duration.ofSeconds(2), Duration.ofSeconds(5), "GET", "/",
                new HeaderList().add("host", "backend"), OutgoingBody.NONE, false)) {
            assertEquals(200, r.status());
            try (InputStream body = r.body()) {
                assertEquals("plain", new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(0, r.trailers().get().size());
        }
    }
}
