using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// Typed card-content-management operations over a <see cref="GpSession"/> with the ISD selected (and, for
/// everything but GET DATA, authenticated). Each throws <see cref="GpCommandException"/> when the card refuses.
/// </summary>
public sealed class IssuerSecurityDomain(GpSession session)
{
    /// <summary>The default ISD AID of GPCS 2.3.1 §H.1.3 and SPEC §1.2.</summary>
    public static Aid DefaultAid { get; } = Aid.Parse("A000000151000000");

    public GpSession Session { get; } = session ?? throw new ArgumentNullException(nameof(session));

    /// <summary>GET DATA; returns the value of the data object.</summary>
    public ReadOnlyMemory<byte> GetData(ushort tag) =>
        GetDataCommand.ValueOf(tag, Session.Send(GetDataCommand.Build(tag), $"GET DATA {tag:X4}").Data);

    public Cplc GetCplc() => Cplc.Parse(GetData(GetDataCommand.Cplc));

    public CardRecognitionData GetCardData() => CardRecognitionData.Parse(GetData(GetDataCommand.CardData));

    public IReadOnlyList<KeyInformation> GetKeyInformation() => KeyInformation.ParseTemplate(GetData(GetDataCommand.KeyInformation));

    public uint GetNvmWriteCount() => GetDataCommand.ParseNvmWriteCount(GetData(GetDataCommand.NvmWriteCount));

    /// <summary>GET STATUS with paging: repeats with P2 <c>03</c> while the card answers <c>6310</c>.</summary>
    public IReadOnlyList<RegistryEntry> GetStatus(GetStatusScope scope, ReadOnlySpan<byte> aidPrefix = default)
    {
        var entries = new List<RegistryEntry>();
        var next = false;
        var prefix = aidPrefix.ToArray();
        for (var page = 0; page < 1000; page++)
        {
            var response = Session.Send(GetStatusCommand.Build(scope, next, prefix), $"GET STATUS {(byte)scope:X2}", GetStatusCommand.MoreData, 0x6A88);
            if (response.SW == 0x6A88)
            {
                return entries;
            }

            entries.AddRange(RegistryEntry.ParseAll(scope, response.Data.Span));
            if (response.SW != GetStatusCommand.MoreData)
            {
                return entries;
            }

            next = true;
        }

        throw new GpCommandException("GET STATUS", GetStatusCommand.MoreData, "the card kept answering 6310 for 1000 pages");
    }

    public void SetCardLifeCycle(byte state) => Session.Send(SetStatusCommand.CardLifeCycle(state), $"SET STATUS [card {state:X2}]");

    public void SetStatus(SetStatusScope scope, byte state, Aid aid) => Session.Send(SetStatusCommand.Build(scope, state, aid), $"SET STATUS [{aid} {state:X2}]");

    public void Delete(Aid aid, bool withRelatedObjects = false) => Session.Send(DeleteCommand.Build(aid, withRelatedObjects), $"DELETE {aid}");

    /// <summary>INSTALL [for load] then LOAD of the assembly in blocks that fit a short APDU at the session's level.</summary>
    public void Load(Aid loadFile, ReadOnlyMemory<byte> assembly, Aid? securityDomain = null, Action<int, int>? progress = null)
    {
        Session.Send(InstallCommand.ForLoad(loadFile, securityDomain), "INSTALL [for load]");
        var blocks = LoadCommand.Blocks(LoadCommand.LoadFile(assembly.Span), LoadCommand.MaxBlockSize(Session.SecurityLevel));
        for (var i = 0; i < blocks.Count; i++)
        {
            Session.Send(blocks[i], $"LOAD block {i}");
            progress?.Invoke(i + 1, blocks.Count);
        }
    }

    public void Install(Aid loadFile, Aid module, Aid instance, Privileges privileges, ReadOnlySpan<byte> installParameters = default, bool makeSelectable = true) =>
        Session.Send(InstallCommand.ForInstall(loadFile, module, instance, privileges, installParameters, makeSelectable), makeSelectable ? "INSTALL [for install and make selectable]" : "INSTALL [for install]");

    /// <summary>INSTALL [for personalization] then the DGIs as STORE DATA commands.</summary>
    public void Personalize(Aid application, IEnumerable<(ushort Dgi, byte[] Value)> dgis)
    {
        Session.Send(InstallCommand.ForPersonalization(application), "INSTALL [for personalization]");
        foreach (var command in StoreDataCommand.ForDgis(dgis, LoadCommand.MaxBlockSize(Session.SecurityLevel)))
        {
            Session.Send(command, $"STORE DATA block {command.P2}");
        }
    }

    /// <summary>PUT KEY of an AES key set under the current Key-DEK; checks the KCVs the card answers.</summary>
    public void PutKeys(byte newKeyVersion, StaticKeys newKeys, byte replaceKeyVersion = 0)
    {
        var dek = Session.StaticKeys?.Dek.ToArray() ?? throw new InvalidOperationException("PUT KEY needs an authenticated secure channel (its Key-DEK)");
        var response = Session.Send(PutKeyCommand.Build(newKeyVersion, replaceKeyVersion, newKeys, dek), "PUT KEY");
        var expected = PutKeyCommand.ExpectedResponse(newKeyVersion, newKeys);
        if (!response.Data.Span.SequenceEqual(expected))
        {
            throw new GpCommandException("PUT KEY", response.StatusWord, $"the card answered {Convert.ToHexString(response.Data.Span)}, expected KVN and KCVs {Convert.ToHexString(expected)}");
        }
    }
}
