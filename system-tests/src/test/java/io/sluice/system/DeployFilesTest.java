package io.sluice.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.kafka.secrets.SecretKeys;
import io.sluice.testing.process.ProcessCluster;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, the Dockerfile and deploy/ agree with each other and with the code. There is no
 * Docker engine on the build machines, so this is what keeps the compose cluster from rotting:
 * {@code docker-compose config -q} where the command exists, and cross-checks that need nothing.
 */
class DeployFilesTest {

    static final Path ROOT = ProcessCluster.repositoryRoot();

    /** The compose file with anchors and merge keys resolved, as compose reads it. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path));
    }

    @SuppressWarnings("unchecked")
    static List<String> list(Map<String, Object> service, String key) {
        Object v = service.get(key);
        return v == null ? List.of() : (List<String>) v;
    }

    /** The services of the one Sluice image with the argument vector they run: entrypoint + command. */
    static Map<String, List<String>> sluiceServices() throws IOException {
        Map<String, List<String>> argv = new LinkedHashMap<>();
        services().forEach((name, s) -> {
            if ("sluice:latest".equals(s.get("image"))) {
                List<String> entry = list(s, "entrypoint");
                List<String> all = new ArrayList<>(entry.isEmpty() ? List.of() : entry.subList(1, entry.size()));
                all.addAll(list(s, "command"));
                argv.put(name, all);
            }
        });
        return argv;
    }

    static String flag(List<String> argv, String name) {
        int i = argv.indexOf("--" + name);
        return i < 0 ? null : argv.get(i + 1);
    }

    @Test
    void composeFileIsValidForDockerCompose() throws Exception {
        boolean installed = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "docker-compose")));
        assumeTrue(installed, "docker-compose is not installed (apt-get install docker-compose)");
        Process p = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose config did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
    }

    @Test
    void everySluiceServiceRunsAServiceTheEntrypointKnows() throws IOException {
        Set<String> known = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+([a-z-]+)\\)").matcher(read("deploy/entrypoint.sh"));
        while (m.find()) {
            known.add(m.group(1));
        }
        assertTrue(known.containsAll(Set.of("config-service", "registry-service", "gateway-node", "mirror-sink", "cli")),
                "entrypoint.sh knows " + known);
        sluiceServices().forEach((name, argv) ->
                assertTrue(known.contains(argv.getFirst()), name + " runs " + argv.getFirst() + "; known: " + known));
    }

    @Test
    void edgeBalancesOverExactlyTheIngressNodes() throws IOException {
        Map<String, List<String>> ingress = sluiceServices().entrySet().stream()
                .filter(e -> e.getValue().getFirst().equals("gateway-node")
                        && "ingress".equals(flag(e.getValue(), "role")))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(3, ingress.size(), "ingress gateway nodes: " + ingress.keySet());
        Set<String> ids = ingress.values().stream().map(a -> flag(a, "node-id")).collect(Collectors.toSet());
        assertEquals(3, ids.size(), "node ids must differ: " + ids);

        Matcher http = Pattern.compile("upstream gateways_http\\s*\\{([^}]*)}").matcher(read("deploy/edge-nginx.conf"));
        assertTrue(http.find(), "edge-nginx.conf has no gateways_http upstream");
        Set<String> servers = new TreeSet<>();
        Matcher s = Pattern.compile("server\\s+([^;\\s]+);").matcher(http.group(1));
        while (s.find()) {
            servers.add(s.group(1));
        }
        // an ingress node serves Gateway port 80 on 80 + 8000
        Set<String> expected = ingress.keySet().stream().map(n -> n + ":8080").collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, servers);
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthChecksProbeThePortTheServiceListensOn() throws IOException {
        assertTrue(read("Dockerfile").contains("deploy/healthcheck.sh"), "the image must contain healthcheck.sh");
        Map<String, List<String>> argv = sluiceServices();
        int checked = 0;
        for (var e : services().entrySet()) {
            Map<String, Object> health = (Map<String, Object>) e.getValue().get("healthcheck");
            if (health == null || !argv.containsKey(e.getKey())) {
                continue;
            }
            List<String> test = (List<String>) health.get("test");
            assertEquals("/opt/sluice/healthcheck.sh", test.get(1), e.getKey());
            List<String> a = argv.get(e.getKey());
            String port = Stream.of("config-port", "registry-port", "status-port").map(f -> flag(a, f))
                    .filter(p -> p != null).findFirst().orElse("none");
            assertEquals(port, test.get(2), e.getKey() + " probes another port than it listens on");
            checked++;
        }
        assertTrue(checked >= 6, "health-checked Sluice services: " + checked);
    }

    /**
     * Without the key config-service refuses Secrets and the gateways cannot open them: HTTPS would not
     * work; nor would mirror-sink reach a shadow whose DestinationRule's TLS credential is a Secret.
     */
    @Test
    @SuppressWarnings("unchecked")
    void configServiceEveryGatewayAndTheMirrorSinkHoldTheSecretKeyThatTheKeyServiceMakes() throws IOException {
        Map<String, Map<String, Object>> services = services();
        assertEquals(List.of("secret-key", "/opt/sluice/keys/secret.key"), list(services.get("secret-key"), "command"));
        int keyed = 0;
        for (var e : sluiceServices().entrySet()) {
            if (!Set.of("config-service", "gateway-node", "mirror-sink").contains(e.getValue().getFirst())) {
                continue;
            }
            Map<String, Object> s = services.get(e.getKey());
            assertEquals("/opt/sluice/keys/secret.key",
                    ((Map<String, Object>) s.get("environment")).get("SLUICE_SECRET_KEY_FILE"), e.getKey());
            assertTrue(list(s, "volumes").contains("sluice-keys:/opt/sluice/keys:ro"), e.getKey() + " " + s.get("volumes"));
            assertTrue(((Map<String, Object>) s.get("depends_on")).containsKey("secret-key"), e.getKey());
            keyed++;
        }
        assertEquals(6, keyed, "config-service, three ingress nodes, the egress gateway and mirror-sink");
    }

    @Test
    void theEntrypointMakesAKeyOnceThatConfigServiceCanSealWith(@TempDir Path keys) throws Exception {
        Path file = keys.resolve("secret.key");
        for (int run = 0; run < 2; run++) {
            Process p = new ProcessBuilder("sh", ROOT.resolve("deploy/entrypoint.sh").toString(), "secret-key",
                    file.toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size(), "a second run keeps the first key: " + lines);
        assertTrue(SecretKeys.load(file).canSeal(), lines.getFirst().split(" ")[0]);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));
    }

    /**
     * The image runs each service with the JVM options {@code ./sluice up} gives it (the gateway's young
     * generation is worth a third of its throughput), read from the same files the Dockerfile copies.
     */
    @Test
    void theEntrypointRunsEachServiceWithItsJvmOptionsFromEtc(@TempDir Path bin) throws Exception {
        assertTrue(read("Dockerfile").contains("COPY --from=build /src/etc/jvm etc/jvm"), "the image must hold etc/jvm");
        // a stand-in for java that prints the arguments it was given, one a line
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        java.toFile().setExecutable(true);
        for (String service : List.of("gateway-node", "config-service")) {
            ProcessBuilder pb = new ProcessBuilder("sh", ROOT.resolve("deploy/entrypoint.sh").toString(), service,
                    "--kafka", "kafka:9092").redirectErrorStream(true);
            pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
            pb.environment().put("SLUICE_HOME", ROOT.toString());
            pb.environment().remove("SLUICE_JVM_OPTS");
            Process p = pb.start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            List<String> argv = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            String file = Files.exists(ROOT.resolve("etc/jvm/" + service + ".options")) ? service : "service";
            List<String> options = Files.readAllLines(ROOT.resolve("etc/jvm/" + file + ".options")).stream()
                    .filter(l -> !l.startsWith("#")).flatMap(l -> Stream.of(l.trim().split("\\s+"))).toList();
            assertTrue(argv.containsAll(options), service + " ran with " + argv + ", not " + options);
            assertEquals(List.of("--kafka", "kafka:9092"), argv.subList(argv.size() - 2, argv.size()));
        }
    }

    @Test
    void brokerImageIsTheKafkaVersionTheClientsUse() throws IOException {
        Matcher v = Pattern.compile("<version.kafka>([^<]+)</version.kafka>").matcher(read("pom.xml"));
        assertTrue(v.find());
        assertEquals("apache/kafka:" + v.group(1), services().get("kafka").get("image"));
    }
}
