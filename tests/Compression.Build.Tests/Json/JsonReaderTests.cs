using Compression.Build.Json;

namespace Compression.Build.Tests.Json;

public class JsonReaderTests
{
    [Fact]
    public void Reads_objects_arrays_strings_numbers_booleans_and_null()
    {
        var root = Assert.IsType<Dictionary<string, object?>>(JsonReader.Parse(
            " {\"s\": \"a\\\"b\\\\c\\/\\n\\u00e9\", \"i\": -12, \"big\": 9007199254740993, \"d\": 2.5e1, \"t\": true, \"f\": false, \"z\": null, \"a\": [1, [], {}]} "));
        Assert.Equal("a\"b\\c/\né", root["s"]);
        Assert.Equal(-12L, root["i"]);
        Assert.Equal(9007199254740993L, root["big"]);
        Assert.Equal(25.0, root["d"]);
        Assert.Equal(true, root["t"]);
        Assert.Equal(false, root["f"]);
        Assert.Null(root["z"]);
        var array = Assert.IsType<List<object?>>(root["a"]);
        Assert.Equal(3, array.Count);
        Assert.Equal(1L, array[0]);
    }

    [Fact]
    public void Ignores_a_byte_order_mark()
    {
        Assert.Equal(1L, JsonReader.Parse("\uFEFF1"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1 2]")]
    [InlineData("\"unterminated")]
    [InlineData("\"bad \\x escape\"")]
    [InlineData("tru")]
    [InlineData("{} {}")]
    [InlineData("-")]
    [InlineData("{'a':1}")]
    public void Rejects_text_that_is_not_JSON(string text)
    {
        var e = Assert.Throws<FormatException>(() => JsonReader.Parse(text));
        Assert.Contains("offset", e.Message);
    }

    [Fact]
    public void Refuses_nesting_deeper_than_its_limit_instead_of_overflowing_the_stack()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        Assert.Throws<FormatException>(() => JsonReader.Parse(deep));
    }

    [Fact]
    public void Reads_back_what_the_writer_wrote()
    {
        var text = new JsonWriter().StartObject().Property("path", "/a b/\"q\"\\\u0002").Property("n", long.MaxValue).EndObject().ToString();
        var root = Assert.IsType<Dictionary<string, object?>>(JsonReader.Parse(text));
        Assert.Equal("/a b/\"q\"\\\u0002", root["path"]);
        Assert.Equal(long.MaxValue, root["n"]);
    }
}
