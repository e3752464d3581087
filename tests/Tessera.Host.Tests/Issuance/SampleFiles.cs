namespace Tessera.Host.Tests.Issuance;

/// <summary>Locates files of the repository (samples/) from the test's output directory.</summary>
internal static class SampleFiles
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Tessera.slnx")))
            {
                return System.IO.Path.Combine(dir.FullName, relative);
            }
        }

        throw new FileNotFoundException("repository root (Tessera.slnx) not found above " + AppContext.BaseDirectory);
    }
}
