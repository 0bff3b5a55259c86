using Compression.Engine.Profiles;

namespace Compression.Engine.Tests.Profiles;

public class RidGraphTests
{
    [Fact]
    public void Fallbacks_are_nearest_first_each_once()
    {
        var graph = RidGraph.FromImports(new Dictionary<string, string[]>
        {
            ["tizen.7-armel"] = ["tizen-armel", "tizen.6-armel"],
            ["tizen.6-armel"] = ["tizen-armel"],
            ["tizen-armel"] = ["linux-armel"],
            ["linux-armel"] = ["linux", "unix-armel"],
        });
        Assert.Equal(["tizen-armel", "tizen.6-armel", "linux-armel", "linux", "unix-armel"], graph.FallbacksOf("tizen.7-armel"));
        Assert.Empty(graph.FallbacksOf("unknown-rid"));
    }

    [Fact]
    public void The_sdks_own_graph_leads_musl_arm64_to_linux_arm64()
    {
        var path = Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!.Split("/shared/")[0] + "/sdk",
            "PortableRuntimeIdentifierGraph.json", SearchOption.AllDirectories).First();
        var graph = RidGraph.Load(path);
        var fallbacks = graph.FallbacksOf("linux-musl-arm64");
        Assert.Contains("linux-arm64", fallbacks);
        Assert.True(fallbacks.ToList().IndexOf("linux-arm64") < fallbacks.ToList().IndexOf("linux"));
        Assert.Equal("desktop-arm64", new ProfileCatalog().ForRuntimeIdentifier("linux-musl-bionic-arm64-test", graph.FallbacksOf("linux-musl-arm64")).Name);
    }

    [Fact]
    public void A_missing_or_broken_graph_file_is_an_empty_graph()
    {
        Assert.Empty(RidGraph.Load("/nonexistent.json").FallbacksOf("linux-x64"));
        var broken = Path.GetTempFileName();
        File.WriteAllText(broken, "{ not json");
        try { Assert.Empty(RidGraph.Load(broken).FallbacksOf("linux-x64")); }
        finally { File.Delete(broken); }
    }
}
