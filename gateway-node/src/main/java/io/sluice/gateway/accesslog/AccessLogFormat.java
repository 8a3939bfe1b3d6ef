package io.sluice.gateway.accesslog;

import io.sluice.gateway.proxy.Exchange;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Istio's default access-log formats: Envoy's text line and its JSON equivalent. */
public enum AccessLogFormat {

    /**
     * {@code [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
     * %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
     * "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
     * %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%"
     * "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS%
     * %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%}
     */
    TEXT {
        @Override
        void append(StringBuilder sb, Exchange e) {
            sb.append('[').append(START_TIME.format(e.start())).append("] \"")
                    .append(e.method()).append(' ').append(e.path()).append(' ').append(e.protocol()).append("\" ")
                    .append(e.responseCode()).append(' ').append(e.responseFlags()).append(' ')
                    .append(details(e)).append(" - \"-\" ")
                    .append(e.bytesReceived()).append(' ').append(e.bytesSent()).append(' ')
                    .append(e.durationMillis()).append(' ')
                    .append(e.upstreamServiceTime() < 0 ? "-" : Long.toString(e.upstreamServiceTime())).append(' ')
                    .append('"').append(dash(e.forwardedFor())).append("\" \"").append(dash(e.userAgent()))
                    .append("\" \"").append(dash(e.requestId())).append("\" \"").append(dash(e.authority()))
                    .append("\" \"").append(dash(e.upstreamHost())).append("\" ")
                    .append(e.cluster() == null ? "-" : e.cluster().name()).append(" - ")
                    .append(e.downstreamLocal()).append(' ').append(e.downstreamRemote()).append(" - ")
                    .append(dash(e.route())).append('\n');
        }
    },

    /** The same fields under the keys of Istio's default JSON encoding. */
    JSON {
        @Override
        void append(StringBuilder sb, Exchange e) {
            sb.append('{');
            field(sb, "start_time", START_TIME.format(e.start()));
            field(sb, "method", e.method());
            field(sb, "path", e.path());
            field(sb, "protocol", e.protocol());
            number(sb, "response_code", e.responseCode());
            field(sb, "response_flags", e.responseFlags());
            field(sb, "response_code_details", details(e));
            field(sb, "connection_termination_details", null);
            field(sb, "upstream_transport_failure_reason", null);
            number(sb, "bytes_received", e.bytesReceived());
            number(sb, "bytes_sent", e.bytesSent());
            number(sb, "duration", e.durationMillis());
            if (e.upstreamServiceTime() < 0) {
                field(sb, "upstream_service_time", null);
            } else {
                field(sb, "upstream_service_time", Long.toString(e.upstreamServiceTime()));
            }
            field(sb, "x_forwarded_for", e.forwardedFor());
            field(sb, "user_agent", e.userAgent());
            field(sb, "request_id", e.requestId());
            field(sb, "authority", e.authority());
            field(sb, "upstream_host", e.upstreamHost());
            field(sb, "upstream_cluster", e.cluster() == null ? null : e.cluster().name());
            field(sb, "upstream_local_address", null);
            field(sb, "downstream_local_address", e.downstreamLocal());
            field(sb, "downstream_remote_address", e.downstreamRemote());
            field(sb, "requested_server_name", null);
            field(sb, "route_name", e.route());
            sb.setLength(sb.length() - 1);
            sb.append("}\n");
        }
    };

    private static final DateTimeFormatter START_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Appends one line, newline included. */
    abstract void append(StringBuilder sb, Exchange e);

    public String format(Exchange e) {
        StringBuilder sb = new StringBuilder(256);
        append(sb, e);
        return sb.toString();
    }

    public static AccessLogFormat parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("--access-log-format: text or json, not " + name);
        };
    }

    /** Envoy's %RESPONSE_CODE_DETAILS% for the cases the proxy distinguishes. */
    static String details(Exchange e) {
        String flags = e.responseFlags();
        if (flags.contains("NR")) {
            return "route_not_found";
        } else if (flags.contains("FI")) {
            return "fault_filter_abort";
        } else if (flags.contains("UH")) {
            return "no_healthy_upstream";
        } else if (flags.contains("UO")) {
            return "upstream_reset_before_response_started{overflow}";
        } else if (flags.contains("UF")) {
            return "upstream_reset_before_response_started{connection_failure}";
        } else if (flags.contains("UC")) {
            return "upstream_reset_before_response_started{connection_termination}";
        } else if (flags.contains("UT")) {
            return "response_timeout";
        }
        return e.upstreamServiceTime() >= 0 ? "via_upstream" : e.cluster() == null ? "direct_response" : "-";
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static void field(StringBuilder sb, String key, String value) {
        sb.append('"').append(key).append("\":");
        if (value == null) {
            sb.append("null,");
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append("\",");
    }

    private static void number(StringBuilder sb, String key, long value) {
        sb.append('"').append(key).append("\":").append(value).append(',');
    }
}
