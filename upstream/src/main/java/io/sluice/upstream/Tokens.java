package io.sluice.upstream;

/** Comma-separated header tokens (Connection, Transfer-Encoding), compared without case. */
public final class Tokens {

    private Tokens() {
    }

    public static boolean contains(String header, String token) {
        for (String t : header.split(",")) {
            if (t.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the last token is this one: only then is a body chunked (RFC 9112 §6.3). */
    static boolean last(String header, String token) {
        int comma = header.lastIndexOf(',');
        return header.substring(comma + 1).strip().equalsIgnoreCase(token);
    }
}
