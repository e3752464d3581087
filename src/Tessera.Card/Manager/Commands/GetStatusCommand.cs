using Tessera.Card.Os;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// GET STATUS (GPCS §11.4) in the tag format (P2 b2 = 1): P1 <c>80</c> ISD, <c>40</c> applications, <c>20</c> load
/// files, <c>10</c> load files and modules; P2 <c>02</c> first, <c>03</c> next. Search criteria <c>4F</c> (mandatory,
/// empty = all, else an AID prefix); a <c>5C</c> tag list is accepted and ignored. Entries (<c>E3</c> templates) are
/// never split; at most <see cref="MaxPage"/> bytes go in one answer, with <c>6310</c> when more remain.
/// </summary>
internal static class GetStatusCommand
{
    /// <summary>Room for R-ENC padding and R-MAC in a short response.</summary>
    public const int MaxPage = 224;

    public static CommandResponse Handle(IsdCommand command)
    {
        command.RequireGpClass();
        command.RequireAuthenticated();
        var apdu = command.Apdu;
        if (apdu.P1 is not (0x80 or 0x40 or 0x20 or 0x10) || apdu.P2 is not (0x02 or 0x03))
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "GET STATUS supports P1 80/40/20/10 and P2 02/03");
        }

        var state = command.State;
        if (apdu.P2 == 0x03)
        {
            if (apdu.P1 == 0x80 || state.StatusRemaining is null || state.StatusP1 != apdu.P1)
            {
                throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "GET STATUS 'next' without a matching earlier GET STATUS");
            }

            return Page(state);
        }

        var prefix = SearchPrefix(apdu.Data);
        var entries = Entries(command, apdu.P1).Where(e => e.Aid.Span.StartsWith(prefix)).Select(e => e.Encoded).ToList();
        state.StatusRemaining = null;
        if (entries.Count == 0)
        {
            throw new IsoException(StatusWords.ReferencedDataNotFound, "no registry entry matches");
        }

        state.StatusRemaining = new Queue<byte[]>(entries);
        state.StatusP1 = apdu.P1;
        return Page(state);
    }

    private static CommandResponse Page(IsdChannelState state)
    {
        var queue = state.StatusRemaining!;
        var page = new List<byte>();
        while (queue.Count > 0 && (page.Count == 0 || page.Count + queue.Peek().Length <= MaxPage))
        {
            page.AddRange(queue.Dequeue());
        }

        if (queue.Count == 0)
        {
            state.StatusRemaining = null;
            return CommandResponse.WithData(page.ToArray());
        }

        return new CommandResponse(page.ToArray(), StatusWords.MoreDataAvailableGetStatus);
    }

    private static byte[] SearchPrefix(ReadOnlyMemory<byte> data)
    {
        try
        {
            var reader = new BerTlvReader(data);
            var prefix = reader.ReadValue(new BerTag(0x4F));
            if (reader.HasData)
            {
                reader.ReadValue(new BerTag(0x5C));
            }

            reader.ThrowIfNotEmpty();
            return prefix.Length <= Aid.MaxLength ? prefix.ToArray() : throw IsdCommand.WrongData("search AID longer than 16 bytes");
        }
        catch (FormatException e)
        {
            throw IsdCommand.WrongData($"GET STATUS search criteria: {e.Message}");
        }
    }

    private static IEnumerable<(Aid Aid, byte[] Encoded)> Entries(IsdCommand command, byte p1)
    {
        var manager = command.Manager;
        if (p1 == 0x80)
        {
            yield return (manager.IsdAid, Template(w =>
            {
                w.Write(new BerTag(0x4F), manager.IsdAid.Span);
                w.Write(new BerTag(0x9F70), [manager.CardLifeCycle]);
                w.Write(new BerTag(0xC5), Privileges.Isd);
            }));
            yield break;
        }

        foreach (var e in Registry.Load(command.Nvm))
        {
            if (p1 == 0x40 && e.IsApplication)
            {
                yield return (e.Aid, Template(w =>
                {
                    w.Write(new BerTag(0x4F), e.Aid.Span);
                    w.Write(new BerTag(0x9F70), [e.LifeCycle]);
                    w.Write(new BerTag(0xC5), e.Privileges);
                    w.Write(new BerTag(0xC4), e.LoadFileAid.Span);
                    w.Write(new BerTag(0xCC), manager.IsdAid.Span);
                }));
            }
            else if (p1 is 0x20 or 0x10 && !e.IsApplication)
            {
                yield return (e.Aid, Template(w =>
                {
                    w.Write(new BerTag(0x4F), e.Aid.Span);
                    w.Write(new BerTag(0x9F70), [e.LifeCycle]);
                    if (p1 == 0x10)
                    {
                        foreach (var module in e.Modules)
                        {
                            w.Write(new BerTag(0x84), module.Span);
                        }
                    }

                    w.Write(new BerTag(0xCC), manager.IsdAid.Span);
                }));
            }
        }
    }

    private static byte[] Template(Action<BerTlvWriter> body)
    {
        var w = new BerTlvWriter();
        using (w.PushConstructed(new BerTag(0xE3)))
        {
            body(w);
        }

        return w.ToArray();
    }
}
