using Compression.Onnx.Checking;
using Compression.Onnx.Protobuf;
using Google.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tests.Checking;

public class ModelCheckerTensorRulesTests
{
    private static CheckResult CheckWithInitializer(TensorProto tensor)
    {
        var model = TestModels.Valid();
        model.Graph.Initializer.Add(tensor);
        return ModelChecker.Check(model);
    }

    [Theory]
    [InlineData(DataType.Float, new long[] { 2, 3 }, 24)]
    [InlineData(DataType.Float16, new long[] { 3 }, 6)]
    [InlineData(DataType.Int4, new long[] { 3 }, 2)]
    [InlineData(DataType.Float8E4M3Fn, new long[] { 4 }, 4)]
    public void Raw_data_of_the_right_size_passes(DataType type, long[] dims, int bytes) =>
        Assert.True(CheckWithInitializer(TestModels.RawTensor("t", type, dims, bytes)).IsValid);

    [Fact]
    public void Raw_data_shorter_than_the_dims_need_is_reported()
    {
        var issue = Assert.Single(CheckWithInitializer(TestModels.RawTensor("t", DataType.Float, [2, 3], 20)).Issues);
        Assert.Equal(CheckRules.TensorData, issue.Rule);
        Assert.Contains("'t'", issue.Message);
    }

    [Fact]
    public void A_tensor_needs_a_known_data_type()
    {
        var missing = TestModels.FloatTensor("a", 1f);
        missing.ClearDataType();
        var undefined = TestModels.FloatTensor("b", 1f);
        undefined.DataType = 0;
        var unknown = TestModels.FloatTensor("c", 1f);
        unknown.DataType = 999;
        Assert.True(CheckWithInitializer(missing).Has(CheckRules.TensorType));
        Assert.True(CheckWithInitializer(undefined).Has(CheckRules.TensorType));
        Assert.True(CheckWithInitializer(unknown).Has(CheckRules.TensorType));
    }

    [Fact]
    public void Data_in_two_fields_is_reported()
    {
        var t = TestModels.FloatTensor("t", 1f, 2f);
        t.RawData = ByteString.CopyFrom(new byte[8]);
        Assert.True(CheckWithInitializer(t).Has(CheckRules.TensorData));
    }

    [Fact]
    public void Data_in_the_wrong_typed_field_is_reported()
    {
        var t = new TensorProto { Name = "t", DataType = (int)DataType.Int64 };
        t.Dims.Add(1);
        t.Int32Data.Add(1);
        var issue = Assert.Single(CheckWithInitializer(t).Issues);
        Assert.Contains("int64_data", issue.Message);
    }

    [Fact]
    public void A_tensor_with_elements_but_no_data_is_reported()
    {
        var t = new TensorProto { Name = "t", DataType = (int)DataType.Float };
        t.Dims.Add(4);
        Assert.True(CheckWithInitializer(t).Has(CheckRules.TensorData));
    }

    [Fact]
    public void An_empty_tensor_holds_no_data()
    {
        var empty = new TensorProto { Name = "e", DataType = (int)DataType.Float };
        empty.Dims.Add(0);
        Assert.True(CheckWithInitializer(empty).IsValid);
        empty.FloatData.Add(1f);
        Assert.True(CheckWithInitializer(empty).Has(CheckRules.TensorData));
    }

    [Fact]
    public void Strings_cannot_live_in_raw_data()
    {
        var t = TestModels.RawTensor("s", DataType.String, [1], 4);
        Assert.True(CheckWithInitializer(t).Has(CheckRules.TensorData));
    }

    [Fact]
    public void An_external_tensor_needs_a_location_and_no_inline_data()
    {
        var t = new TensorProto { Name = "ext", DataType = (int)DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.Add(2);
        Assert.True(CheckWithInitializer(t).Has(CheckRules.TensorData));
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "w.bin" });
        Assert.True(CheckWithInitializer(t).IsValid);
        t.FloatData.Add(1f);
        Assert.True(CheckWithInitializer(t).Has(CheckRules.TensorData));
    }

    [Fact]
    public void A_well_formed_sparse_initializer_passes_and_defines_its_name()
    {
        var model = TestModels.Valid();
        model.Graph.SparseInitializer.Add(Sparse([1, 3]));
        model.Graph.Node.Add(TestModels.Node("Relu", ["sv"], ["s_out"]));
        var result = ModelChecker.Check(model);
        Assert.True(result.IsValid, result.ToString());
    }

    [Theory]
    [InlineData(new long[] { 3, 1 })] // not increasing
    [InlineData(new long[] { 1, 6 })] // out of range for dims [2, 3]
    public void Sparse_indices_must_be_increasing_and_in_range(long[] indices)
    {
        var model = TestModels.Valid();
        model.Graph.SparseInitializer.Add(Sparse(indices));
        Assert.True(ModelChecker.Check(model).Has(CheckRules.SparseTensor));
    }

    private static SparseTensorProto Sparse(long[] linearIndices)
    {
        var values = TestModels.FloatTensor("sv", 1f, 2f);
        var index = new TensorProto { Name = "si", DataType = (int)DataType.Int64 };
        index.Dims.Add(linearIndices.Length);
        index.Int64Data.AddRange(linearIndices);
        var sparse = new SparseTensorProto { Values = values, Indices = index };
        sparse.Dims.AddRange([2, 3]);
        return sparse;
    }
}
