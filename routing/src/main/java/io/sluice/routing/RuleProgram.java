package io.sluice.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes of one virtual host flattened into one {@code char[]} for first-match lookup. Walking the
 * route objects costs a cache miss per hop (route, its match list, each block, each matcher, its string
 * and that string's bytes) for every rule tried, and with 10 000 hosts none of them is in cache; here
 * the literals every rule is tested against lie one after the other, so rules that cannot match are
 * rejected by reading memory sequentially.
 * <p>
 * Layout, rule after rule in route order, every number a {@link #var var} (one char below 2<sup>15</sup>):
 * <pre>
 * rule:      block count (0: the rule matches every request), then its blocks
 * block:     body length × 2, plus 1 when a fallback follows; fallback: the index in refs of the
 *            RequestMatch still to evaluate once the conditions hold (absent when the conditions are
 *            the whole block); body: the conditions
 * condition: source × 8 + op (sources PATH, METHOD, SCHEME, AUTHORITY, HEADER; ops PRESENT, EXACT,
 *            PREFIX); for HEADER the name's index in refs; literal length; literal chars
 * </pre>
 * {@code refs} holds the routes first (rule i returns {@code refs[i]}), then header names and blocks.
 * <p>
 * A matcher that states a value exactly (case-sensitive exact or prefix, presence) becomes a condition;
 * one it cannot state still yields what every match needs (a regex its literal lead, an Ingress path
 * prefix its characters, others a present value) and leaves its block to the RequestMatch. So the
 * result is always that of evaluating the routes one by one; conditions only decide sooner.
 */
record RuleProgram(char[] code, Object[] refs) {

    private static final int PATH = 0;
    private static final int METHOD = 1;
    private static final int SCHEME = 2;
    private static final int AUTHORITY = 3;
    private static final int HEADER = 4;

    private static final int PRESENT = 0;
    private static final int EXACT = 1;
    private static final int PREFIX = 2;

    static RuleProgram compile(List<Route> routes) {
        Writer w = new Writer(routes);
        for (Route route : routes) {
            putVar(w.code, route.matches().size());
            for (RequestMatch m : route.matches()) {
                w.block(m);
            }
        }
        char[] code = new char[w.code.length()];
        w.code.getChars(0, code.length, code, 0);
        return new RuleProgram(code, w.refs.toArray());
    }

    /** The first route whose match holds, or null. */
    static Route first(char[] code, Object[] refs, RequestAttributes request) {
        String path = request.path();
        int pc = 0;
        for (int rule = 0; pc < code.length; rule++) {
            int blocks = var(code, pc);
            pc += varSize(code, pc);
            if (blocks == 0) {
                return (Route) refs[rule];
            }
            for (int b = 0; b < blocks; b++) {
                int header = var(code, pc);
                pc += varSize(code, pc);
                int fallback = -1;
                if ((header & 1) != 0) {
                    fallback = var(code, pc);
                    pc += varSize(code, pc);
                }
                int end = pc + (header >>> 1);
                if (holds(code, pc, end, refs, request, path)
                        && (fallback < 0 || ((RequestMatch) refs[fallback]).matches(request))) {
                    return (Route) refs[rule];
                }
                pc = end;
            }
        }
        return null;
    }

    /** Whether the conditions in {@code code[pc, end)} hold for the request. */
    private static boolean holds(char[] code, int pc, int end, Object[] refs, RequestAttributes r, String path) {
        while (pc < end) {
            char sourceOp = code[pc++];
            String value;
            switch (sourceOp >>> 3) {
                case PATH -> value = path;
                case METHOD -> value = r.method();
                case SCHEME -> value = r.scheme();
                case AUTHORITY -> {
                    String host = r.header("host");
                    value = host != null ? host : r.host();
                }
                default -> {
                    value = r.header((String) refs[var(code, pc)]);
                    pc += varSize(code, pc);
                }
            }
            int length = var(code, pc);
            pc += varSize(code, pc);
            if (value == null || value.length() < length || (sourceOp & 7) == EXACT && value.length() != length
                    || !startsWith(value, code, pc, length)) {
                return false;
            }
            pc += length;
        }
        return true;
    }

    /**
     * Compares from the literal's end: a host's rules tend to share their lead ({@code /api/v1/},
     * {@code /api/v2/}) and differ at the end, so a rule that cannot match is rejected in a char or two.
     */
    private static boolean startsWith(String value, char[] code, int from, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (value.charAt(i) != code[from + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A number below 2<sup>30</sup> in one char when below 2<sup>15</sup>, else in two: the high half
     * with the top bit set, then the low 15 bits. Small numbers keep the program, and so the cache
     * lines a lookup reads, small.
     */
    private static int var(char[] code, int at) {
        char c = code[at];
        return c < 0x8000 ? c : (c & 0x7FFF) << 15 | code[at + 1];
    }

    private static int varSize(char[] code, int at) {
        return code[at] < 0x8000 ? 1 : 2;
    }

    private static void putVar(StringBuilder code, int v) {
        if (v < 0x8000) {
            code.append((char) v);
        } else {
            code.append((char) (0x8000 | v >>> 15)).append((char) (v & 0x7FFF));
        }
    }

    private static final class Writer {
        final StringBuilder code;
        final List<Object> refs;
        final Map<String, Integer> headerNames = new HashMap<>();
        private final StringBuilder body = new StringBuilder();

        Writer(List<Route> routes) {
            code = new StringBuilder(64 * routes.size()); // about what a rule of two blocks takes: one allocation
            refs = new ArrayList<>(routes);
        }

        void block(RequestMatch m) {
            body.setLength(0);
            boolean whole = m.host() == null && m.withoutHeaders().isEmpty() && m.queryParams().isEmpty();
            whole &= condition(PATH, null, m.uri());
            whole &= condition(METHOD, null, m.method());
            whole &= condition(SCHEME, null, m.scheme());
            whole &= condition(AUTHORITY, null, m.authority());
            for (var h : m.headers().entrySet()) {
                whole &= condition(HEADER, h.getKey(), h.getValue());
            }
            putVar(code, body.length() << 1 | (whole ? 0 : 1));
            if (!whole) {
                putVar(code, refs.size());
                refs.add(m);
            }
            code.append(body);
        }

        /** Appends what every value {@code m} accepts must satisfy; true when that is all {@code m} asks. */
        private boolean condition(int source, String header, StringMatcher m) {
            return switch (m) {
                case null -> true;
                case StringMatcher.Exact e -> e.ignoreCase() ? put(source, header, PRESENT, "", false)
                        : put(source, header, EXACT, e.value(), true);
                case StringMatcher.Prefix p -> p.ignoreCase() ? put(source, header, PRESENT, "", false)
                        : put(source, header, PREFIX, p.value(), true);
                case StringMatcher.Regex r -> r.ignoreCase() ? put(source, header, PRESENT, "", false)
                        : put(source, header, PREFIX, r.literalPrefix(), false);
                case StringMatcher.PathPrefix p -> put(source, header, PREFIX, p.value(), false);
                case StringMatcher.OneLabelWildcard w -> put(source, header, PRESENT, "", false);
                case StringMatcher.Present p -> put(source, header, PRESENT, "", true);
                case StringMatcher.Not n -> false; // holds for absent values too: nothing every match needs
            };
        }

        private boolean put(int source, String header, int op, String literal, boolean whole) {
            body.append((char) (source << 3 | op));
            if (header != null) {
                // one String per name across hosts: requests compare against it, so keep it in cache
                putVar(body, headerNames.computeIfAbsent(header.intern(), n -> {
                    refs.add(n);
                    return refs.size() - 1;
                }));
            }
            putVar(body, literal.length());
            body.append(literal);
            return whole;
        }
    }
}
