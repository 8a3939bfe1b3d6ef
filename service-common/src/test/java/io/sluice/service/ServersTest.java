package io.sluice.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ServersTest {

    @Test
    void aPortHeldByAnotherProcessFailsTheStartNamingTheServer() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            WebServer server = WebServer.builder().host("127.0.0.1").port(taken.getLocalPort())
                    .routing(r -> r.get("/", (req, res) -> res.send("ok"))).build();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Servers.start(server, "the status server on 127.0.0.1:" + taken.getLocalPort()));
            assertTrue(e.getMessage().startsWith("cannot listen for the status server on 127.0.0.1:"
                    + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void aFreePortServes() throws Exception {
        WebServer server = Servers.start(WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/", (req, res) -> res.send("ok"))).build(), "a test server");
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("ok", response.body());
        } finally {
            server.stop();
        }
    }
}
