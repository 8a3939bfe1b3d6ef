package io.sluice.testing.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Sluice service as an OS process, started from its module's packaged jar and {@code target/lib}
 * exactly as {@code ./sluice up} and the container image start it. Output goes to a log file per
 * process (appended across restarts). It can be killed ({@code SIGKILL}), stopped ({@code SIGTERM})
 * and started again with the same arguments, ports included.
 */
public final class ServiceProcess implements AutoCloseable {

    /** A runnable module: its directory, and the main class it runs. */
    public enum Module {
        BROKER("embedded-kafka", "io.sluice.embedded.EmbeddedKafkaBroker"),
        CONFIG_SERVICE("config-service", "io.sluice.config.ConfigServiceMain"),
        REGISTRY_SERVICE("registry-service", "io.sluice.registry.RegistryServiceMain"),
        GATEWAY_NODE("gateway-node", "io.sluice.gateway.GatewayNodeMain"),
        MIRROR_SINK("mirror-sink", "io.sluice.mirror.MirrorSinkMain"),
        CLI("cli", "io.sluice.cli.SluiceCli");

        final String directory;
        final String mainClass;

        Module(String directory, String mainClass) {
            this.directory = directory;
            this.mainClass = mainClass;
        }
    }

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    private ServiceProcess(String name, List<String> command, Map<String, String> environment, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    /**
     * The JVM options {@code ./sluice up} gives {@code module}: {@code etc/jvm/MODULE.options}, or
     * {@code etc/jvm/service.options} for a module without a file of its own.
     */
    public static List<String> defaultJvmOptions(Path root, Module module) {
        Path own = root.resolve("etc/jvm").resolve(module.directory + ".options");
        Path file = Files.isRegularFile(own) ? own : root.resolve("etc/jvm/service.options");
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> !line.startsWith("#"))
                    .flatMap(line -> Arrays.stream(line.trim().split("\\s+")))
                    .filter(option -> !option.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code module} with {@code args}.
     *
     * @param jvmOptions heap and GC flags; none for {@link #defaultJvmOptions the module's own}
     */
    public static ServiceProcess start(Path root, Path logDir, String name, Module module, List<String> jvmOptions,
                                       List<String> args, Map<String, String> environment) {
        Path target = root.resolve(module.directory).resolve("target");
        if (!Files.isDirectory(target.resolve("lib"))) {
            throw new IllegalStateException(target.resolve("lib") + " is missing: package the modules first"
                    + " (mvn package, or ./sluice test which runs mvn verify)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        cmd.add("-Djava.util.logging.config.file=" + root.resolve("etc/logging.properties"));
        cmd.addAll(jvmOptions.isEmpty() ? defaultJvmOptions(root, module) : jvmOptions);
        // the module jar (target/*.jar) and its runtime dependencies, as the sluice script does
        cmd.add("-cp");
        cmd.add(target + File.separator + "*" + File.pathSeparator + target.resolve("lib") + File.separator + "*");
        cmd.add(module.mainClass);
        cmd.addAll(args);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServiceProcess p = new ServiceProcess(name, cmd, environment, logDir.resolve(name + ".log"));
        p.start();
        return p;
    }

    /** Starts the process again with the same command line (after {@link #kill} or {@link #stop}). */
    public synchronized ServiceProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        ProcessBuilder b = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        b.environment().putAll(environment);
        try {
            process = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + name, e);
        }
        return this;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process.pid();
    }

    /** {@code SIGKILL}: no shutdown hook runs, as when a machine or container dies. */
    public void kill() {
        end(true, Duration.ofSeconds(20));
    }

    /** {@code SIGTERM}: the service closes cleanly. */
    public void stop() {
        end(false, Duration.ofSeconds(20));
    }

    /**
     * {@code SIGTERM}, waiting up to {@code grace} for the process to end: longer than {@link #stop()}
     * when it writes something on its way out (a JDK AOT cache).
     */
    public void stop(Duration grace) {
        end(false, grace);
    }

    /** The resident set size now, in KiB, from {@code /proc} (Linux). */
    public long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the RSS of " + name, e);
        }
        throw new IllegalStateException("no VmRSS for " + name);
    }

    /**
     * CPU time the process has used so far (user + system, all threads), in milliseconds, from
     * {@code /proc} (Linux, 100 clock ticks a second): start-up cost that does not depend on what else
     * the machine runs.
     */
    public long cpuMillis() {
        return cpuTime(pid()).totalMillis();
    }

    /** User and system CPU time of a process, in milliseconds. */
    public record CpuTime(long userMillis, long systemMillis) {

        public long totalMillis() {
            return userMillis + systemMillis;
        }

        public CpuTime minus(CpuTime earlier) {
            return new CpuTime(userMillis - earlier.userMillis, systemMillis - earlier.systemMillis);
        }

        private CpuTime plus(CpuTime other) {
            return new CpuTime(userMillis + other.userMillis, systemMillis + other.systemMillis);
        }
    }

    /**
     * The same for any process and the processes it started (nginx's workers, say): processes that
     * ended in between are not counted.
     */
    public static CpuTime cpuTime(long pid) {
        ProcessHandle root = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        return root.descendants().map(ServiceProcess::childCpuTime).reduce(ownCpuTime(pid), CpuTime::plus);
    }

    private static CpuTime childCpuTime(ProcessHandle child) {
        try {
            return ownCpuTime(child.pid());
        } catch (UncheckedIOException e) {
            return new CpuTime(0, 0); // it ended since it was listed
        }
    }

    private static CpuTime ownCpuTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new CpuTime(Long.parseLong(f[11]) * 10, Long.parseLong(f[12]) * 10);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the CPU time of process " + pid, e);
        }
    }

    private synchronized void end(boolean force, Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return name + (alive() ? " (pid " + pid() + ")" : " (not running)");
    }
}
