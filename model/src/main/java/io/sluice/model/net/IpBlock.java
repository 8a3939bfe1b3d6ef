package io.sluice.model.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IP address or CIDR block as Istio writes them ({@code 10.0.0.0/8}, {@code 192.168.5.5},
 * {@code 2001:db8::/32}), shared by validation, which refuses what does not parse, and by the route
 * compiler, which matches addresses against what does: the two cannot disagree about a block.
 *
 * <p>Parsed as Go's {@code net.ParseCIDR} and {@code netip.ParseAddr} parse them for Istio: IPv4 in
 * four decimal parts without leading zeros, IPv6 without zone or brackets, a prefix length up to the
 * address's bits; never a name, so never a DNS lookup.
 *
 * <p>An IPv4-mapped IPv6 block ({@code ::ffff:10.0.0.0/104}) is its IPv4 block ({@code 10.0.0.0/8}):
 * Java reports a dual-stack socket's IPv4 client as an IPv4 address, so that is what it is matched
 * against. A mapped address with a prefix shorter than 96 reaches past IPv4 into other IPv6 addresses
 * ({@code ::ffff:0:0/80} holds {@code ::1} too), so it is no IPv4 block, and read as an IPv6 one it
 * would take no IPv4 client, none being reported in mapped form: it is refused rather than given a
 * meaning of Sluice's own.
 *
 * @param network the address as written (the bits past the prefix are not cleared); an
 *                {@link Inet4Address} for an IPv4-mapped one
 * @param bits    the prefix length: 0..32 for IPv4, 0..128 for IPv6
 */
public record IpBlock(InetAddress network, int bits) {

    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern BITS = Pattern.compile("\\d{1,3}");
    /** The prefix of {@code ::ffff:0:0/96}, where IPv4 addresses sit in IPv6. */
    private static final int MAPPED_PREFIX = 96;

    /**
     * @throws IllegalArgumentException naming what is wrong with the text, for a validation message
     */
    public static IpBlock parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("an address is required");
        }
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress network = literal(address);
        if (network == null) {
            throw new IllegalArgumentException("\"" + address + "\" is not an IPv4 or IPv6 address");
        }
        boolean writtenAsIpv6 = address.indexOf(':') >= 0;
        int max = writtenAsIpv6 ? 128 : 32;
        int bits = max;
        if (slash >= 0) {
            String prefix = text.substring(slash + 1);
            if (!BITS.matcher(prefix).matches() || Integer.parseInt(prefix) > max) {
                throw new IllegalArgumentException("the prefix length must be a number from 0 to " + max
                        + ", not \"" + prefix + "\"");
            }
            bits = Integer.parseInt(prefix);
        }
        if (writtenAsIpv6 && network instanceof Inet4Address) {
            // its 4 bytes would otherwise be read with a prefix of up to 128 bits
            if (bits < MAPPED_PREFIX) {
                throw new IllegalArgumentException("an IPv4-mapped address needs a prefix length from "
                        + MAPPED_PREFIX + " to 128 (96 plus its IPv4 prefix length); write a wider block as"
                        + " IPv4, such as 0.0.0.0/0");
            }
            bits -= MAPPED_PREFIX;
        }
        return new IpBlock(network, bits);
    }

    /**
     * The address an IPv4 or IPv6 literal names, an IPv4-mapped one as IPv4 (as Java gives it); null for
     * anything else, which is never looked up.
     */
    public static InetAddress literal(String text) {
        byte[] bytes = text == null ? null : text.indexOf(':') < 0 ? ipv4(text) : ipv6(text);
        try {
            // from bytes, never from text: InetAddress.getByName looks up whatever it cannot parse
            return bytes == null ? null : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes make an address", e);
        }
    }

    /** Four decimal parts without leading zeros, as Go takes them: not "10", "10.1" or "010.0.0.1". */
    private static byte[] ipv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return null;
        }
        String[] parts = text.split("\\.");
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    /**
     * Eight groups of one to four hex digits, a run of zero groups (at least one) written {@code ::} at
     * most once, the last two maybe written as an IPv4 address; no zone, no brackets.
     */
    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head = groups(gap < 0 ? text : text.substring(0, gap), gap < 0);
        List<Integer> tail = gap < 0 ? List.of() : groups(text.substring(gap + 2), true);
        if (head == null || tail == null || (gap < 0 ? head.size() != 8 : head.size() + tail.size() > 7)) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            put(out, i, head.get(i));
        }
        for (int i = 0; i < tail.size(); i++) {
            put(out, 8 - tail.size() + i, tail.get(i));
        }
        return out;
    }

    /** The 16-bit groups of a colon-separated part (none for ""), or null if one is malformed. */
    private static List<Integer> groups(String part, boolean endsAddress) {
        List<Integer> out = new ArrayList<>();
        if (part.isEmpty()) {
            return out;
        }
        String[] fields = part.split(":", -1);
        for (int i = 0; i < fields.length; i++) {
            String g = fields[i];
            if (endsAddress && i == fields.length - 1 && g.indexOf('.') >= 0) {
                byte[] v4 = ipv4(g);
                if (v4 == null) {
                    return null;
                }
                out.add((v4[0] & 0xff) << 8 | v4[1] & 0xff);
                out.add((v4[2] & 0xff) << 8 | v4[3] & 0xff);
            } else if (HEX_GROUP.matcher(g).matches()) {
                out.add(Integer.parseInt(g, 16));
            } else {
                return null;
            }
        }
        return out;
    }

    private static void put(byte[] address, int group, int value) {
        address[2 * group] = (byte) (value >> 8);
        address[2 * group + 1] = (byte) value;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + bits;
    }
}
