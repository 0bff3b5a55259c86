using Compression.Onnx.Checking;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Tests.Checking;

public class ModelCheckerModelRulesTests
{
    [Fact]
    public void The_valid_test_model_has_no_issues()
    {
        var result = ModelChecker.Check(TestModels.Valid());
        Assert.True(result.IsValid, result.ToString());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-3L)]
    [InlineData(ModelChecker.MaxIrVersion + 1)]
    public void An_ir_version_that_is_missing_or_not_sane_is_reported(long irVersion)
    {
        var model = TestModels.Valid();
        model.IrVersion = irVersion;
        Assert.True(ModelChecker.Check(model).Has(CheckRules.IrVersion));
    }

    [Fact]
    public void An_unset_ir_version_is_reported()
    {
        var model = TestModels.Valid();
        model.ClearIrVersion();
        Assert.Contains(ModelChecker.Check(model).Issues, i => i.Rule == CheckRules.IrVersion);
    }

    [Fact]
    public void The_newest_known_ir_version_is_accepted() =>
        Assert.True(ModelChecker.Check(WithIr(TestModels.Valid(), ModelChecker.MaxIrVersion)).IsValid);

    [Fact]
    public void A_model_without_opset_import_is_reported_from_ir_3_on()
    {
        var model = TestModels.Valid();
        model.OpsetImport.Clear();
        Assert.True(ModelChecker.Check(model).Has(CheckRules.OpsetImport));
    }

    [Fact]
    public void Ir_2_models_have_an_implicit_default_opset_and_may_not_import_one()
    {
        var model = WithIr(TestModels.Valid(), 2);
        // IR 2 predates standalone initializers: make w an input too.
        model.Graph.Input.Add(TestModels.Value("w"));
        Assert.True(ModelChecker.Check(model).Has(CheckRules.OpsetImport));
        model.OpsetImport.Clear();
        var result = ModelChecker.Check(model);
        Assert.True(result.IsValid, result.ToString());
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("", "ai.onnx")]
    [InlineData("com.example", "com.example")]
    public void A_domain_imported_twice_is_reported(string first, string second)
    {
        var model = TestModels.Valid();
        model.OpsetImport.Clear();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = first, Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = second, Version = 1 });
        Assert.True(ModelChecker.Check(model).Has(CheckRules.OpsetDuplicate));
    }

    [Fact]
    public void A_node_in_a_domain_without_import_is_reported_with_its_index()
    {
        var model = TestModels.Valid();
        model.Graph.Node[1].Domain = "com.example";
        var issue = Assert.Single(ModelChecker.Check(model).Issues);
        Assert.Equal(CheckRules.OpsetDomain, issue.Rule);
        Assert.Equal(1, issue.NodeIndex);
        Assert.Contains("com.example", issue.Message);
        Assert.Contains("'add'", issue.Message);
    }

    [Theory]
    [InlineData("ai.onnx", "")]
    [InlineData("", "ai.onnx")]
    public void Ai_onnx_and_the_empty_domain_are_one_domain(string nodeDomain, string importedDomain)
    {
        var model = TestModels.Valid();
        model.OpsetImport[0].Domain = importedDomain;
        model.Graph.Node[0].Domain = nodeDomain;
        var result = ModelChecker.Check(model);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Duplicate_metadata_keys_are_reported()
    {
        var model = TestModels.Valid();
        model.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "1" });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "2" });
        Assert.True(ModelChecker.Check(model).Has(CheckRules.MetadataKey));
    }

    [Fact]
    public void ThrowIfInvalid_throws_MCB1301_naming_the_file_and_the_first_issues()
    {
        var model = TestModels.Valid();
        model.Graph.Node[1].Input[0] = "missing";
        model.Graph.Output[0].Name = "ghost";
        var e = Assert.Throws<CompressionException>(() => ModelChecker.ThrowIfInvalid(model, "m.onnx"));
        Assert.Equal(ErrorCodes.ModelCheckFailed, e.Code);
        Assert.Equal("m.onnx", e.FilePath);
        Assert.Contains("'missing'", e.Message);
        Assert.Contains("'ghost'", e.Message);
        Assert.Contains("2 problem(s)", e.Message);
    }

    [Fact]
    public void ThrowIfInvalid_lists_only_the_first_issues_and_counts_the_rest()
    {
        var model = TestModels.Valid();
        for (var i = 0; i < ModelChecker.IssuesInMessage + 3; i++)
            model.Graph.Node.Add(TestModels.Node("Relu", [$"undefined{i}"], [$"o{i}"]));
        var e = Assert.Throws<CompressionException>(() => ModelChecker.ThrowIfInvalid(model, null));
        Assert.Contains("(and 3 more)", e.Message);
        Assert.DoesNotContain($"undefined{ModelChecker.IssuesInMessage}'", e.Message);
    }

    [Fact]
    public void ThrowIfInvalid_is_silent_for_a_valid_model() =>
        Assert.Null(Record.Exception(() => ModelChecker.ThrowIfInvalid(TestModels.Valid(), "m.onnx")));

    private static ModelProto WithIr(ModelProto model, long ir)
    {
        model.IrVersion = ir;
        return model;
    }
}
