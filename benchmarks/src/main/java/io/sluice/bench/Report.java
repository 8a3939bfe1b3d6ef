package io.sluice.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The markdown a benchmark prints for BENCHMARKS.md: what machine, when, the command to re-run it,
 * then its tables. Absolute numbers on a shared machine are noise; the header says how loaded it was.
 */
final class Report {

    private final StringBuilder md = new StringBuilder();

    Report(String title) {
        md.append("### ").append(title).append("\n\n");
        md.append("- machine: ").append(machine()).append('\n');
        md.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        md.append("- command: `").append(System.getProperty("bench.command", "(see bench/)")).append("`\n");
        md.append("- Sluice JVM options: ").append(jvmOptions().isEmpty() ? "as `./sluice up` (`etc/jvm/`)"
                : "`" + String.join(" ", jvmOptions()) + "`").append("\n");
        md.append("- load average at start: ").append(loadAverage()).append("\n\n");
    }

    /**
     * JVM options of every Sluice service a benchmark starts: {@code -Dbench.jvm} ({@code SLUICE_JVM_OPTS}
     * in bench/run.sh); none, by default, for each service's own from {@code etc/jvm/}, as {@code ./sluice up}.
     */
    static List<String> jvmOptions() {
        String options = System.getProperty("bench.jvm", "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    Report line(String text) {
        md.append(text).append('\n');
        return this;
    }

    Report table(List<String> header, List<List<String>> rows) {
        md.append("| ").append(String.join(" | ", header)).append(" |\n");
        md.append("|").append("---|".repeat(header.size())).append('\n');
        for (List<String> r : rows) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        md.append('\n');
        return this;
    }

    /** Prints the report and writes it to {@code bench/results/NAME-TIMESTAMP.md} when that folder is at hand. */
    void publish(String name) {
        System.out.println(md);
        Path dir = Path.of(System.getProperty("bench.results", "bench/results"));
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + "-" + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + ".md");
            Files.writeString(file, md);
            System.err.println("written to " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String machine() {
        String cpu = read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        long memKib = read("/proc/meminfo").lines().filter(l -> l.startsWith("MemTotal")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(0L);
        return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB, %s %s, JDK %s",
                Runtime.getRuntime().availableProcessors(), cpu, memKib / 1048576.0,
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"));
    }

    static String loadAverage() {
        return String.join(" ", Arrays.copyOf(read("/proc/loadavg").split(" "), 3));
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }

    /** The p-th percentile (0–100) of sorted values, nearest rank. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String ms(double millis) {
        return String.format(Locale.ROOT, "%.2f ms", millis);
    }

    static String mib(long kib) {
        return String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
    }
}
