using System.Security.Cryptography;
using Tessera.Card.Os;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// INITIALIZE UPDATE (GPCS §E.5.1, Amendment D §7.1.1): <c>80 50 KVN 00 08 host-challenge 00</c>. Starts a new
/// SCP03 session on the channel (ending any other). With "i" b5 set the card challenge is pseudo-random: the key
/// set's sequence counter is incremented and stored, and that new value both derives the challenge (with the ISD
/// AID) and ends the response.
/// </summary>
internal static class InitializeUpdateCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        command.RequireGpClass();
        var apdu = command.Apdu;
        if (apdu.P2 != 0x00)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "INITIALIZE UPDATE P2 must be 00");
        }

        if (apdu.Nc != Scp03Derivation.ChallengeLength)
        {
            throw new IsoException(StatusWords.WrongLength, "the host challenge is 8 bytes");
        }

        command.Channel.EndSecureChannel();
        var manager = command.Manager;
        var sets = KeyStore.Load(command.Nvm).ToList();
        var index = apdu.P1 == 0x00 ? 0 : sets.FindIndex(s => s.Kvn == apdu.P1);
        if (index < 0)
        {
            throw new IsoException(StatusWords.ReferencedDataNotFound, $"no key set with KVN {apdu.P1:X2}");
        }

        var set = sets[index];
        var state = manager.State;
        var hostChallenge = apdu.Data.Span;
        byte[] cardChallenge;
        byte[] counter = [];
        if ((state.ScpI & 0x10) != 0)
        {
            var next = set.Counter + 1;
            if (next > Scp03Derivation.MaxSequenceCounter)
            {
                throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the sequence counter of this key set is exhausted");
            }

            sets[index] = set with { Counter = next };
            KeyStore.Save(command.Nvm, sets);
            counter = Scp03Derivation.EncodeSequenceCounter(next);
            cardChallenge = Scp03Derivation.PseudoRandomCardChallenge(set.Enc, counter, manager.IsdAid.Span);
        }
        else
        {
            cardChallenge = RandomNumberGenerator.GetBytes(Scp03Derivation.ChallengeLength);
        }

        var keys = Scp03Derivation.DeriveSessionKeys(set.ToStaticKeys(), hostChallenge, cardChallenge);
        var cryptogram = Scp03Derivation.CardCryptogram(keys, hostChallenge, cardChallenge);
        command.Channel.BeginSecureChannel(new Scp03Session(new Scp03Unwrapper(keys, hostChallenge, cardChallenge), set.Kvn));
        var response = new Scp03InitializeUpdateResponse(state.Kdd, set.Kvn, state.ScpI, cardChallenge, cryptogram, counter);
        return CommandResponse.WithData(response.ToBytes());
    }
}
