namespace Tessera.Iso7816.Tests;

/// <summary>
/// Randomized checks with fixed seeds: encode/parse round trips, and agreement with a second, independent decoder
/// written from the JDK <c>javax.smartcardio.CommandAPDU.parse()</c> algorithm quoted in standards.md §1.1.
/// </summary>
public class CommandApduPropertyTests
{
    /// <summary>What the JDK algorithm decides for a byte string: null when it rejects it.</summary>
    private sealed record JdkDecoded(int Nc, int DataOffset, int Ne, bool Extended);

    /// <summary>
    /// The JDK decoding, written separately from <see cref="CommandApdu.TryParse"/>: classify by total length,
    /// first byte after the header (b4) and, for extended forms, the 16-bit value b5 b6.
    /// </summary>
    private static JdkDecoded? JdkParse(byte[] apdu)
    {
        var len = apdu.Length;
        if (len < 4)
        {
            return null; // "apdu must be at least 4 bytes long"
        }

        if (len == 4)
        {
            return new JdkDecoded(0, 0, 0, false); // case 1
        }

        var l1 = apdu[4] & 0xFF;
        if (len == 5)
        {
            return new JdkDecoded(0, 0, l1 == 0 ? 256 : l1, false); // case 2s
        }

        if (l1 != 0)
        {
            if (len == 4 + 1 + l1)
            {
                return new JdkDecoded(l1, 5, 0, false); // case 3s
            }

            if (len == 4 + 2 + l1)
            {
                var l2 = apdu[len - 1] & 0xFF;
                return new JdkDecoded(l1, 5, l2 == 0 ? 256 : l2, false); // case 4s
            }

            return null;
        }

        if (len < 7)
        {
            return null;
        }

        var lx = ((apdu[5] & 0xFF) << 8) | (apdu[6] & 0xFF);
        if (len == 7)
        {
            return new JdkDecoded(0, 0, lx == 0 ? 65536 : lx, true); // case 2e
        }

        if (lx == 0)
        {
            return null; // "b1=0 b2||b3=0"
        }

        if (len == 4 + 3 + lx)
        {
            return new JdkDecoded(lx, 7, 0, true); // case 3e
        }

        if (len == 4 + 5 + lx)
        {
            var leOfs = len - 2;
            var l2 = ((apdu[leOfs] & 0xFF) << 8) | (apdu[leOfs + 1] & 0xFF);
            return new JdkDecoded(lx, 7, l2 == 0 ? 65536 : l2, true); // case 4e
        }

        return null;
    }

    private static void AssertAgrees(byte[] bytes)
    {
        var expected = JdkParse(bytes);
        var ok = CommandApdu.TryParse(bytes, out var apdu, out _);
        Assert.True(ok == (expected is not null), $"{Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 16)))} ({bytes.Length} bytes): JDK {(expected is null ? "rejects" : "accepts")}, CommandApdu {(ok ? "accepts" : "rejects")}");
        if (expected is null)
        {
            return;
        }

        Assert.Equal(expected.Nc, apdu!.Nc);
        Assert.Equal(expected.Ne, apdu.Ne);
        Assert.Equal(bytes[0], apdu.Cla);
        Assert.Equal(bytes[1], apdu.Ins);
        Assert.Equal(bytes[2], apdu.P1);
        Assert.Equal(bytes[3], apdu.P2);
        Assert.True(bytes.AsSpan(expected.DataOffset, expected.Nc).SequenceEqual(apdu.Data.Span));
        if (apdu.Case != ApduCase.Case1)
        {
            Assert.Equal(expected.Extended, apdu.IsExtended);
        }

        // Whatever the JDK accepts re-encodes to the same bytes.
        Assert.Equal(bytes, apdu.ToArray());
    }

    private static byte[] RandomValidEncoding(Random random, int maxNc)
    {
        var nc = random.Next(4) switch
        {
            0 => 0,
            1 => random.Next(1, 256),
            2 => random.Next(1, maxNc + 1),
            _ => new[] { 1, 255, 256, maxNc }[random.Next(4)],
        };
        var ne = random.Next(5) switch
        {
            0 => 0,
            1 => random.Next(1, 257),
            2 => random.Next(1, 65537),
            _ => new[] { 1, 255, 256, 257, 65535, 65536 }[random.Next(6)],
        };
        var data = new byte[nc];
        random.NextBytes(data);
        var apdu = new CommandApdu((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), data, ne, random.Next(4) == 0);
        return apdu.ToArray();
    }

    [Fact]
    public void Encode_then_parse_round_trips_random_commands()
    {
        var random = new Random(7816);
        for (var i = 0; i < 5000; i++)
        {
            var nc = random.Next(3) == 0 ? random.Next(0, 65536) : random.Next(0, 300);
            var ne = random.Next(3) switch
            {
                0 => 0,
                1 => random.Next(1, 300),
                _ => random.Next(1, 65537),
            };
            var data = new byte[nc];
            random.NextBytes(data);
            var extended = random.Next(3) == 0;
            var apdu = new CommandApdu((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), data, ne, extended);

            var encoded = apdu.ToArray();
            var parsed = CommandApdu.Parse(encoded);
            Assert.Equal(apdu.Case, parsed.Case);
            Assert.Equal(apdu.Cla, parsed.Cla);
            Assert.Equal(apdu.Ins, parsed.Ins);
            Assert.Equal(apdu.P1P2, parsed.P1P2);
            Assert.Equal(nc, parsed.Nc);
            Assert.Equal(ne, parsed.Ne);
            Assert.True(data.AsSpan().SequenceEqual(parsed.Data.Span));
            Assert.Equal(apdu.IsExtended, parsed.IsExtended);
            Assert.Equal(encoded, parsed.ToArray());
            Assert.Equal(apdu.EncodedLength, encoded.Length);
        }
    }

    [Fact]
    public void Agrees_with_the_JDK_algorithm_on_random_short_byte_strings()
    {
        var random = new Random(1995);
        for (var i = 0; i < 50_000; i++)
        {
            var bytes = new byte[random.Next(0, 24)];
            random.NextBytes(bytes);
            if (bytes.Length > 4 && random.Next(2) == 0)
            {
                bytes[4] = 0; // make extended forms likely
            }

            if (bytes.Length > 6 && random.Next(2) == 0)
            {
                bytes[5] = 0;
                bytes[6] = (byte)random.Next(0, 20); // extended Lc near the real length
            }
            else if (bytes.Length > 4 && bytes[4] != 0 && random.Next(2) == 0)
            {
                bytes[4] = (byte)random.Next(1, 20); // short Lc near the real length
            }

            AssertAgrees(bytes);
        }
    }

    [Fact]
    public void Agrees_with_the_JDK_algorithm_on_mutated_valid_encodings()
    {
        var random = new Random(2005);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = RandomValidEncoding(random, i % 50 == 0 ? 65535 : 600);
            AssertAgrees(bytes);

            // One mutation: drop or add a byte at the end, or change a length byte by ±1.
            var mutated = random.Next(4) switch
            {
                0 => bytes[..^1],
                1 => [.. bytes, (byte)random.Next(256)],
                2 when bytes.Length > 4 => Bump(bytes, 4, random),
                _ when bytes.Length > 6 => Bump(bytes, 6, random),
                _ => bytes[..^Math.Min(bytes.Length, 2)],
            };
            AssertAgrees(mutated);
        }
    }

    private static byte[] Bump(byte[] bytes, int index, Random random)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] = (byte)(copy[index] + (random.Next(2) == 0 ? 1 : -1));
        return copy;
    }
}
