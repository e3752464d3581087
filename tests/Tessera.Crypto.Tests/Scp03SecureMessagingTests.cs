using System.Security.Cryptography;
using Tessera.Crypto.Internal;

namespace Tessera.Crypto.Tests;

/// <summary>
/// Secure messaging details that the published sessions do not reach (logical channels, extended length,
/// failures). Expected bytes are computed in the test from the text of Amendment D §6.2.3–§6.2.7.
/// </summary>
public class Scp03SecureMessagingTests
{
    private const Scp03SecurityLevel Full = Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption | Scp03SecurityLevel.RMac | Scp03SecurityLevel.REncryption;
    private const Scp03SecurityLevel MacOnly = Scp03SecurityLevel.CMac;
    private const Scp03SecurityLevel MacAndEnc = Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption;

    [Theory]
    [InlineData("80CA006600", "84CA00660800")]
    [InlineData("81CA006600", "85CA00660800")]
    [InlineData("83CA006600", "87CA00660800")]
    [InlineData("C0CA006600", "E0CA00660800")]
    [InlineData("CFCA006600", "EFCA00660800")]
    public void ChannelBitsStayOutOfTheMac(string plainHex, string expectedShape)
    {
        var channel0 = new Scp03SessionPair(MacOnly);
        var other = new Scp03SessionPair(MacOnly);
        byte[] reference = channel0.Host.WrapCommand(Hex.Bytes("80CA006600"));
        byte[] wrapped = other.Host.WrapCommand(Hex.Bytes(plainHex));

        byte[] shape = Hex.Bytes(expectedShape);
        Assert.Equal(shape[0], wrapped[0]);
        Assert.Equal(reference[1..], wrapped[1..]);
        Assert.Equal(shape[..5], wrapped[..5]);
        Assert.Equal(Hex.Bytes(plainHex), other.Card.UnwrapCommand(wrapped));
    }

    [Theory]
    [InlineData("00A4000C023F00", "04")]
    [InlineData("02A4000C023F00", "06")]
    [InlineData("40A4000C023F00", "60")]
    [InlineData("4BA4000C023F00", "6B")]
    public void IsoClassCommandsUseTheIsoSecureMessagingBit(string plainHex, string wireCla)
    {
        var channel0 = new Scp03SessionPair(MacAndEnc);
        var other = new Scp03SessionPair(MacAndEnc);
        byte[] reference = channel0.Host.WrapCommand(Hex.Bytes("00A4000C023F00"));
        byte[] wrapped = other.Host.WrapCommand(Hex.Bytes(plainHex));
        Assert.Equal(Hex.Bytes(wireCla)[0], wrapped[0]);
        Assert.Equal(reference[1..], wrapped[1..]);
        Assert.Equal(0x04, reference[0]);
        Assert.Equal(Hex.Bytes(plainHex), other.Card.UnwrapCommand(wrapped));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(19)]
    public void ExternalAuthenticateOnAnyChannelHasTheSameMac(int channel)
    {
        var basic = new Scp03SessionPair(Full);
        var pair = new Scp03SessionPair(Full, channel: channel);
        Assert.Equal(channel < 4 ? 0x84 | channel : 0xE0 | (channel - 4), pair.ExternalAuthenticate[0]);
        Assert.Equal(basic.ExternalAuthenticate[1..], pair.ExternalAuthenticate[1..]);
        Assert.Equal(Full | Scp03SecurityLevel.Authenticated, pair.Card.CurrentSecurityLevel);
    }

    [Fact]
    public void ExternalAuthenticateIsMacedWithZeroChaining()
    {
        var pair = new Scp03SessionPair(MacOnly);
        byte[] hostCryptogram = Scp03Derivation.HostCryptogram(pair.Keys, Scp03SessionPair.HostChallenge, Scp03SessionPair.CardChallenge);
        byte[] mac = AesCmac.Compute(pair.Keys.SMac, [.. new byte[16], 0x84, 0x82, 0x01, 0x00, 0x10, .. hostCryptogram]);
        Assert.Equal([0x84, 0x82, 0x01, 0x00, 0x10, .. hostCryptogram, .. mac[..8]], pair.ExternalAuthenticate);
    }

    [Fact]
    public void ExtendedCommandMacsTheThreeByteLc()
    {
        var pair = new Scp03SessionPair(MacOnly);
        byte[] data = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        byte[] plain = [0x80, 0xE8, 0x00, 0x00, 0x00, 0x01, 0x2C, .. data];
        byte[] wrapped = pair.Host.WrapCommand(plain);

        byte[] mac = AesCmac.Compute(pair.Keys.SMac, [.. pair.ChainingAfterExternalAuthenticate, 0x84, 0xE8, 0x00, 0x00, 0x00, 0x01, 0x34, .. data]);
        Assert.Equal([0x84, 0xE8, 0x00, 0x00, 0x00, 0x01, 0x34, .. data, .. mac[..8]], wrapped);
        Assert.Equal(plain, pair.Card.UnwrapCommand(wrapped));
    }

    [Fact]
    public void ExtendedCaseFourKeepsLeOutOfTheMac()
    {
        var pair = new Scp03SessionPair(MacOnly);
        byte[] data = [0x54, 0x01, 0x00];
        byte[] plain = [0x00, 0xB1, 0x7F, 0x51, 0x00, 0x00, 0x03, .. data, 0x00, 0x10];
        byte[] wrapped = pair.Host.WrapCommand(plain);

        byte[] mac = AesCmac.Compute(pair.Keys.SMac, [.. pair.ChainingAfterExternalAuthenticate, 0x04, 0xB1, 0x7F, 0x51, 0x00, 0x00, 0x0B, .. data]);
        Assert.Equal([0x04, 0xB1, 0x7F, 0x51, 0x00, 0x00, 0x0B, .. data, .. mac[..8], 0x00, 0x10], wrapped);

        // The card gives back the same command; with small Nc and Ne it comes back in the short form.
        Assert.Equal([0x00, 0xB1, 0x7F, 0x51, 0x03, .. data, 0x10], pair.Card.UnwrapCommand(wrapped));
    }

    [Fact]
    public void ShortCommandPushedIntoExtendedLengthComesBackShort()
    {
        var pair = new Scp03SessionPair(Full);
        byte[] data = Enumerable.Repeat((byte)0xA5, 250).ToArray();
        byte[] plain = [0x80, 0xE2, 0x00, 0x00, 0xFA, .. data, 0x00];
        byte[] wrapped = pair.Host.WrapCommand(plain);
        Assert.Equal([0x84, 0xE2, 0x00, 0x00, 0x00, 0x01, 0x08], wrapped[..7]); // 256 bytes of ciphertext + 8 of MAC
        Assert.Equal([0x01, 0x00], wrapped[^2..]); // Ne 256 in the extended form
        Assert.Equal(plain, pair.Card.UnwrapCommand(wrapped));
    }

    [Fact]
    public void LargestExtendedCommandsRoundTrip()
    {
        var pair = new Scp03SessionPair(Full, keyLength: 32);
        int max = 65519; // pads to 65520, plus 8 of MAC = 65528
        byte[] data = RandomNumberGenerator.GetBytes(max);
        byte[] plain = [0x80, 0xE8, 0x80, 0x00, 0x00, (byte)(max >> 8), (byte)max, .. data];
        Assert.Equal(65528, Scp03Wrapper.WrappedDataLength(max, Full));
        byte[] wrapped = pair.Host.WrapCommand(plain);
        Assert.Equal(plain, pair.Card.UnwrapCommand(wrapped));

        var macOnly = new Scp03SessionPair(MacOnly);
        byte[] tooLong = [0x80, 0xE8, 0x80, 0x00, 0x00, 0xFF, 0xF8, .. new byte[0xFFF8]];
        Assert.Throws<ArgumentException>(() => macOnly.Host.WrapCommand(tooLong));
    }

    [Fact]
    public void EncryptionCounterAdvancesForCommandsWithoutData()
    {
        var pair = new Scp03SessionPair(MacAndEnc);
        byte[] first = pair.Host.WrapCommand(Hex.Bytes("80F22002")); // counter 1, nothing to encrypt
        Assert.Equal(Hex.Bytes("80F22002"), pair.Card.UnwrapCommand(first));

        byte[] data = Hex.Bytes("4F00");
        byte[] second = pair.Host.WrapCommand([0x80, 0xF2, 0x40, 0x02, 0x02, .. data, 0x00]); // counter 2
        byte[] counterBlock = [.. new byte[15], 0x02];
        using var aes = Aes.Create();
        aes.Key = pair.Keys.SEnc.ToArray();
        byte[] icv = aes.EncryptEcb(counterBlock, PaddingMode.None);
        byte[] expected = aes.EncryptCbc(Pad80.Pad(data), icv, PaddingMode.None);
        Assert.Equal(expected, second[5..21]);
        Assert.Equal([0x80, 0xF2, 0x40, 0x02, 0x02, .. data, 0x00], pair.Card.UnwrapCommand(second));
    }

    [Fact]
    public void ResponseEncryptionUsesTheCounterWithTopByte80AndRMacUsesTheCommandChaining()
    {
        var pair = new Scp03SessionPair(Full);
        byte[] command = pair.Host.WrapCommand(Hex.Bytes("80CA006600")); // counter 1
        Assert.Equal(Hex.Bytes("80CA006600"), pair.Card.UnwrapCommand(command));
        byte[] chaining = AesCmac.Compute(pair.Keys.SMac, [.. pair.ChainingAfterExternalAuthenticate, .. command[..5]]);
        Assert.Equal(chaining[..8], command[5..13]);

        byte[] data = Hex.Bytes("66 0C 73 0A 06 08 2A 86 48 86 FC 6B 01 02");
        byte[] wrapped = pair.Card.WrapResponse([.. data, 0x90, 0x00]);

        using var aes = Aes.Create();
        aes.Key = pair.Keys.SEnc.ToArray();
        byte[] icv = aes.EncryptEcb((byte[])[0x80, .. new byte[14], 0x01], PaddingMode.None);
        byte[] encrypted = aes.EncryptCbc(Pad80.Pad(data), icv, PaddingMode.None);
        byte[] rmac = AesCmac.Compute(pair.Keys.SRmac, [.. chaining, .. encrypted, 0x90, 0x00]);
        Assert.Equal([.. encrypted, .. rmac[..8], 0x90, 0x00], wrapped);
        Assert.Equal([.. data, 0x90, 0x00], pair.Host.UnwrapResponse(wrapped));
    }

    [Theory]
    [InlineData("6A88")]
    [InlineData("6982")]
    [InlineData("6100")]
    public void ErrorStatusWordsGoOutBareAndUnchecked(string sw)
    {
        var pair = new Scp03SessionPair(Full);
        pair.Card.UnwrapCommand(pair.Host.WrapCommand(Hex.Bytes("80CA006600")));
        Assert.Equal(Hex.Bytes(sw), pair.Card.WrapResponse(Hex.Bytes("0102" + sw)));
        Assert.Equal(Hex.Bytes(sw), pair.Host.UnwrapResponse(Hex.Bytes(sw)));
    }

    [Theory]
    [InlineData("9000")]
    [InlineData("6283")]
    [InlineData("63C2")]
    public void WarningsAreProtected(string sw)
    {
        var pair = new Scp03SessionPair(Scp03SecurityLevel.CMac | Scp03SecurityLevel.RMac);
        pair.Card.UnwrapCommand(pair.Host.WrapCommand(Hex.Bytes("80CA006600")));
        byte[] wrapped = pair.Card.WrapResponse(Hex.Bytes(sw));
        Assert.Equal(10, wrapped.Length);
        Assert.Equal(Hex.Bytes(sw), pair.Host.UnwrapResponse(wrapped));
    }

    [Fact]
    public void EveryBitFlipOfAWrappedCommandIsRefusedAndAbortsTheSession()
    {
        byte[] plain = Hex.Bytes("80E2900008BF3E035C015A0102");
        byte[] wrapped = new Scp03SessionPair(MacAndEnc).Host.WrapCommand(plain);
        for (int bit = 0; bit < wrapped.Length * 8; bit++)
        {
            byte[] flipped = (byte[])wrapped.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            var pair = new Scp03SessionPair(MacAndEnc);
            bool unwrapped = pair.Card.TryUnwrapCommand(flipped, out var result, out var error);
            if (unwrapped)
            {
                // Only the logical channel bits of CLA are outside the MAC; they pass and select another channel.
                Assert.True(bit is 0 or 1, $"bit {bit} flipped was accepted");
                Assert.Equal(plain[1..], result![1..]);
                continue;
            }

            Assert.NotEqual(Scp03Error.None, error);
            Assert.True(pair.Card.IsAborted);
            Assert.Equal(Scp03SecurityLevel.None, pair.Card.CurrentSecurityLevel);
            Assert.False(pair.Card.TryUnwrapCommand(new Scp03SessionPair(MacAndEnc).Host.WrapCommand(plain), out _, out var next));
            Assert.Equal(Scp03Error.SessionAborted, next);
        }
    }

    [Fact]
    public void CommandWithoutSecureMessagingIsRefused()
    {
        var pair = new Scp03SessionPair(MacOnly);
        var e = Assert.Throws<Scp03SecurityException>(() => pair.Card.UnwrapCommand(Hex.Bytes("80CA006600")));
        Assert.Equal(Scp03Error.SecureMessagingMissing, e.Error);
        Assert.Equal(0x6982, Scp03SecurityException.StatusWord);
        Assert.True(pair.Card.IsAborted);
    }

    [Fact]
    public void ReplayedCommandIsRefused()
    {
        var pair = new Scp03SessionPair(MacOnly);
        byte[] wrapped = pair.Host.WrapCommand(Hex.Bytes("80CA006600"));
        pair.Card.UnwrapCommand(wrapped);
        Assert.False(pair.Card.TryUnwrapCommand(wrapped, out _, out var error));
        Assert.Equal(Scp03Error.MacMismatch, error);
    }

    [Fact]
    public void TamperedResponseIsRefusedByTheHost()
    {
        var pair = new Scp03SessionPair(Full);
        pair.Card.UnwrapCommand(pair.Host.WrapCommand(Hex.Bytes("80CA006600")));
        byte[] wrapped = pair.Card.WrapResponse(Hex.Bytes("0102039000"));
        for (int i = 0; i < wrapped.Length - 2; i++)
        {
            byte[] tampered = (byte[])wrapped.Clone();
            tampered[i] ^= 0x40;
            Assert.False(pair.Host.TryUnwrapResponse(tampered, out _, out var error));
            Assert.Equal(Scp03Error.MacMismatch, error);
        }

        Assert.False(pair.Host.TryUnwrapResponse([.. wrapped[..^2], 0x62, 0x00], out _, out _));
        Assert.False(pair.Host.TryUnwrapResponse(Hex.Bytes("01029000"), out _, out var shortError));
        Assert.Equal(Scp03Error.Malformed, shortError);
        Assert.Equal(Hex.Bytes("0102039000"), pair.Host.UnwrapResponse(wrapped));
    }

    [Fact]
    public void LevelZeroPassesCommandsAndResponsesUnchanged()
    {
        var pair = new Scp03SessionPair(Scp03SecurityLevel.None);
        byte[] plain = Hex.Bytes("80CA006600");
        Assert.Equal(plain, pair.Host.WrapCommand(plain));
        Assert.Equal(plain, pair.Card.UnwrapCommand(plain));
        Assert.Equal(Hex.Bytes("01029000"), pair.Card.WrapResponse(Hex.Bytes("01029000")));
        Assert.Equal(Hex.Bytes("01029000"), pair.Host.UnwrapResponse(Hex.Bytes("01029000")));
        Assert.Equal(Scp03SecurityLevel.Authenticated, pair.Card.CurrentSecurityLevel);
    }

    [Fact]
    public void WrongHostCryptogramIsRefused()
    {
        byte[] key = Enumerable.Range(0x40, 16).Select(i => (byte)i).ToArray();
        var keys = Scp03Derivation.DeriveSessionKeys(StaticKeys.FromSingleKey(key), Scp03SessionPair.HostChallenge, Scp03SessionPair.CardChallenge);
        var impostor = new Scp03Wrapper(keys, Hex.Bytes("0000000000000000"), Scp03SessionPair.CardChallenge);
        var card = new Scp03Unwrapper(keys, Scp03SessionPair.HostChallenge, Scp03SessionPair.CardChallenge);
        Assert.False(card.TryExternalAuthenticate(impostor.BuildExternalAuthenticate(MacOnly), out var error));
        Assert.Equal(Scp03Error.HostCryptogramMismatch, error);
        Assert.False(card.IsAuthenticated);
        Assert.True(card.IsAborted);
    }

    [Theory]
    [InlineData(0x02)]
    [InlineData(0x10)]
    [InlineData(0x31)]
    [InlineData(0x81)]
    public void UndefinedSecurityLevelIsRefused(byte level)
    {
        var session = new Scp03SessionPair(MacOnly);
        byte[] hostCryptogram = Scp03Derivation.HostCryptogram(session.Keys, Scp03SessionPair.HostChallenge, Scp03SessionPair.CardChallenge);
        byte[] mac = Scp03MessageCrypto.CommandMac(session.Keys.SMac, new byte[16], 0x84, 0x82, level, 0x00, [0x10], hostCryptogram);
        var card = new Scp03Unwrapper(session.Keys, Scp03SessionPair.HostChallenge, Scp03SessionPair.CardChallenge);
        Assert.False(card.TryExternalAuthenticate([0x84, 0x82, level, 0x00, 0x10, .. hostCryptogram, .. mac[..8]], out var error));
        Assert.Equal(Scp03Error.InvalidSecurityLevel, error);
        Assert.Throws<ArgumentException>(() => new Scp03Wrapper(session.Keys, Scp03SessionPair.HostChallenge, Scp03SessionPair.CardChallenge)
            .BuildExternalAuthenticate((Scp03SecurityLevel)level));
    }

    [Fact]
    public void OrderIsEnforced()
    {
        byte[] key = new byte[16];
        var keys = Scp03Derivation.DeriveSessionKeys(StaticKeys.FromSingleKey(key), Scp03SessionPair.HostChallenge, Scp03SessionPair.CardChallenge);
        var host = new Scp03Wrapper(keys, Scp03SessionPair.HostChallenge, Scp03SessionPair.CardChallenge);
        Assert.Throws<InvalidOperationException>(() => host.WrapCommand(Hex.Bytes("80CA006600")));
        var card = new Scp03Unwrapper(keys, Scp03SessionPair.HostChallenge, Scp03SessionPair.CardChallenge);
        Assert.False(card.TryUnwrapCommand(Hex.Bytes("84CA006600"), out _, out var error));
        Assert.Equal(Scp03Error.UnexpectedCommand, error);

        var pair = new Scp03SessionPair(MacOnly);
        Assert.Throws<InvalidOperationException>(() => pair.Host.BuildExternalAuthenticate(MacOnly));
        Assert.False(pair.Card.TryExternalAuthenticate(pair.ExternalAuthenticate, out var again));
        Assert.Equal(Scp03Error.UnexpectedCommand, again);
    }

    [Theory]
    [InlineData("84")]
    [InlineData("84CA00")]
    [InlineData("84CA006605010203")]
    [InlineData("84CA0066030102")]
    public void MalformedCommandsAreRefused(string hex)
    {
        var pair = new Scp03SessionPair(MacOnly);
        Assert.False(pair.Card.TryUnwrapCommand(Hex.Bytes(hex), out _, out var error));
        Assert.Equal(Scp03Error.Malformed, error);
        Assert.Throws<ArgumentException>(() => new Scp03SessionPair(MacOnly).Host.WrapCommand(Hex.Bytes(hex)));
    }

    [Theory]
    [InlineData(0, 0x03, 8)]
    [InlineData(1, 0x03, 24)]
    [InlineData(16, 0x03, 40)]
    [InlineData(16, 0x01, 24)]
    [InlineData(5, 0x00, 5)]
    public void WrappedDataLengthAddsPaddingAndMac(int plain, byte level, int wrapped)
    {
        Assert.Equal(wrapped, Scp03Wrapper.WrappedDataLength(plain, (Scp03SecurityLevel)level));
    }

    [Theory]
    [InlineData(0x00, true)]
    [InlineData(0x01, true)]
    [InlineData(0x03, true)]
    [InlineData(0x11, true)]
    [InlineData(0x13, true)]
    [InlineData(0x33, true)]
    [InlineData(0x02, false)]
    [InlineData(0x10, false)]
    [InlineData(0x30, false)]
    [InlineData(0x31, false)]
    [InlineData(0x80, false)]
    public void ValidLevels(byte level, bool valid)
    {
        Assert.Equal(valid, ((Scp03SecurityLevel)level).IsValidScp03Level());
    }
}
