using Compression.Engine.Caching;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Testing;

namespace Compression.Engine.Tests.Caching;

public class ContentCacheTests
{
    private static readonly CompressionResult Entry = new("m.onnx", "out.onnx", "portable", "int8-weight", [], 100, 25);

    private static CompressionPlan Plan(Recipe recipe) => new(recipe, []);

    [Fact]
    public void A_stored_model_comes_back_byte_identical_and_a_damaged_one_is_a_miss()
    {
        using var temp = new TempFolder("cache");
        var model = temp.Combine("m.onnx");
        File.WriteAllBytes(model, [1, 2, 3, 4]);
        var cache = new ContentCache(temp.Combine("cache"), 1 << 20);
        var key = new string('a', 64);
        cache.Put(key, model, Entry with { Sha256 = CacheKey.Sha256(model) });

        var copy = temp.Combine("copy.onnx");
        Assert.NotNull(cache.TryGet(key, copy));
        Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(copy));

        File.WriteAllBytes(Path.Combine(cache.EntryFolder(key), "model.onnx"), [9, 9]);
        Assert.Null(cache.TryGet(key, temp.Combine("other.onnx")));
        Assert.False(Directory.Exists(cache.EntryFolder(key)));
        Assert.False(File.Exists(temp.Combine("other.onnx")));
    }

    [Fact]
    public void Storing_the_same_key_twice_keeps_one_whole_entry()
    {
        using var temp = new TempFolder("cache-race");
        var model = temp.Combine("m.onnx");
        File.WriteAllBytes(model, new byte[1000]);
        var cache = new ContentCache(temp.Combine("cache"), 1 << 20);
        var key = new string('b', 64);
        var entry = Entry with { Sha256 = CacheKey.Sha256(model) };
        Parallel.For(0, 8, _ => cache.Put(key, model, entry));
        Assert.NotNull(cache.TryGet(key, temp.Combine("out.onnx")));
        Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(cache.EntryFolder(key))!));
    }

    [Fact]
    public void Past_its_bound_the_least_recently_used_entries_go()
    {
        using var temp = new TempFolder("cache-trim");
        var model = temp.Combine("m.onnx");
        File.WriteAllBytes(model, new byte[4000]);
        var entry = Entry with { Sha256 = CacheKey.Sha256(model) };
        var cache = new ContentCache(temp.Combine("cache"), 10_000);
        var keys = Enumerable.Range(0, 4).Select(i => new string((char)('c' + i), 64)).ToList();
        foreach (var key in keys)
        {
            cache.Put(key, model, entry);
            Directory.SetLastWriteTimeUtc(cache.EntryFolder(key), DateTime.UtcNow.AddMinutes(keys.IndexOf(key) - 10));
        }
        cache.Trim();
        Assert.False(Directory.Exists(cache.EntryFolder(keys[0])));
        Assert.False(Directory.Exists(cache.EntryFolder(keys[1])));
        Assert.True(Directory.Exists(cache.EntryFolder(keys[3])));
    }

    [Fact]
    public void The_key_changes_with_the_model_the_plan_and_the_data_but_not_the_path()
    {
        using var temp = new TempFolder("cache-key");
        var a = temp.Combine("a.onnx");
        var b = temp.Combine("sub", "b.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(b)!);
        File.Copy(TestAssets.Models.HelloDeepa.RequirePath(), a);
        File.Copy(a, b);
        var data = temp.CreateFolder("data");
        File.WriteAllBytes(Path.Combine(data, "input_0.npy"), [1]);
        var int8 = Plan(new Recipe { Quantization = QuantizationMode.Int8Weight });

        var key = CacheKey.Compute(a, int8, [("calibration", data)]);
        Assert.Equal(key, CacheKey.Compute(b, int8, [("calibration", data)]));
        Assert.NotEqual(key, CacheKey.Compute(a, Plan(new Recipe { Quantization = QuantizationMode.Fp16 }), [("calibration", data)]));
        // The same recipe reached through a fallback is another plan: the key describes what ran.
        var fallback = new PlanStep(StepKind.Fallback, "fallback", "int8 → int8-weight") { Warning = new EngineWarning("MCB2102", "no data") };
        Assert.NotEqual(key, CacheKey.Compute(a, int8 with { Steps = [fallback] }, [("calibration", data)]));
        Assert.NotEqual(key, CacheKey.Compute(a, int8, []));
        // The same folder in another role is another output (calibration ranges versus the fidelity report).
        Assert.NotEqual(key, CacheKey.Compute(a, int8, [("validation", data)]));
        // An accuracy budget changes what may be kept back.
        Assert.NotEqual(key, CacheKey.Compute(a, int8, [("calibration", data)], "MaxAccuracyLoss=1"));
        File.WriteAllBytes(Path.Combine(data, "input_0.npy"), [2]);
        Assert.NotEqual(key, CacheKey.Compute(a, int8, [("calibration", data)]));
    }

    [Fact]
    public void The_key_covers_a_models_external_data_file()
    {
        using var temp = new TempFolder("cache-key-external");
        var path = temp.Combine("m.onnx");
        Compression.Onnx.Model.OnnxModel.FromProto(TinyModels.Dense(64, 32))
            .Save(path, new Compression.Onnx.Model.ModelSaveOptions { ExternalData = Compression.Onnx.Model.ExternalDataMode.Always });
        var recipe = Plan(new Recipe { Quantization = QuantizationMode.Int8Weight });
        var key = CacheKey.Compute(path, recipe, []);

        var data = File.ReadAllBytes(path + ".data");
        data[^1] ^= 1;
        File.WriteAllBytes(path + ".data", data);
        Assert.NotEqual(key, CacheKey.Compute(path, recipe, []));
    }
}
