using System.Buffers.Binary;

namespace Tessera.Card.Tests.Issuance;

/// <summary>
/// A second, deliberately plain implementation of the simultaneous command format of SPEC §4.3 (the host library has
/// its own): header, recovery points with the offsets of their commands' length fields, decision table, commands.
/// </summary>
internal static class ScriptWriter
{
    public static byte[] Write(IReadOnlyList<byte[]> commands, IReadOnlyList<int>? recoveryPoints = null, IReadOnlyList<(ushort Value, ushort Mask, byte Verdict)>? decisions = null)
    {
        var flags = (byte)((recoveryPoints is { Count: > 0 } ? 1 : 0) | (decisions is { Count: > 0 } ? 2 : 0));
        var head = new List<byte> { 0x01, flags, (byte)(commands.Count >> 8), (byte)commands.Count };
        var pointsLength = recoveryPoints is { Count: > 0 } ? 2 + (6 * recoveryPoints.Count) : 0;
        var tableLength = decisions is { Count: > 0 } ? 1 + (5 * decisions.Count) : 0;
        var offsets = new List<int>();
        var at = 4 + pointsLength + tableLength;
        foreach (var command in commands)
        {
            offsets.Add(at);
            at += 4 + command.Length;
        }

        if (recoveryPoints is { Count: > 0 })
        {
            head.Add((byte)(recoveryPoints.Count >> 8));
            head.Add((byte)recoveryPoints.Count);
            foreach (var point in recoveryPoints)
            {
                head.Add((byte)(point >> 8));
                head.Add((byte)point);
                var offset = offsets[point - 1];
                head.AddRange([(byte)(offset >> 24), (byte)(offset >> 16), (byte)(offset >> 8), (byte)offset]);
            }
        }

        if (decisions is { Count: > 0 })
        {
            head.Add((byte)decisions.Count);
            foreach (var (value, mask, verdict) in decisions)
            {
                head.AddRange([(byte)(value >> 8), (byte)value, (byte)(mask >> 8), (byte)mask, verdict]);
            }
        }

        foreach (var command in commands)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)command.Length);
            head.AddRange(length);
            head.AddRange(command);
        }

        return [.. head];
    }

    /// <summary>A command APDU: short when it fits, else extended (case 3/4 by <paramref name="le"/>).</summary>
    public static byte[] Apdu(byte cla, byte ins, byte p1, byte p2, byte[]? data = null, int? le = null)
    {
        data ??= [];
        var bytes = new List<byte> { cla, ins, p1, p2 };
        var extended = data.Length > 255 || le > 256;
        if (data.Length > 0)
        {
            if (extended)
            {
                bytes.AddRange([0x00, (byte)(data.Length >> 8), (byte)data.Length]);
            }
            else
            {
                bytes.Add((byte)data.Length);
            }

            bytes.AddRange(data);
        }

        if (le is { } ne)
        {
            if (extended)
            {
                if (data.Length == 0)
                {
                    bytes.Add(0x00);
                }

                bytes.AddRange([(byte)(ne >> 8), (byte)ne]);
            }
            else
            {
                bytes.Add((byte)ne);
            }
        }

        return [.. bytes];
    }
}
