package io.sluice.mirror;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report as {@code GET /report} returns it: per route, the totals over the period and each window.
 */
public record Report(String from, String to, String windowSize, List<RouteReport> routes) {

    public record RouteReport(String route, Counts totals, List<WindowReport> windows) {
    }

    public record WindowReport(String start, String end, Counts counts) {
    }

    /** RouteStats with the averages worked out, samples included. */
    public record Counts(long mirrored, long replayed, long skipped, long dropped, long same, long different,
                         long differentStatus, long differentHeaders, long differentBody,
                         double primaryLatencyMsAvg, double shadowLatencyMsAvg, long primaryLatencyMsMax,
                         long shadowLatencyMsMax, List<Outcome.Sample> samples) {

        static Counts of(RouteStats s) {
            return new Counts(s.mirrored(), s.replayed(), s.skipped(), s.dropped(), s.same(), s.different(),
                    s.differentStatus(), s.differentHeaders(), s.differentBody(), round(s.primaryLatencyMsAvg()),
                    round(s.shadowLatencyMsAvg()), s.primaryLatencyMsMax(), s.shadowLatencyMsMax(), s.samples());
        }

        private static double round(double d) {
            return Math.round(d * 10) / 10.0;
        }
    }

    /** One window of one route, as read from the store. */
    record Entry(String route, long start, long end, RouteStats stats) {
    }

    static Report of(Instant from, Instant to, Duration window, List<Entry> entries) {
        Map<String, List<Entry>> byRoute = new TreeMap<>();
        entries.forEach(e -> byRoute.computeIfAbsent(e.route(), r -> new ArrayList<>()).add(e));
        List<RouteReport> routes = new ArrayList<>();
        byRoute.forEach((route, list) -> {
            RouteStats total = RouteStats.EMPTY;
            List<WindowReport> windows = new ArrayList<>();
            for (Entry e : list) {
                total = total.plus(e.stats());
                windows.add(new WindowReport(Instant.ofEpochMilli(e.start()).toString(),
                        Instant.ofEpochMilli(e.end()).toString(), Counts.of(e.stats())));
            }
            routes.add(new RouteReport(route, Counts.of(total), windows));
        });
        return new Report(from.toString(), to.toString(), window.toString(), routes);
    }

    /** A small page: one row per route, its sample differences underneath. */
    String html() {
        StringBuilder sb = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><title>Sluice mirror report</title>
                <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
                td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}
                .diff{color:#a00}pre{margin:0}</style></head><body>
                <h1>Mirror report</h1>
                """);
        sb.append("<p>").append(esc(from)).append(" to ").append(esc(to)).append(", windows of ")
                .append(esc(windowSize)).append(". <a href=\"/report\">JSON</a></p>\n");
        sb.append("<table><tr><th>route</th><th>mirrored</th><th>replayed</th><th>skipped</th><th>dropped</th>"
                + "<th>same</th><th>different</th><th>by status</th><th>by headers</th><th>by body</th>"
                + "<th>primary ms (avg)</th><th>shadow ms (avg)</th></tr>\n");
        for (RouteReport r : routes) {
            Counts c = r.totals();
            sb.append("<tr><td>").append(esc(r.route())).append("</td>");
            for (Object v : List.of(c.mirrored(), c.replayed(), c.skipped(), c.dropped(), c.same(), c.different(),
                    c.differentStatus(), c.differentHeaders(), c.differentBody(), c.primaryLatencyMsAvg(),
                    c.shadowLatencyMsAvg())) {
                sb.append("<td>").append(v).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n<h2>Sample differences</h2>\n");
        for (RouteReport r : routes) {
            for (Outcome.Sample s : r.totals().samples()) {
                sb.append("<h3>").append(esc(r.route())).append(": ").append(esc(s.method())).append(' ')
                        .append(esc(s.authority())).append(esc(s.path())).append(" <small>")
                        .append(esc(s.id())).append("</small></h3>\n<pre class=\"diff\">");
                s.differences().forEach(d -> sb.append(esc(d)).append('\n'));
                sb.append("</pre>");
                if (!s.noisyFields().isEmpty()) {
                    sb.append("<p>noise ignored: ").append(esc(String.join(", ", s.noisyFields()))).append("</p>");
                }
                sb.append('\n');
            }
        }
        return sb.append("</body></html>\n").toString();
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
