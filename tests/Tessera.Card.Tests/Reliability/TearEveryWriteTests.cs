namespace Tessera.Card.Tests.Reliability;

/// <summary>
/// SPEC §1.1: the scenario is run once to count its physical NVM writes W, then once per k in 1..W with a tear at
/// write k. After each recovery the card content must equal the content after some prefix of the commands (the
/// commands before the torn one, or including it), and the rest of the scenario must then complete normally.
/// </summary>
public sealed class TearEveryWriteTests
{
    [Fact]
    public void ScenarioHasAtLeastFiftyCommandsThatMostlySucceed()
    {
        Assert.True(FileSystemScenario.Commands.Count >= 50, $"scenario has {FileSystemScenario.Commands.Count} commands");
        var (_, statuses, _, _) = RunReference();
        Assert.True(statuses.Count(sw => sw == 0x9000) >= 50, "at least 50 commands change the card");
        Assert.Contains(statuses, sw => sw != 0x9000);
    }

    [Fact]
    public void EveryTearLeavesAPrefixOfTheCommands()
    {
        var (dumps, statuses, totalWrites, selections) = RunReference();
        Assert.True(totalWrites > 50, $"the scenario made only {totalWrites} physical writes");
        for (var k = 1; k <= totalWrites; k++)
        {
            using var device = SecureDevice.Create(FileSystemScenario.Profile);
            device.ArmTearAtWrite(k);
            device.PowerOn();
            var torn = -1;
            for (var i = 0; i < FileSystemScenario.Commands.Count; i++)
            {
                try
                {
                    var response = device.Transmit(CardInterface.Contact, FileSystemScenario.Commands[i].ToArray());
                    Assert.Equal(statuses[i], (ushort)((response[^2] << 8) | response[^1]));
                }
                catch (CardMuteException)
                {
                    torn = i;
                    break;
                }
            }

            Assert.True(torn >= 0, $"tear at write {k} of {totalWrites} did not happen");
            Assert.False(device.IsPowered(CardInterface.Contact));
            Assert.Contains(device.Events.Snapshot(), e => e.Kind == CardEventKind.Tear);
            device.PowerOn();
            var recovered = device.CanonicalDump();
            var before = dumps[torn];
            var after = dumps[torn + 1];
            Assert.True(recovered == before || recovered == after, $"tear at write {k} in command {torn}: the card content is neither before nor after that command");

            // Continue from where the card says it is: the end state must be the reference end state.
            var resumeAt = recovered == after ? torn + 1 : torn;
            if (selections[resumeAt].Length > 0)
            {
                device.Transmit(CardInterface.Contact, new Iso7816.CommandApdu(0x00, 0xA4, 0x08, 0x0C, selections[resumeAt]).ToArray());
            }

            for (var i = resumeAt; i < FileSystemScenario.Commands.Count; i++)
            {
                device.Transmit(CardInterface.Contact, FileSystemScenario.Commands[i].ToArray());
            }

            Assert.Equal(dumps[^1], device.CanonicalDump());
        }
    }

    /// <summary>
    /// Reference run: the canonical dump after each prefix of the commands, their status words, W, and the path of the
    /// current file before each command (selections are volatile, so a resumed run selects it again by path).
    /// </summary>
    private static (List<string> Dumps, List<ushort> Statuses, long Writes, List<byte[]> Selections) RunReference()
    {
        using var device = SecureDevice.Create(FileSystemScenario.Profile);
        device.PowerOn();
        var dumps = new List<string> { device.CanonicalDump() };
        var selections = new List<byte[]> { device.CurrentFilePath(CardInterface.Contact, 0) };
        var statuses = new List<ushort>();
        foreach (var command in FileSystemScenario.Commands)
        {
            var response = device.Transmit(CardInterface.Contact, command.ToArray());
            statuses.Add((ushort)((response[^2] << 8) | response[^1]));
            dumps.Add(device.CanonicalDump());
            selections.Add(device.CurrentFilePath(CardInterface.Contact, 0));
        }

        return (dumps, statuses, device.PhysicalWritesSincePowerOn, selections);
    }
}
