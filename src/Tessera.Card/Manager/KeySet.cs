using Tessera.Crypto;

namespace Tessera.Card.Manager;

/// <summary>One SCP03 key set (key ids 1 ENC, 2 MAC, 3 DEK) and its pseudo-random challenge sequence counter.</summary>
internal sealed record KeySet(byte Kvn, byte[] Enc, byte[] Mac, byte[] Dek, int Counter)
{
    public int KeyLength => Enc.Length;

    public StaticKeys ToStaticKeys() => new(Enc, Mac, Dek);

    public string Describe() =>
        $"keyset kvn={Kvn:X2} aes{KeyLength * 8} kcv={Convert.ToHexString(KeyCheckValue.Aes(Enc))}/{Convert.ToHexString(KeyCheckValue.Aes(Mac))}/{Convert.ToHexString(KeyCheckValue.Aes(Dek))} counter={Counter:X6}";
}
