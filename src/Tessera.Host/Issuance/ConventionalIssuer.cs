using System.Diagnostics;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Link;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Issuance;

/// <summary>How a <see cref="ConventionalIssuer"/> opens its secure channel.</summary>
public sealed record ConventionalIssuerOptions
{
    public Aid IsdAid { get; init; } = IssuerSecurityDomain.DefaultAid;

    public CardKeys Keys { get; init; } = CardKeys.GpDefault;

    /// <summary>Key set to authenticate with (<c>00</c>: the card's first).</summary>
    public byte KeyVersion { get; init; }

    /// <summary>SCP03 level; SPEC §5 default C-MAC + C-DECRYPTION (<c>03</c>).</summary>
    public Scp03SecurityLevel SecurityLevel { get; init; } = Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption;

    public int Channel { get; init; }

    /// <summary>Source of host challenges (tests pin it); random when null.</summary>
    public Func<byte[]>? HostChallenge { get; init; }
}

/// <summary>
/// Conventional issuance (SPEC §5, the baseline): SELECT the ISD, open SCP03, then send the prepared commands one
/// at a time, each wrapped, LOAD cut into blocks that fit a short APDU after secure messaging (239 bytes at level
/// 03). Reports progress after each wire command and returns what it cost. The card must be powered.
/// </summary>
public sealed class ConventionalIssuer(ICardConnection connection, ConventionalIssuerOptions? options = null)
{
    private readonly ConventionalIssuerOptions options = options ?? new ConventionalIssuerOptions();

    /// <summary>Raised after each wire command of the prepared list.</summary>
    public event Action<IssuanceProgress>? Progress;

    /// <summary>Runs the issuance; throws <see cref="ConventionalIssuanceException"/> when the card refuses a command.</summary>
    public IssuanceSummary Issue(IReadOnlyList<PreparedCommand> prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var transmitter = new ApduTransmitter(connection);
        long toCard = 0, fromCard = 0;
        int exchanges = 0, lastTo = 0, lastFrom = 0;
        transmitter.Exchanged += (command, response) =>
        {
            toCard += command.Length;
            fromCard += response.Length;
            lastTo += command.Length;
            lastFrom += response.Length;
            exchanges++;
        };
        var linkBefore = (connection as LinkedConnection)?.Statistics;
        var started = Stopwatch.GetTimestamp();

        var session = new GpSession(transmitter, options.Channel, options.HostChallenge);
        session.Select(options.IsdAid);
        session.Authenticate(options.Keys, options.SecurityLevel, options.KeyVersion);
        var wire = ToWire(prepared, LoadCommand.MaxBlockSize(options.SecurityLevel));
        for (var i = 0; i < wire.Count; i++)
        {
            lastTo = lastFrom = 0;
            var (source, command, description) = wire[i];
            try
            {
                session.Send(command, description);
            }
            catch (GpCommandException e)
            {
                throw new ConventionalIssuanceException(i + 1, wire.Count, source, e);
            }

            Progress?.Invoke(new IssuanceProgress(i + 1, wire.Count, source.Function, description, lastTo, lastFrom));
        }

        var measured = Stopwatch.GetElapsedTime(started);
        var modelled = connection is LinkedConnection link && linkBefore is not null
            ? link.Statistics.ModelledLinkTime - linkBefore.ModelledLinkTime
            : (TimeSpan?)null;
        // SELECT + INITIALIZE UPDATE + EXTERNAL AUTHENTICATE
        return new IssuanceSummary(prepared.Count, wire.Count + 3, toCard, fromCard, exchanges, modelled, measured);
    }

    /// <summary>
    /// The wire command list: every run of consecutive LOAD commands is cut again into blocks of
    /// <paramref name="loadBlockSize"/>, the other commands go as prepared.
    /// </summary>
    public static IReadOnlyList<(PreparedCommand Source, CommandApdu Command, string Description)> ToWire(IReadOnlyList<PreparedCommand> prepared, int loadBlockSize)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var wire = new List<(PreparedCommand, CommandApdu, string)>();
        for (var i = 0; i < prepared.Count;)
        {
            if (prepared[i].Command.Ins != LoadCommand.Ins)
            {
                wire.Add((prepared[i], prepared[i].Command, prepared[i].Description));
                i++;
                continue;
            }

            var run = new List<CommandApdu>();
            var first = prepared[i];
            while (i < prepared.Count && prepared[i].Command.Ins == LoadCommand.Ins)
            {
                run.Add(prepared[i].Command);
                var last = prepared[i].Command.P1 == 0x80;
                i++;
                if (last)
                {
                    break;
                }
            }

            var blocks = LoadCommand.Resplit(run, loadBlockSize);
            for (var b = 0; b < blocks.Count; b++)
            {
                wire.Add((first, blocks[b], $"LOAD block {b + 1}/{blocks.Count}"));
            }
        }

        return wire;
    }
}
