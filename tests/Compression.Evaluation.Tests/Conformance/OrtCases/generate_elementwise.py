"""ORT cases for elementwise operators at opsets 18-21 (see ort_cases.py)."""
import numpy as np
from onnx import TensorProto, helper

from ort_cases import make_case, rng, tensor_value

r = rng(18)
a = r.standard_normal((2, 3, 4)).astype(np.float32)
b = r.standard_normal((3, 1)).astype(np.float32)
for opset in (18, 21):
    make_case(f"ort_add_broadcast_opset{opset}", [helper.make_node("Add", ["a", "b"], ["y"])],
              [("a", a), ("b", b)], [tensor_value("y", TensorProto.FLOAT, None)], opset)
    make_case(f"ort_relu_opset{opset}", [helper.make_node("Relu", ["a"], ["y"])],
              [("a", a)], [tensor_value("y", TensorProto.FLOAT, None)], opset)
