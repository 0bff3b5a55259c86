using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>A generic action run with the CLR element type of a tensor (for kernels that only move elements).</summary>
internal interface IElementAction
{
    void Run<T>();
}

internal static class ElementTypeSwitch
{
    public static bool TryRun<TAction>(DataType type, ref TAction action) where TAction : struct, IElementAction
    {
        switch (type)
        {
            case DataType.Float: action.Run<float>(); return true;
            case DataType.Double: action.Run<double>(); return true;
            case DataType.Float16: action.Run<Half>(); return true;
            case DataType.Bfloat16: action.Run<BFloat16>(); return true;
            case DataType.Int8 or DataType.Int4: action.Run<sbyte>(); return true;
            case DataType.Uint8 or DataType.Uint4: action.Run<byte>(); return true;
            case DataType.Int16: action.Run<short>(); return true;
            case DataType.Uint16: action.Run<ushort>(); return true;
            case DataType.Int32: action.Run<int>(); return true;
            case DataType.Uint32: action.Run<uint>(); return true;
            case DataType.Int64: action.Run<long>(); return true;
            case DataType.Uint64: action.Run<ulong>(); return true;
            case DataType.Bool: action.Run<bool>(); return true;
            case DataType.String: action.Run<string>(); return true;
            default: return false;
        }
    }
}
