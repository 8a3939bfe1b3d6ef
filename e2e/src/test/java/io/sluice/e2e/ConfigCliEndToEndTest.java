package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.ConfigService;
import io.sluice.testing.BookFiles;
import io.sluice.testing.TestDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real CLI against config-service: the book's files applied in the book's order, {@code get -o yaml}
 * re-applied unchanged, {@code analyze} as istioctl prints it, {@code install --set meshConfig...}.
 */
class ConfigCliEndToEndTest {

    /** The book's order (README section 1): Sock Shop, then the exercises, egress after REGISTRY_ONLY. */
    static final List<String> BOOK_ORDER = List.of("sockshop-00-sock-shop-ns.yaml", "sockshop-09-front-end-dep.yaml",
            "sockshop-10-front-end-svc.yaml", "chapter3-envoy-config-1.yaml", "envoy-config-2.yaml",
            "01-envoy-proxy.yaml", "02-envoy-proxy.yaml", "ClusterIp-front-end-svc.yaml", "1-istio-ingress.yaml",
            "2-istio-ingress.yaml", "3-istio-gateway.yaml", "utilities-nginx.yaml", "utilities-curl.yaml",
            "4a-istio-gateway.yaml", "4b-istio-gateway.yaml", "5a-istio-gateway.yaml", "6-istio-gateway.yaml",
            "7-istio-gateway.yaml", "8-istio-gateway.yaml", "9-istio-gateway.yaml", "10-a-istio-egress-gateway.yaml",
            "10-b-istio-egress-gateway.yaml", "10-c-istio-egress-gateway.yaml");

    static ConfigService config;

    @BeforeAll
    static void start() {
        config = ConfigApiSupport.start(ConfigApiSupport.topics("cli"), null);
    }

    @AfterAll
    static void stop() {
        config.close();
    }

    @Test
    void everyBookFileAppliesUnchangedInTheBooksOrder() throws Exception {
        try (Stream<Path> s = Files.list(BookFiles.dir())) {
            assertEquals(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList(),
                    BOOK_ORDER.stream().sorted().toList(), "the order must name every file of the book's folder");
        }
        ConfigApiSupport.CliRun ns = ConfigApiSupport.cli(config, "apiVersion: v1\nkind: Namespace\nmetadata:\n"
                + "  name: chapter4\n  labels: {istio-injection: enabled}\n", "apply", "-f", "-");
        assertEquals(0, ns.exit(), ns.err());
        for (String file : BOOK_ORDER) {
            if (file.equals("10-a-istio-egress-gateway.yaml")) {
                ConfigApiSupport.CliRun install = ConfigApiSupport.cli(config, null, "install", "-y", "--set",
                        "profile=demo", "--set", "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY");
                assertEquals(0, install.exit(), install.err());
                assertEquals("meshconfig.sluice.io/mesh created\n", install.out());
            }
            ConfigApiSupport.CliRun run = ConfigApiSupport.cli(config, null, "apply", "-f",
                    BookFiles.dir().resolve(file).toString());
            assertEquals(0, run.exit(), file + ": " + run.out() + run.err());
            for (String line : run.out().lines().toList()) {
                assertTrue(line.matches("\\S+/\\S+ (created|configured|unchanged)")
                        || line.matches("(deployment\\.apps|pod|document\\[\\d+]).* skipped \\(.*\\)"), file + ": " + line);
            }
        }
        ConfigApiSupport.CliRun mesh = ConfigApiSupport.cli(config, null, "get", "meshconfig", "mesh", "-n",
                "istio-system", "-o", "yaml");
        assertTrue(mesh.out().contains("mode: REGISTRY_ONLY"), mesh.out() + mesh.err());
    }

    @Test
    void getOutputReappliesUnchangedAndAStaleOneConflicts() throws Exception {
        ConfigApiSupport.CliRun applied = ConfigApiSupport.cli(config, null, "apply", "-f",
                BookFiles.dir().resolve("3-istio-gateway.yaml").toString(), "-n", "rt");
        assertEquals(0, applied.exit(), applied.err());
        ConfigApiSupport.CliRun yaml = ConfigApiSupport.cli(config, null, "get", "virtualservice", "mockshop", "-n",
                "chapter4", "-o", "yaml");
        assertEquals(0, yaml.exit(), yaml.err());
        assertTrue(yaml.out().contains("resourceVersion:") && yaml.out().contains("creationTimestamp:"), yaml.out());
        ConfigApiSupport.CliRun again = ConfigApiSupport.cli(config, yaml.out(), "apply", "-f", "-");
        assertEquals("virtualservice.networking.istio.io/mockshop unchanged\n", again.out(), again.err());
        // someone changes it; the old output's resourceVersion is now a stale precondition
        ConfigApiSupport.CliRun changed = ConfigApiSupport.cli(config,
                yaml.out().replaceAll("resourceVersion: .*", "resourceVersion: \"-1\""), "apply", "-f", "-");
        assertEquals(1, changed.exit(), changed.out());
        assertTrue(changed.err().contains("Conflict"), changed.err());
    }

    @Test
    void analyzePrintsWarningsAsIstioctlDoes() throws Exception {
        Path file = TestDirectories.file("analyze", ".yaml");
        Files.writeString(file, BookFiles.read("3-istio-gateway.yaml"));
        ConfigApiSupport.CliRun run = ConfigApiSupport.cli(config, null, "analyze", "-f", file.toString());
        Files.delete(file);
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().lines().anyMatch(l -> l.matches(
                "Warning \\[IST0101] \\(VirtualService chapter4/(mockshop|sockshop)\\) Referenced host not found: \".+\"")),
                run.out());
    }
}
