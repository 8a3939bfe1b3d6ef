package io.sluice.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpBlockTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.0.0.0/8, 10.0.0.0/8",
        "192.168.5.5, 192.168.5.5/32",
        "0.0.0.0/0, 0.0.0.0/0",
        "10.1.2.3/08, 10.1.2.3/8",
        "2001:db8::/32, 2001:db8:0:0:0:0:0:0/32",
        "::1, 0:0:0:0:0:0:0:1/128",
        "::/0, 0:0:0:0:0:0:0:0/0",
        "::10.1.2.3/120, 0:0:0:0:0:0:a01:203/120",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8/128",
        "1:2:3:4:5:6:10.1.2.3, 1:2:3:4:5:6:a01:203/128",
        "FE80::0001/10, fe80:0:0:0:0:0:0:1/10",
        "1::, 1:0:0:0:0:0:0:0/128",
    })
    void anAddressOrCidrBlockParsesToItsNetworkAndPrefixLength(String text, String block) {
        assertEquals(block, IpBlock.parse(text).toString());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "::ffff:10.1.2.3, 10.1.2.3/32",
        "::ffff:10.0.0.0/104, 10.0.0.0/8",
        "0:0:0:0:0:FFFF:a01:203/120, 10.1.2.3/24",
        "::ffff:0.0.0.0/96, 0.0.0.0/0",
    })
    void anIpv4MappedBlockIsItsIpv4Block(String text, String block) {
        assertEquals(block, IpBlock.parse(text).toString());
        assertEquals(4, IpBlock.parse(text).network().getAddress().length);
    }

    @Test
    void anIpv4MappedBlockWiderThanIpv4IsRefused() {
        assertEquals("an IPv4-mapped address needs a prefix length from 96 to 128 (96 plus its IPv4 prefix"
                + " length); write a wider block as IPv4, such as 0.0.0.0/0",
                assertThrows(IllegalArgumentException.class, () -> IpBlock.parse("::ffff:0:0/80")).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1:80", "fe80::1::2", "1:2:3", "10.1", "10", "010.0.0.1", "256.0.0.1",
        "1.2.3.4.5", "0x7f.0.0.1", "1::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", ":1::", "1::2:", ":::",
        "1.2.3.4::", "::12345", "::g", "[::1]", "fe80::1%eth0", "::ffff:010.1.2.3", " 10.0.0.1", "localhost",
        "db.example.com", ""})
    void anythingButAnIpv4OrIpv6LiteralIsNotAnAddressAndIsNeverLookedUp(String text) {
        assertNull(IpBlock.literal(text));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpBlock.parse(text));
        assertEquals(text.isEmpty() ? "an address is required" : "\"" + text + "\" is not an IPv4 or IPv6 address",
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/33        | the prefix length must be a number from 0 to 32, not \"33\"",
        "2001:db8::/129     | the prefix length must be a number from 0 to 128, not \"129\"",
        "10.0.0.0/          | the prefix length must be a number from 0 to 32, not \"\"",
        "10.0.0.0/-1        | the prefix length must be a number from 0 to 32, not \"-1\"",
        "10.0.0.0/8/8       | the prefix length must be a number from 0 to 32, not \"8/8\"",
        "fe80::1::2/64      | \"fe80::1::2\" is not an IPv4 or IPv6 address",
    })
    void aBadBlockIsRefusedWithTheReason(String text, String reason) {
        assertEquals(reason, assertThrows(IllegalArgumentException.class, () -> IpBlock.parse(text)).getMessage());
    }
}
