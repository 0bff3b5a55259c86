"""ORT cases for TopK, Einsum and Gelu, and for the 18-21 versions of Cast, CastLike, Equal, AveragePool, If, Loop and
Scan (see ort_cases.py). int4/uint4 cannot be stored by onnx 1.12's numpy_helper, so int4 values are made and read
inside the model (Cast to int4 and back)."""
import numpy as np
from onnx import TensorProto, helper

from ort_cases import make_case, rng, tensor_value

r = rng(19)
FLOAT = TensorProto.FLOAT
INT4, UINT4 = 22, 21  # TensorProto.INT4/UINT4 (not in onnx 1.12's enum)


def out(name, elem=FLOAT):
    return tensor_value(name, elem, None)


# Gelu 20 (and at 21, which resolves to 20).
x = (r.standard_normal((2, 3, 5)) * 2).astype(np.float32)
for opset in (20, 21):
    make_case(f"ort_gelu_exact_opset{opset}", [helper.make_node("Gelu", ["x"], ["y"])], [("x", x)], [out("y")], opset)
make_case("ort_gelu_tanh_opset20", [helper.make_node("Gelu", ["x"], ["y"], approximate="tanh")], [("x", x)], [out("y")], 20)
make_case("ort_gelu_float16_opset20", [helper.make_node("Gelu", ["x"], ["y"])], [("x", x.astype(np.float16))],
          [out("y", TensorProto.FLOAT16)], 20)

# TopK: 1 (k attribute), 10 (K input), 11 (largest/sorted, negative axis); ties go to the lower index.
ties = np.array([[3, 1, 3, 2, 1, 3], [0, 5, 5, 5, 2, 0]], np.int64)
values = r.standard_normal((3, 4, 5)).astype(np.float32)
make_case("ort_topk_attribute_k_opset9", [helper.make_node("TopK", ["x"], ["v", "i"], k=2, axis=1)],
          [("x", values)], [out("v"), out("i", TensorProto.INT64)], 9)
make_case("ort_topk_k_input_opset10", [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=-1)],
          [("x", values), ("k", np.array([3], np.int64))], [out("v"), out("i", TensorProto.INT64)], 10)
make_case("ort_topk_smallest_ties_opset11", [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=1, largest=0)],
          [("x", ties), ("k", np.array([4], np.int64))], [out("v", TensorProto.INT64), out("i", TensorProto.INT64)], 11)
make_case("ort_topk_largest_ties_opset21", [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=-1)],
          [("x", ties.astype(np.int32)), ("k", np.array([4], np.int64))],
          [out("v", TensorProto.INT32), out("i", TensorProto.INT64)], 21)
make_case("ort_topk_axis0_opset11", [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=-3)],
          [("x", values.astype(np.float64)), ("k", np.array([2], np.int64))],
          [out("v", TensorProto.DOUBLE), out("i", TensorProto.INT64)], 11)

# Einsum 12: the general index loop (batch matmul with broadcast ellipsis, diagonals, implicit output, three operands).
def einsum(name, equation, *shapes, dtype=np.float32, elem=FLOAT):
    feeds = [(f"x{i}", r.standard_normal(s).astype(dtype)) for i, s in enumerate(shapes)]
    make_case(f"ort_einsum_{name}_opset12", [helper.make_node("Einsum", [n for n, _ in feeds], ["y"], equation=equation)],
              feeds, [out("y", elem)], 12)


einsum("ellipsis_broadcast_matmul", "...ij,...jk->...ik", (2, 1, 3, 4), (1, 5, 4, 2))
einsum("implicit_output", "kj,ji", (3, 4), (4, 5))
einsum("three_operands", "ij,jk,kl->li", (2, 3), (3, 4), (4, 2))
einsum("diagonal_sum", "iji->j", (3, 4, 3))
einsum("outer_product", "i,j->ij", (3,), (4,))
einsum("attention_scores", "bhqd,bhkd->bhqk", (2, 3, 4, 5), (2, 3, 6, 5))
einsum("reduce_all", "ijk->", (2, 3, 4), dtype=np.float64, elem=TensorProto.DOUBLE)

# Cast 19/21 and CastLike 19/21 (float8 is outside the executor: unit tests check the refusal).
f = np.array([-9.5, -8.5, -7.5, -2.5, -0.5, 0.5, 1.5, 2.5, 7.5, 8.0, 100.0, np.nan, 3.25, -1.75], np.float32)
for opset in (19, 21):
    make_case(f"ort_cast_float_to_float16_opset{opset}", [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT16)],
              [("x", f)], [out("y", TensorProto.FLOAT16)], opset)
    make_case(f"ort_cast_float_to_int32_opset{opset}", [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT32)],
              [("x", f[:11])], [out("y", TensorProto.INT32)], opset)
    make_case(f"ort_castlike_double_to_float_opset{opset}", [helper.make_node("CastLike", ["x", "like"], ["y"])],
              [("x", f.astype(np.float64)), ("like", np.zeros((1,), np.float32))], [out("y")], opset)
for elem, label in ((INT4, "int4"), (UINT4, "uint4")):
    make_case(f"ort_cast_float_to_{label}_and_back_opset21",
              [helper.make_node("Cast", ["x"], ["q"], to=elem), helper.make_node("Cast", ["q"], ["y"], to=FLOAT)],
              [("x", f)], [out("y")], 21)
    make_case(f"ort_cast_int32_to_{label}_and_back_opset21",
              [helper.make_node("Cast", ["x"], ["q"], to=elem), helper.make_node("Cast", ["q"], ["y"], to=TensorProto.INT64)],
              [("x", np.array([-20, -9, -8, -1, 0, 7, 8, 15, 16, 17], np.int32))], [out("y", TensorProto.INT64)], 21)
    make_case(f"ort_castlike_float_to_{label}_opset21",
              [helper.make_node("Cast", ["like"], ["like4"], to=elem), helper.make_node("CastLike", ["x", "like4"], ["q"]),
               helper.make_node("CastLike", ["q", "x"], ["y"])],
              [("x", f), ("like", np.zeros((1,), np.float32))], [out("y")], 21)

# Equal 19: strings (and numbers still).
a = np.array([["a", "bc", ""], ["x", "y", "Bc"]], dtype=object)
b = np.array(["a", "bc", "bc"], dtype=object)
# The oracle feeds no string inputs, so the strings are initializers; a numeric comparison rides along as the input.
strings = [helper.make_tensor(name, TensorProto.STRING, list(arr.shape), [s.encode() for s in arr.flatten()])
           for name, arr in (("a", a), ("b", b))]
make_case("ort_equal_string_broadcast_opset19",
          [helper.make_node("Equal", ["a", "b"], ["y"]), helper.make_node("Equal", ["n", "m"], ["z"])],
          [("n", np.array([1, 2], np.int64)), ("m", np.array([1, 3], np.int64))],
          [out("y", TensorProto.BOOL), out("z", TensorProto.BOOL)], 19, initializers=strings)
make_case("ort_equal_int_opset19", [helper.make_node("Equal", ["a", "b"], ["y"])],
          [("a", np.array([1, 2, 3], np.int32)), ("b", np.array([1, 0, 3], np.int32))], [out("y", TensorProto.BOOL)], 19)

# AveragePool 19: dilations, with and without count_include_pad, pads and ceil_mode.
img = r.standard_normal((1, 2, 7, 8)).astype(np.float32)
make_case("ort_averagepool_dilations_opset19",
          [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 3], dilations=[2, 2])], [("x", img)], [out("y")], 19)
make_case("ort_averagepool_dilations_pads_opset19",
          [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], dilations=[2, 1], pads=[1, 2, 2, 1],
                            strides=[2, 1])], [("x", img)], [out("y")], 19)
make_case("ort_averagepool_dilations_include_pad_opset19",
          [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 2], dilations=[2, 3], pads=[2, 1, 1, 1],
                            count_include_pad=1)], [("x", img)], [out("y")], 19)
make_case("ort_averagepool_dilations_ceil_opset19",
          [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2], dilations=[2, 2], strides=[2, 2],
                            ceil_mode=1, pads=[0, 0, 1, 1])], [("x", img)], [out("y")], 19)
make_case("ort_averagepool_1d_opset21",
          [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3], dilations=[2], pads=[1, 1])],
          [("x", img[:, :, 0, :])], [out("y")], 21)

# If, Loop, Scan 19 and 21 (the versions only widen the types; the behaviour is the same). The bodies avoid Identity
# and Constant, whose 19/21 versions belong to another family.
v = r.standard_normal((3, 2)).astype(np.float32)
for opset in (19, 21):
    then_graph = helper.make_graph([helper.make_node("Add", ["v", "v"], ["t"])], "then", [], [out("t")])
    else_graph = helper.make_graph([helper.make_node("Neg", ["v"], ["e"])], "else", [], [out("e")])
    for flag in (True, False):
        make_case(f"ort_if_{'then' if flag else 'else'}_opset{opset}",
                  [helper.make_node("If", ["c"], ["y"], then_branch=then_graph, else_branch=else_graph)],
                  [("c", np.array([flag])), ("v", v)], [out("y")], opset)
    # Loop: three iterations of acc = acc * 2 + i (cast to float), also scanning acc per iteration.
    body = helper.make_graph(
        [helper.make_node("And", ["cond_in", "cond_in"], ["cond_out"]),
         helper.make_node("Cast", ["i"], ["fi"], to=FLOAT),
         helper.make_node("Add", ["acc_in", "acc_in"], ["twice"]),
         helper.make_node("Add", ["twice", "fi"], ["acc_out"]),
         helper.make_node("Add", ["twice", "fi"], ["scan_out"])],
        "body",
        [tensor_value("i", TensorProto.INT64, []), tensor_value("cond_in", TensorProto.BOOL, []), out("acc_in")],
        [tensor_value("cond_out", TensorProto.BOOL, []), out("acc_out"), out("scan_out")])
    make_case(f"ort_loop_accumulate_opset{opset}",
              [helper.make_node("Loop", ["n", "", "acc"], ["final", "scanned"], body=body)],
              [("n", np.array([3], np.int64)), ("acc", v)], [out("final"), out("scanned")], opset)
    # Scan: running sum over the rows of a [4, 3] input, scanning out each partial sum.
    scan_body = helper.make_graph(
        [helper.make_node("Add", ["sum_in", "row"], ["sum_out"]), helper.make_node("Add", ["row", "sum_in"], ["row_out"])],
        "scan_body", [out("sum_in"), out("row")], [out("sum_out"), out("row_out")])
    make_case(f"ort_scan_running_sum_opset{opset}",
              [helper.make_node("Scan", ["init", "rows"], ["total", "partials"], body=scan_body, num_scan_inputs=1)],
              [("init", np.zeros((3,), np.float32)), ("rows", r.standard_normal((4, 3)).astype(np.float32))],
              [out("total"), out("partials")], opset)
