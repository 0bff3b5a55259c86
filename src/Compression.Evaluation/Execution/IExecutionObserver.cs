using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.Execution;

/// <summary>
/// Sees every value of a run as it is produced: graph inputs (producer null) and each node's outputs, in subgraphs too.
/// The tensor is valid only during the call (its buffer is reused once its readers have run): an observer keeps
/// statistics, or copies what it must keep. This is what lets calibration see every activation without a run keeping
/// them all alive.
/// </summary>
public interface IExecutionObserver
{
    void Observe(string name, Tensor value, NodeProto? producer);
}
