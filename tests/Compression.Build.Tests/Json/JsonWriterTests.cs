using Compression.Build.Json;

namespace Compression.Build.Tests.Json;

public class JsonWriterTests
{
    [Fact]
    public void Writes_nested_objects_and_arrays_with_commas_only_between_values()
    {
        var text = new JsonWriter().StartObject()
            .Property("a", "x").Property("n", 42)
            .Name("list").StartArray().Value("p").Value(-1).Value(true).StartObject().EndObject().EndArray()
            .Name("empty").StartArray().EndArray()
            .EndObject().ToString();
        Assert.Equal("{\"a\":\"x\",\"n\":42,\"list\":[\"p\",-1,true,{}],\"empty\":[]}", text);
    }

    [Fact]
    public void Escapes_quotes_backslashes_and_control_characters_and_keeps_other_text()
    {
        var text = new JsonWriter().StartObject().Property("p", "C:\\m\"o\"\n\t\u0001é模型").EndObject().ToString();
        Assert.Equal("{\"p\":\"C:\\\\m\\\"o\\\"\\n\\t\\u0001é模型\"}", text);
        Assert.Equal("C:\\m\"o\"\n\t\u0001é模型", System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("p").GetString());
    }

    [Fact]
    public void An_unclosed_document_cannot_be_taken()
    {
        var writer = new JsonWriter().StartObject().Name("a").StartArray();
        Assert.Throws<InvalidOperationException>(() => writer.ToString());
    }

    [Fact]
    public void A_second_top_level_value_is_refused()
    {
        var writer = new JsonWriter().StartObject().EndObject();
        Assert.Throws<InvalidOperationException>(() => writer.StartObject());
    }
}
