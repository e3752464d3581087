using System.Security.Cryptography;
using Tessera.Crypto;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// A GlobalPlatform session with a security domain on one logical channel: SELECT, SCP03 mutual authentication
/// (INITIALIZE UPDATE + EXTERNAL AUTHENTICATE) and, from then on, every command on the channel wrapped at the
/// chosen level (ISO-class commands too: CLA <c>04</c> with the channel bits) and every response unwrapped.
/// Commands are given plain with CLA channel bits 0; the session puts in its own channel.
/// </summary>
/// <remarks>
/// A link or card failure (<see cref="CardConnectionException"/>) leaves the card's session state unknown, so the
/// session refuses further commands until <see cref="Select"/> or <see cref="Authenticate"/> starts over. An R-MAC
/// that does not verify throws <see cref="GpSecureChannelException"/> and ends the secure channel the same way.
/// </remarks>
public sealed class GpSession
{
    private readonly Func<byte[]> hostChallenge;
    private Scp03Wrapper? wrapper;
    private bool broken;

    /// <param name="transmitter">the card; several sessions (one per channel) may share one transmitter.</param>
    /// <param name="channel">logical channel 0–19 this session uses.</param>
    /// <param name="hostChallenge">source of 8-byte host challenges (random by default; fixed in tests).</param>
    public GpSession(ApduTransmitter transmitter, int channel = 0, Func<byte[]>? hostChallenge = null)
    {
        ArgumentNullException.ThrowIfNull(transmitter);
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channel, 19);
        Transmitter = transmitter;
        Channel = channel;
        this.hostChallenge = hostChallenge ?? (() => RandomNumberGenerator.GetBytes(8));
    }

    public GpSession(ICardConnection connection, int channel = 0)
        : this(new ApduTransmitter(connection), channel)
    {
    }

    public ApduTransmitter Transmitter { get; }

    public int Channel { get; }

    /// <summary>The application selected through this session (null before <see cref="Select"/>).</summary>
    public Aid? SelectedAid { get; private set; }

    /// <summary>True between a successful EXTERNAL AUTHENTICATE and the end of the secure channel.</summary>
    public bool IsAuthenticated => wrapper is not null && !broken;

    public Scp03SecurityLevel SecurityLevel => wrapper?.SecurityLevel ?? Scp03SecurityLevel.None;

    /// <summary>The static keys of the current secure channel (their Key-DEK protects PUT KEY values).</summary>
    public StaticKeys? StaticKeys { get; private set; }

    /// <summary>The card's answer to the last INITIALIZE UPDATE (key diversification data, KVN, "i").</summary>
    public Scp03InitializeUpdateResponse? InitializeUpdate { get; private set; }

    /// <summary>
    /// Selects an application by AID and ends any secure channel on this channel (inside a session SELECT goes out
    /// wrapped; its answer is accepted with or without an R-MAC). Throws <see cref="GpCommandException"/> unless 9000.
    /// </summary>
    public ResponseApdu Select(Aid aid)
    {
        var response = TransmitEndingSession(SelectCommand.Build(aid));
        ThrowUnlessSuccess("SELECT", response, $"AID {aid}");
        SelectedAid = aid;
        return response;
    }

    /// <summary>
    /// Opens an SCP03 secure channel with the selected security domain at <paramref name="level"/> (00, 01, 03,
    /// 11, 13 or 33): INITIALIZE UPDATE with <paramref name="keyVersion"/> (00 = any), card cryptogram check with
    /// the keys <paramref name="keys"/> gives for the card's diversification data, EXTERNAL AUTHENTICATE.
    /// </summary>
    public void Authenticate(CardKeys keys, Scp03SecurityLevel level, byte keyVersion = 0)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!level.IsValidScp03Level())
        {
            throw new ArgumentException($"SCP03 has no security level {(byte)level:X2}", nameof(level));
        }

        var challenge = hostChallenge();
        var response = TransmitEndingSession(InitializeUpdateCommand.Build(keyVersion, challenge));
        ThrowUnlessSuccess("INITIALIZE UPDATE", response, $"key version {keyVersion:X2}");
        if (!Scp03InitializeUpdateResponse.TryParse(response.Data.Span, out var parsed))
        {
            throw new GpSecureChannelException($"INITIALIZE UPDATE answered {response.Data.Length} bytes that are not an SCP03 S8 response: {Convert.ToHexString(response.Data.Span)}", Scp03Error.Malformed);
        }

        InitializeUpdate = parsed;
        var staticKeys = keys.Resolve(parsed.KeyDiversificationData.ToArray());
        Scp03Wrapper candidate;
        try
        {
            candidate = Scp03Wrapper.FromInitializeUpdate(staticKeys, challenge, response.Data.Span);
        }
        catch (Scp03SecurityException e)
        {
            throw new GpSecureChannelException($"the card cryptogram does not verify with {keys} (key version {parsed.KeyVersionNumber:X2}): wrong keys for this card", e.Error, e);
        }

        var externalAuthenticate = CommandApdu.Parse(candidate.BuildExternalAuthenticate(level, Channel));
        var answer = Transmitter.Transmit(externalAuthenticate);
        ThrowUnlessSuccess("EXTERNAL AUTHENTICATE", answer, $"security level {(byte)level:X2}");
        wrapper = candidate;
        StaticKeys = staticKeys;
        broken = false;
    }

    /// <summary>
    /// Sends one command on this session's channel (wrapped when a secure channel is open) and returns the plain
    /// response, whatever its status word.
    /// </summary>
    public ResponseApdu Transmit(CommandApdu command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (broken)
        {
            throw new InvalidOperationException("the session was interrupted (link cut, card mute or R-MAC failure); select and authenticate again");
        }

        var onChannel = command.WithCla(ClassByte.WithChannel(command.Cla, Channel));
        if (wrapper is null)
        {
            return Send(onChannel);
        }

        var wrapped = CommandApdu.Parse(wrapper.WrapCommand(onChannel.ToArray()));
        var raw = Send(wrapped);
        if (!wrapper.TryUnwrapResponse(raw.ToArray(), out var plain, out var error))
        {
            broken = true;
            throw new GpSecureChannelException($"the response to {Convert.ToHexString(onChannel.ToArray().AsSpan(0, 4))} failed secure messaging ({error}): the secure channel is over", error);
        }

        return ResponseApdu.Parse(plain);
    }

    /// <summary>Sends a command and throws <see cref="GpCommandException"/> unless it ends in 9000 (or a listed status word).</summary>
    public ResponseApdu Send(CommandApdu command, string name, params ReadOnlySpan<ushort> accepted)
    {
        var response = Transmit(command);
        if (response.SW != 0x9000 && !accepted.Contains(response.SW))
        {
            throw new GpCommandException(name, response.StatusWord);
        }

        return response;
    }

    /// <summary>Opens a logical channel (MANAGE CHANNEL sent on this channel) and returns a session on it.</summary>
    public GpSession OpenChannel()
    {
        var response = Send(ManageChannelCommand.Open(), "MANAGE CHANNEL [open]");
        return new GpSession(Transmitter, ManageChannelCommand.ParseOpened(response.Data.Span), hostChallenge);
    }

    /// <summary>Closes logical channel <paramref name="channel"/> (MANAGE CHANNEL sent on this channel).</summary>
    public void CloseChannel(int channel) => Send(ManageChannelCommand.Close(channel), "MANAGE CHANNEL [close]", 0x6200);

    /// <summary>Forgets the secure channel on the host side (after the card was reset or powered off).</summary>
    public void Reset()
    {
        wrapper = null;
        StaticKeys = null;
        SelectedAid = null;
        broken = false;
    }

    private ResponseApdu Send(CommandApdu wire)
    {
        try
        {
            return Transmitter.Transmit(wire);
        }
        catch (CardConnectionException)
        {
            broken = wrapper is not null;
            throw;
        }
    }

    /// <summary>
    /// SELECT or INITIALIZE UPDATE: wrapped inside a session (the card demands it), and the session then ends. After
    /// an interruption the host's MAC chaining may be out of step with the card's: a wrapped command the card
    /// refuses with 6982 (which aborts its session) is sent once more in the clear.
    /// </summary>
    private ResponseApdu TransmitEndingSession(CommandApdu command)
    {
        var onChannel = command.WithCla(ClassByte.WithChannel(command.Cla, Channel));
        var current = wrapper;
        wrapper = null;
        StaticKeys = null;
        broken = false;
        if (current is null)
        {
            return Transmitter.Transmit(onChannel);
        }

        var raw = Transmitter.Transmit(CommandApdu.Parse(current.WrapCommand(onChannel.ToArray())));
        if (raw.SW == 0x6982)
        {
            return Transmitter.Transmit(onChannel);
        }

        return current.TryUnwrapResponse(raw.ToArray(), out var plain, out _) ? ResponseApdu.Parse(plain) : raw;
    }

    private static void ThrowUnlessSuccess(string name, ResponseApdu response, string detail)
    {
        if (response.SW != 0x9000)
        {
            throw new GpCommandException(name, response.StatusWord, detail);
        }
    }
}
