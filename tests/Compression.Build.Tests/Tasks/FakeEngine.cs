using Compression.Testing;

namespace Compression.Build.Tests.Tasks;

/// <summary>The fake engine script (FakeEngine/fake-dotnet.py), made executable, standing in for the dotnet host.</summary>
internal static class FakeEngine
{
    public static string HostPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "FakeEngine", "fake-dotnet.py");
            // Copied to the output folder, the script may have lost its executable bit.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
            TestAssets.Require("/usr/bin/python3");
            return path;
        }
    }
}
