package io.sluice.routing;

import io.sluice.model.net.IpBlock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The address ranges of a match block's {@code destinationSubnets} or {@code sourceSubnet}, parsed once
 * per compile: an address falls in the set when it is in any of its ranges. The empty set stands for no
 * condition and takes every address; an address not known (null) falls in no range.
 */
public final class Subnets {

    public static final Subnets ANY = new Subnets(List.of());

    /**
     * A network's leading bits; an IPv4 and an IPv6 address never share a range: an IPv4-mapped block
     * is parsed as its IPv4 block ({@link IpBlock}), as Java reports a mapped client address as IPv4.
     */
    private record Range(byte[] network, int bits) {

        /** The range of a block that does not parse: no address has its zero bytes. */
        static final Range NONE = new Range(new byte[0], 0);

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            int mask = rest == 0 ? 0 : 0xff << (8 - rest) & 0xff;
            return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
        }

        @Override
        public String toString() {
            if (network.length == 0) {
                return "none (not an IP block)";
            }
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a range holds 4 or 16 bytes", e);
            }
        }
    }

    private final List<Range> ranges;

    private Subnets(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * @param cidrs addresses or CIDR blocks, as validation lets them through ({@link IpBlock}); one it
     *              would refuse, stored before it did, takes no address, so its match block stays unused
     *              instead of failing the compile of every table after it
     */
    static Subnets of(List<String> cidrs) {
        if (cidrs == null || cidrs.isEmpty()) {
            return ANY;
        }
        List<Range> out = new ArrayList<>();
        for (String c : cidrs) {
            try {
                IpBlock block = IpBlock.parse(c);
                out.add(new Range(block.network().getAddress(), block.bits()));
            } catch (IllegalArgumentException e) {
                out.add(Range.NONE);
            }
        }
        return new Subnets(List.copyOf(out));
    }

    /**
     * An IP address written out (an IPv6 one maybe in brackets, as a CONNECT target writes it), read as
     * the blocks it is matched against are ({@link IpBlock#literal}); null for anything else, never looked up.
     */
    public static InetAddress literal(String text) {
        boolean bracketed = text != null && text.length() > 2 && text.startsWith("[") && text.endsWith("]");
        return IpBlock.literal(bracketed ? text.substring(1, text.length() - 1) : text);
    }

    boolean any() {
        return ranges.isEmpty();
    }

    boolean contains(InetAddress address) {
        if (ranges.isEmpty()) {
            return true;
        }
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (Range r : ranges) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
