using System.Security.Cryptography;
using Tessera.Card.Os;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// PUT KEY (GPCS §11.8, Amendment D §7.2) of a whole SCP03 key set: <c>80 D8 KVN-or-00 81 Lc new-KVN
/// 3 × { 88 Lkcb key-length DEK-encrypted-key 03 KCV }</c> (keys 1 ENC, 2 MAC, 3 DEK). The keys are decrypted with the
/// Key-DEK of the session's key set; a KCV that does not match → <c>6982</c>. P1 <c>00</c> adds a key set, P1 = KVN
/// replaces that key set. The new set's sequence counter starts at 0. Answer: new KVN ‖ the three KCVs.
/// </summary>
internal static class PutKeyCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        command.RequireManagement();
        var apdu = command.Apdu;
        if ((apdu.P1 & 0x80) != 0)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "chained PUT KEY is not supported");
        }

        if (apdu.P2 != 0x81)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "PUT KEY loads a whole key set: P2 must be 81 (keys 1 to 3)");
        }

        var data = apdu.Data.Span;
        if (data.Length < 1)
        {
            throw new IsoException(StatusWords.WrongLength, "PUT KEY needs the new KVN and three keys");
        }

        var newKvn = data[0];
        if (newKvn is < 0x01 or > 0x7F)
        {
            throw IsdCommand.WrongData($"new KVN {newKvn:X2} is outside 01..7F");
        }

        var sets = KeyStore.Load(command.Nvm).ToList();
        var sessionKvn = (command.Channel.SecureChannel as Scp03Session)?.KeyVersion;
        var dek = (sets.FirstOrDefault(s => s.Kvn == sessionKvn) ?? sets[0]).Dek;
        var keys = new byte[3][];
        var kcvs = new List<byte>();
        var offset = 1;
        for (var k = 0; k < 3; k++)
        {
            (keys[k], var kcv) = ReadKey(data, ref offset, dek);
            kcvs.AddRange(kcv);
        }

        if (offset != data.Length)
        {
            throw IsdCommand.WrongData("PUT KEY data continues after the third key");
        }

        if (keys[1].Length != keys[0].Length || keys[2].Length != keys[0].Length)
        {
            throw IsdCommand.WrongData("the three keys of a key set must have one length");
        }

        var replaced = apdu.P1 == 0x00 ? -1 : sets.FindIndex(s => s.Kvn == apdu.P1);
        if (apdu.P1 != 0x00 && replaced < 0)
        {
            throw new IsoException(StatusWords.ReferencedDataNotFound, $"no key set with KVN {apdu.P1:X2} to replace");
        }

        if (sets.Where((s, i) => i != replaced).Any(s => s.Kvn == newKvn))
        {
            throw IsdCommand.WrongData($"a key set with KVN {newKvn:X2} already exists");
        }

        var fresh = new KeySet(newKvn, keys[0], keys[1], keys[2], 0);
        if (replaced >= 0)
        {
            sets[replaced] = fresh;
        }
        else
        {
            sets.Add(fresh);
        }

        KeyStore.Save(command.Nvm, sets);
        return CommandResponse.WithData(new[] { newKvn }.Concat(kcvs).ToArray());
    }

    /// <summary>One key data field: <c>88 Lkcb key-length encrypted-key 03 KCV</c>; returns the clear key and its KCV.</summary>
    private static (byte[] Key, byte[] Kcv) ReadKey(ReadOnlySpan<byte> data, ref int offset, byte[] dek)
    {
        if (offset >= data.Length)
        {
            throw IsdCommand.WrongData("PUT KEY data ends before three keys");
        }

        if (data[offset] != 0x88)
        {
            throw IsdCommand.WrongData($"key type {data[offset]:X2} is not AES (88)");
        }

        offset++;
        if (!GpLength.TryReadLv(data[offset..], out var block, out var consumed) || block.Length < 1)
        {
            throw IsdCommand.WrongData("malformed key component block");
        }

        offset += consumed;
        var keyLength = block[0];
        var encrypted = block[1..];
        if (keyLength is not (16 or 24 or 32) || encrypted.Length != (keyLength + 15) / 16 * 16)
        {
            throw IsdCommand.WrongData($"an AES key of {keyLength} bytes cannot come in {encrypted.Length} encrypted bytes");
        }

        if (offset >= data.Length || data[offset] != KeyCheckValue.Length || offset + 1 + KeyCheckValue.Length > data.Length)
        {
            throw IsdCommand.WrongData("a 3-byte key check value must follow each key");
        }

        var kcv = data.Slice(offset + 1, KeyCheckValue.Length).ToArray();
        offset += 1 + KeyCheckValue.Length;
        var key = Scp03Dek.DecryptKey(dek, encrypted, keyLength);
        if (!CryptographicOperations.FixedTimeEquals(KeyCheckValue.Aes(key), kcv))
        {
            throw new IsoException(StatusWords.SecurityStatusNotSatisfied, "key check value mismatch");
        }

        return (key, kcv);
    }
}
