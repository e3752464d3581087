using Tessera.Host.Pcsc;

namespace Tessera.Host.Tests.Pcsc;

/// <summary>
/// Whether pcscd with vsmartcard's vpcd driver is reachable. Locally the PC/SC tests skip with a message when it is
/// not; under CI=true (where .ci/run installs and starts pcscd) a missing PC/SC stack is a failure, never a skip.
/// </summary>
internal static class PcscEnvironment
{
    public const string Reader0 = "Virtual PCD 00 00";
    public const string Reader1 = "Virtual PCD 00 01";

    public static void RequireVpcdReaders()
    {
        string? problem;
        try
        {
            using var context = PcscContext.Establish();
            var readers = context.ListReaders();
            problem = readers.Contains(Reader0) && readers.Contains(Reader1)
                ? null
                : $"pcscd runs but lists [{string.Join(", ", readers)}], not the vpcd readers";
        }
        catch (PcscException e)
        {
            problem = e.Message;
        }

        if (problem is null)
        {
            return;
        }

        var message = $"PC/SC test needs pcscd with vsmartcard-vpcd (apt-get install pcscd vsmartcard-vpcd; pcscd): {problem}";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Skip.If(true, message);
    }
}
