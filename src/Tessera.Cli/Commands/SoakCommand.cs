using System.CommandLine;
using Tessera.Card;
using Tessera.Iso7816;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera card soak IMAGE</c> (hidden): writes to a card image in an endless loop so that a test can kill the
/// process at random moments and check that the image always reopens and recovers. Each round overwrites EF 0101
/// (2000 bytes) with one byte value and creates or deletes EF 0202, so a consistent image has a uniform EF 0101.
/// </summary>
internal static class SoakCommand
{
    public const ushort UniformEf = 0x0101;
    public const int UniformEfSize = 2000;

    public static Command Build()
    {
        var image = new Argument<FileInfo>("IMAGE");
        var readyFile = new Option<FileInfo?>("--ready-file") { Description = "Created once the first write round has started." };
        var command = new Command("soak", "Write to a card image in a loop until killed (durability testing).") { image, readyFile };
        command.Hidden = true;
        command.SetAction(parse => CliErrors.Run(() =>
        {
            using var device = SecureDevice.OpenImage(parse.GetValue(image)!.FullName);
            device.PowerOn();
            byte[] Send(CommandApdu apdu) => device.Transmit(CardInterface.Contact, apdu.ToArray());
            Send(new CommandApdu(0x00, 0xE0, 0, 0, Hex.Parse($"620B83020101820101800207D0")));
            if (parse.GetValue(readyFile) is { } ready)
            {
                File.WriteAllText(ready.FullName, "ready");
            }

            for (var round = 0L; ; round++)
            {
                Send(new CommandApdu(0x00, 0xA4, 0x00, 0x0C, Hex.Parse("3F00")));
                Send(new CommandApdu(0x00, 0xA4, 0x02, 0x0C, Hex.Parse("0101")));
                Send(new CommandApdu(0x00, 0xD6, 0, 0, Enumerable.Repeat((byte)round, UniformEfSize).ToArray(), extended: true));
                Send(new CommandApdu(0x00, 0xA4, 0x00, 0x0C, Hex.Parse("3F00")));
                Send(round % 2 == 0
                    ? new CommandApdu(0x00, 0xE0, 0, 0, Hex.Parse("620B830202028201018002012C"))
                    : new CommandApdu(0x00, 0xE4, 0, 0, Hex.Parse("0202")));
            }
        }));
        return command;
    }
}
