package io.sluice.model.validation;

import io.sluice.model.Durations;
import io.sluice.model.net.IpBlock;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks of single values whose syntax Kubernetes or Istio define: names, hosts, durations, regexes. */
final class Formats {

    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    /** Istio compares host names case-insensitively, so upper case is allowed here. */
    private static final Pattern HOST = Pattern.compile("(?i)(\\*|\\*\\.)?" + LABEL + "(\\." + LABEL + ")*\\.?");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    /** RFC 7230 token: the characters a header name may have. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final long NANOS_PER_MS = 1_000_000L;

    private Formats() {
    }

    static void dns1123Subdomain(Findings f, String path, String value) {
        if (value.length() > 253 || !DNS1123_SUBDOMAIN.matcher(value).matches()) {
            f.invalid(path, value, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
                    + " '-' or '.', and must start and end with an alphanumeric character (at most 253 characters)");
        }
    }

    static void dns1123Label(Findings f, String path, String value) {
        if (value.length() > 63 || !DNS1123_LABEL.matcher(value).matches()) {
            f.invalid(path, value, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters"
                    + " or '-', and must start and end with an alphanumeric character (at most 63 characters)");
        }
    }

    static void dns1035Label(Findings f, String path, String value) {
        if (value.length() > 63 || !DNS1035_LABEL.matcher(value).matches()) {
            f.invalid(path, value, "a DNS-1035 label must consist of lower case alphanumeric characters or '-',"
                    + " start with an alphabetic character, and end with an alphanumeric character (at most 63 characters)");
        }
    }

    /** A Kubernetes label or annotation key: an optional DNS subdomain prefix and a name of at most 63. */
    static void qualifiedName(Findings f, String path, String key) {
        int slash = key.lastIndexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        String prefix = slash < 0 ? null : key.substring(0, slash);
        boolean prefixOk = prefix == null
                || (prefix.length() <= 253 && DNS1123_SUBDOMAIN.matcher(prefix).matches());
        if (!prefixOk || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
            f.invalid(path, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start"
                    + " and end with an alphanumeric character (at most 63), with an optional DNS subdomain prefix and '/'");
        }
    }

    static void labelValue(Findings f, String path, String value) {
        if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
            f.invalid(path, value, "a valid label must be an empty string or consist of alphanumeric characters,"
                    + " '-', '_' or '.', and must start and end with an alphanumeric character (at most 63)");
        }
    }

    /** A service host as Istio accepts it: a DNS name, optionally with a leading {@code *.}, or {@code *}. */
    static boolean host(String value) {
        return value.equals("*") || (value.length() <= 255 && HOST.matcher(value).matches());
    }

    static void host(Findings f, String path, String value) {
        if (!host(value)) {
            f.invalid(path, value, "invalid host: must be a DNS name, optionally prefixed with \"*.\", or \"*\"");
        }
    }

    static void headerName(Findings f, String path, String name) {
        if (!HEADER_NAME.matcher(name).matches()) {
            f.invalid(path, name, "invalid header name: must be an HTTP token (RFC 7230)");
        }
    }

    /** An IPv4 or IPv6 address, strictly as Istio parses one ({@link IpBlock#literal}). */
    static boolean ip(String value) {
        return IpBlock.literal(value) != null;
    }

    /**
     * Why a value is not an IP address or CIDR block (as ServiceEntry addresses and match blocks'
     * subnets are), or null when it is one.
     */
    static String notIpOrCidr(String value) {
        try {
            IpBlock.parse(value);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static void port(Findings f, String path, Integer port) {
        if (port != null && (port < 1 || port > 65535)) {
            f.invalid(path, port, "port number must be between 1 and 65535, inclusive");
        }
    }

    static void percentage(Findings f, String path, Double value) {
        if (value != null && (value < 0 || value > 100)) {
            f.invalid(path, value, "percentage must be in the range [0.0, 100.0]");
        }
    }

    static void base64(Findings f, String path, String value) {
        try {
            Base64.getDecoder().decode(value.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            f.invalid(path, "<secret data>", "illegal base64 data: " + e.getMessage());
        }
    }

    /**
     * A duration as Istio accepts it: Go's syntax ({@code 1.5s}, {@code 500ms}, {@code 1m}, {@code 1h30m}),
     * at least 1ms and to millisecond precision, since Envoy's timeouts are milliseconds. Returns
     * whether the value (if any) passed.
     */
    static boolean duration(Findings f, String path, String value) {
        if (value == null) {
            return true;
        }
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            f.invalid(path, value, "not a valid duration: write it as Go does, for example 1.5s, 500ms, 1m or 1h");
            return false;
        }
        if (d.isNegative() || d.toNanos() < NANOS_PER_MS) {
            f.invalid(path, value, "duration must be at least 1ms");
            return false;
        }
        if (d.toNanos() % NANOS_PER_MS != 0) {
            f.invalid(path, value, "only durations to ms precision are supported");
            return false;
        }
        return true;
    }

    /**
     * A regex Sluice evaluates with java.util.regex while Istio's users write RE2 (Envoy's dialect):
     * it must compile in Java and use nothing RE2 lacks, or it would mean one thing here and be
     * refused by any Istio the same file is applied to.
     */
    static void regex(Findings f, String path, String regex) {
        if (regex == null) {
            return;
        }
        String re2Gap = re2Unsupported(regex);
        if (re2Gap != null) {
            f.invalid(path, regex, "RE2 does not support " + re2Gap);
            return;
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            f.invalid(path, regex, "invalid regex: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    /** The first construct Java has and RE2 has not, or null. */
    private static String re2Unsupported(String regex) {
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char n = regex.charAt(i + 1);
                if (!inClass && n >= '1' && n <= '9') {
                    return "backreferences (\\" + n + ")";
                }
                if (!inClass && n == 'k' && regex.startsWith("<", i + 2)) {
                    return "named backreferences (\\k<...>)";
                }
                if (n == 'G' || n == 'Z' || n == 'R' || n == 'X') {
                    return "\\" + n;
                }
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
                // a ']' right after '[' or '[^' is a literal, not the end of the class
                if (regex.startsWith("^]", i + 1)) {
                    i += 2;
                } else if (regex.startsWith("]", i + 1)) {
                    i++;
                }
            } else if (c == '(') {
                String gap = groupGap(regex.substring(i + 1));
                if (gap != null) {
                    return gap;
                }
            } else if (c == '+' && possessive(regex, i)) {
                return "possessive quantifiers (" + regex.charAt(i - 1) + "+)";
            }
        }
        return null;
    }

    /** Whether the '+' at {@code i} follows an unescaped quantifier, making it possessive. */
    private static boolean possessive(String regex, int i) {
        return i >= 2 && "*+?}".indexOf(regex.charAt(i - 1)) >= 0 && regex.charAt(i - 2) != '\\';
    }

    private static String groupGap(String rest) {
        if (rest.startsWith("?=")) {
            return "lookahead (?=...)";
        }
        if (rest.startsWith("?!")) {
            return "negative lookahead (?!...)";
        }
        if (rest.startsWith("?<=")) {
            return "lookbehind (?<=...)";
        }
        if (rest.startsWith("?<!")) {
            return "negative lookbehind (?<!...)";
        }
        if (rest.startsWith("?>")) {
            return "atomic groups (?>...)";
        }
        return null;
    }
}
