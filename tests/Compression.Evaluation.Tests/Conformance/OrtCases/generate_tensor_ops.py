"""ORT cases for the TensorOps and Reduction families (see ort_cases.py): every since-version 18-21 of their operators,
and behaviours of GatherND, ScatterND, ScatterElements, CumSum, NonZero and OneHot that the 1.12 backend suite lacks."""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_cases import make_case, rng, tensor_value

F = TensorProto.FLOAT
r = rng(1821)
x234 = r.standard_normal((2, 3, 4)).astype(np.float32)
axes_1 = np.array([1], dtype=np.int64)


def out(name="y", elem=F):
    return [tensor_value(name, elem, None)]


def scalar(name, value):
    """A 0-d initializer (the oracle feeds inputs of rank 1 or more)."""
    return numpy_helper.from_array(np.array(value), name)


def node(op, inputs, outputs=("y",), **attrs):
    return helper.make_node(op, list(inputs), list(outputs), **attrs)


# Reductions at 18: axes become an input; noop_with_empty_axes; ReduceMax/ReduceMin 20 take bool.
positive = (np.abs(x234) + 0.1).astype(np.float32)
for op in ("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceSumSquare", "ReduceL1", "ReduceL2",
           "ReduceLogSum", "ReduceLogSumExp"):
    data = positive if op == "ReduceLogSum" else x234
    short = op[len("Reduce"):].lower()
    make_case(f"ort_reduce{short}_axes_input_opset18", [node(op, ["x", "axes"], keepdims=0)],
              [("x", data), ("axes", np.array([0, -1], dtype=np.int64))], out(), 18)
    make_case(f"ort_reduce{short}_default_axes_opset18", [node(op, ["x"])], [("x", data)], out(), 18)
    make_case(f"ort_reduce{short}_noop_empty_axes_opset18", [node(op, ["x", "axes"], noop_with_empty_axes=1)],
              [("x", data), ("axes", np.zeros((0,), dtype=np.int64))], out(), 18)
for op in ("ReduceMax", "ReduceMin"):
    short = op[len("Reduce"):].lower()
    make_case(f"ort_reduce{short}_float_opset20", [node(op, ["x", "axes"])], [("x", x234), ("axes", axes_1)], out(), 20)
    flags = r.standard_normal((3, 4)) > 0
    make_case(f"ort_reduce{short}_bool_opset20", [node(op, ["x", "axes"], keepdims=0)],
              [("x", flags), ("axes", axes_1)], out(elem=TensorProto.BOOL), 20)
big = (r.standard_normal((3, 5)) * 50 + 60).astype(np.float32)
make_case("ort_reducelogsumexp_large_values_opset13", [node("ReduceLogSumExp", ["x"], axes=[1])], [("x", big)], out(), 13)
make_case("ort_reducel1_int32_opset18", [node("ReduceL1", ["x", "axes"])],
          [("x", r.integers(-9, 9, (3, 4)).astype(np.int32)), ("axes", axes_1)], out(elem=TensorProto.INT32), 18)

# Split 18: num_outputs, the last part smaller.
x7 = r.standard_normal((2, 7)).astype(np.float32)
make_case("ort_split_num_outputs_uneven_opset18", [node("Split", ["x"], ["a", "b", "c"], axis=1, num_outputs=3)],
          [("x", x7)], out("a") + out("b") + out("c"), 18)
make_case("ort_split_input_opset18", [node("Split", ["x", "split"], ["a", "b"], axis=1)],
          [("x", x7), ("split", np.array([2, 5], dtype=np.int64))], out("a") + out("b"), 18)

# Pad 18 (axes input), 19 (wrap), 21.
x34 = r.standard_normal((3, 4)).astype(np.float32)
make_case("ort_pad_axes_opset18", [node("Pad", ["x", "pads", "", "axes"], mode="constant")],
          [("x", x34), ("pads", np.array([1, 2], dtype=np.int64)), ("axes", np.array([-1], dtype=np.int64))], out(), 18)
make_case("ort_pad_reflect_opset18", [node("Pad", ["x", "pads"], mode="reflect")],
          [("x", x34), ("pads", np.array([1, 2, 2, 1], dtype=np.int64))], out(), 18)
for opset in (19, 21):
    make_case(f"ort_pad_wrap_opset{opset}", [node("Pad", ["x", "pads"], mode="wrap")],
              [("x", x34), ("pads", np.array([2, 1, 1, 3], dtype=np.int64))], out(), opset)
    make_case(f"ort_pad_edge_axes_opset{opset}", [node("Pad", ["x", "pads", "", "axes"], mode="edge")],
              [("x", x34), ("pads", np.array([2, 1], dtype=np.int64)), ("axes", np.array([0], dtype=np.int64))], out(), opset)
make_case("ort_pad_constant_value_int32_opset21", [node("Pad", ["x", "pads", "value"])],
          [("x", r.integers(-5, 5, (2, 3)).astype(np.int32)), ("pads", np.array([0, 1, 1, 0], dtype=np.int64))],
          out(elem=TensorProto.INT32), 21, initializers=[scalar("value", np.int32(7))])

# Resize 18 (axes, keep_aspect_ratio_policy, antialias) and 19 (half_pixel_symmetric).
img = r.standard_normal((1, 2, 6, 8)).astype(np.float32)
for opset in (18, 19):
    make_case(f"ort_resize_linear_axes_scales_opset{opset}",
              [node("Resize", ["x", "", "scales"], mode="linear", axes=[2, 3])],
              [("x", img), ("scales", np.array([0.5, 1.5], dtype=np.float32))], out(), opset)
    make_case(f"ort_resize_nearest_axes_sizes_opset{opset}",
              [node("Resize", ["x", "", "", "sizes"], mode="nearest", axes=[3])],
              [("x", img), ("sizes", np.array([11], dtype=np.int64))], out(), opset)
    for policy in ("not_larger", "not_smaller"):
        make_case(f"ort_resize_keep_aspect_{policy}_opset{opset}",
                  [node("Resize", ["x", "", "", "sizes"], mode="linear", axes=[2, 3], keep_aspect_ratio_policy=policy)],
                  [("x", img), ("sizes", np.array([4, 12], dtype=np.int64))], out(), opset)
    for mode in ("linear", "cubic"):
        make_case(f"ort_resize_{mode}_antialias_down_opset{opset}",
                  [node("Resize", ["x", "", "scales"], mode=mode, antialias=1)],
                  [("x", img), ("scales", np.array([1, 1, 0.5, 0.375], dtype=np.float32))], out(), opset)
        make_case(f"ort_resize_{mode}_antialias_sizes_opset{opset}",
                  [node("Resize", ["x", "", "", "sizes"], mode=mode, antialias=1)],
                  [("x", img), ("sizes", np.array([1, 2, 4, 5], dtype=np.int64))], out(), opset)
    make_case(f"ort_resize_linear_antialias_up_opset{opset}",
              [node("Resize", ["x", "", "scales"], mode="linear", antialias=1)],
              [("x", img), ("scales", np.array([1, 1, 1.5, 2], dtype=np.float32))], out(), opset)
    make_case(f"ort_resize_cubic_tf_crop_axes_roi_opset{opset}",
              [node("Resize", ["x", "roi", "", "sizes"], mode="cubic", axes=[2, 3],
                    coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-1.0)],
              [("x", img), ("roi", np.array([0.1, 0.0, 0.9, 1.2], dtype=np.float32)),
               ("sizes", np.array([5, 7], dtype=np.int64))], out(), opset)
for mode in ("nearest", "linear", "cubic"):
    make_case(f"ort_resize_{mode}_half_pixel_symmetric_opset19",
              [node("Resize", ["x", "", "scales"], mode=mode, coordinate_transformation_mode="half_pixel_symmetric")],
              [("x", img), ("scales", np.array([1, 1, 0.7, 1.3], dtype=np.float32))], out(), 19)

# Shape-only operators at 19 and 21 (new element types; the same behaviour).
xi8 = r.integers(-8, 8, (2, 3, 4)).astype(np.int8)
for opset in (19, 21):
    make_case(f"ort_reshape_opset{opset}", [node("Reshape", ["x", "shape"])],
              [("x", x234), ("shape", np.array([3, -1, 0], dtype=np.int64))], out(), opset)
    make_case(f"ort_shape_start_end_opset{opset}", [node("Shape", ["x"], start=1, end=-1)], [("x", x234)],
              out(elem=TensorProto.INT64), opset)
    make_case(f"ort_size_opset{opset}", [node("Size", ["x"])], [("x", x234)], out(elem=TensorProto.INT64), opset)
    make_case(f"ort_identity_int8_opset{opset}", [node("Identity", ["x"])], [("x", xi8)], out(elem=TensorProto.INT8), opset)
    make_case(f"ort_constant_opset{opset}",
              [node("Constant", [], ["c"], value=helper.make_tensor("v", F, [3], [1.5, -2.0, 4.25])), node("Add", ["x", "c"])],
              [("x", x34[:, :3].copy())], out(), opset)
    make_case(f"ort_constant_value_ints_opset{opset}",
              [node("Constant", [], ["y"], value_ints=[3, -1, 7])], [], out(elem=TensorProto.INT64), opset)
for opset in (20, 21):
    make_case(f"ort_constantofshape_int32_opset{opset}",
              [node("ConstantOfShape", ["s"], value=helper.make_tensor("v", TensorProto.INT32, [1], [-3]))],
              [("s", np.array([2, 3], dtype=np.int64))], out(elem=TensorProto.INT32), opset)
    make_case(f"ort_constantofshape_default_opset{opset}", [node("ConstantOfShape", ["s"])],
              [("s", np.array([4], dtype=np.int64))], out(), opset)
make_case("ort_flatten_axis_opset21", [node("Flatten", ["x"], axis=-1)], [("x", xi8)], out(elem=TensorProto.INT8), 21)
make_case("ort_squeeze_opset21", [node("Squeeze", ["x", "axes"])],
          [("x", x234.reshape(2, 1, 3, 1, 4)), ("axes", np.array([1, -2], dtype=np.int64))], out(), 21)
make_case("ort_unsqueeze_opset21", [node("Unsqueeze", ["x", "axes"])],
          [("x", x234), ("axes", np.array([0, -1], dtype=np.int64))], out(), 21)
make_case("ort_transpose_opset21", [node("Transpose", ["x"], perm=[2, 0, 1])], [("x", xi8)], out(elem=TensorProto.INT8), 21)
make_case("ort_transpose_default_opset21", [node("Transpose", ["x"])], [("x", x234)], out(), 21)

# GatherND: negative indices, batch_dims with partial tuples.
data = r.standard_normal((2, 3, 4, 5)).astype(np.float32)
make_case("ort_gathernd_negative_indices_opset13", [node("GatherND", ["x", "i"])],
          [("x", data), ("i", np.array([[[-1, 2], [0, -3]], [[1, 0], [-2, -1]]], dtype=np.int64))], out(), 13)
make_case("ort_gathernd_batch_dims2_opset13", [node("GatherND", ["x", "i"], batch_dims=2)],
          [("x", data), ("i", r.integers(0, 4, (2, 3, 2, 1)).astype(np.int64))], out(), 13)
make_case("ort_gathernd_batch_dims1_scalar_slices_opset12", [node("GatherND", ["x", "i"], batch_dims=1)],
          [("x", data), ("i", np.array([[[2, 3, 4]], [[0, 1, 0]]], dtype=np.int64))], out(), 12)

# ScatterND: reductions at 16 and 18, duplicate indices.
base = r.standard_normal((4, 3)).astype(np.float32)
idx = np.array([[1], [3], [1]], dtype=np.int64)
upd = r.standard_normal((3, 3)).astype(np.float32)
for reduction, opset in (("add", 16), ("mul", 16), ("add", 18), ("max", 18), ("min", 18)):
    make_case(f"ort_scatternd_{reduction}_duplicates_opset{opset}",
              [node("ScatterND", ["x", "i", "u"], reduction=reduction)], [("x", base), ("i", idx), ("u", upd)], out(), opset)
make_case("ort_scatternd_elements_negative_opset18", [node("ScatterND", ["x", "i", "u"])],
          [("x", base), ("i", np.array([[-1, 0], [0, -1]], dtype=np.int64)), ("u", np.array([5, 6], dtype=np.float32))],
          out(), 18)
make_case("ort_scatternd_int64_add_opset16", [node("ScatterND", ["x", "i", "u"], reduction="add")],
          [("x", np.arange(6, dtype=np.int64).reshape(2, 3)), ("i", np.array([[0], [0]], dtype=np.int64)),
           ("u", np.array([[1, 2, 3], [10, 20, 30]], dtype=np.int64))], out(elem=TensorProto.INT64), 16)

# ScatterElements: reductions at 16 and 18.
eidx = np.array([[1, 0, 1], [1, 2, 1]], dtype=np.int64)
eupd = r.standard_normal((2, 3)).astype(np.float32)
for reduction, opset in (("add", 16), ("mul", 16), ("max", 18), ("min", 18), ("none", 18)):
    make_case(f"ort_scatterelements_{reduction}_axis1_opset{opset}",
              [node("ScatterElements", ["x", "i", "u"], axis=1, reduction=reduction)],
              [("x", base[:2]), ("i", eidx[:, :3] % 3), ("u", eupd)], out(), opset)
make_case("ort_scatterelements_add_axis0_negative_opset18",
          [node("ScatterElements", ["x", "i", "u"], axis=0, reduction="add")],
          [("x", base), ("i", np.array([[-1, 0, -4], [3, -4, 1]], dtype=np.int64)), ("u", eupd)], out(), 18)

# CumSum: 3-D, reverse + exclusive, integer types, 14's float16 is left to the suite's float16-free runtime.
for exclusive in (0, 1):
    for reverse in (0, 1):
        make_case(f"ort_cumsum_3d_e{exclusive}_r{reverse}_opset14",
                  [node("CumSum", ["x", "axis"], exclusive=exclusive, reverse=reverse)],
                  [("x", x234)], out(), 14, initializers=[scalar("axis", np.int32(-2))])
make_case("ort_cumsum_int64_opset11", [node("CumSum", ["x", "axis"], reverse=1)],
          [("x", np.arange(12, dtype=np.int64).reshape(3, 4))], out(elem=TensorProto.INT64), 11,
          initializers=[scalar("axis", np.int64(0))])

# NonZero of other element types, and an all-zero input.
make_case("ort_nonzero_bool_3d_opset13", [node("NonZero", ["x"])], [("x", r.standard_normal((2, 3, 4)) > 0.3)],
          out(elem=TensorProto.INT64), 13)
make_case("ort_nonzero_int32_opset13", [node("NonZero", ["x"])],
          [("x", np.array([[0, 3, 0], [-1, 0, 2]], dtype=np.int32))], out(elem=TensorProto.INT64), 13)
make_case("ort_nonzero_all_zero_opset9", [node("NonZero", ["x"])], [("x", np.zeros((2, 2), dtype=np.float32))],
          out(elem=TensorProto.INT64), 9)

# OneHot: float indices and depth, int64 values, axis in the middle, out-of-range indices.
make_case("ort_onehot_float_indices_axis1_opset11", [node("OneHot", ["i", "d", "v"], axis=1)],
          [("i", np.array([[0.0, 2.7], [-1.0, 5.0]], dtype=np.float32)), ("d", np.array([3], dtype=np.int64)),
           ("v", np.array([-2, 9], dtype=np.int64))], out(elem=TensorProto.INT64), 11)
make_case("ort_onehot_int32_indices_opset9", [node("OneHot", ["i", "d", "v"])],
          [("i", np.array([1, 0, 3, 2], dtype=np.int32)), ("v", np.array([0.0, 1.0], dtype=np.float32))], out(), 9,
          initializers=[scalar("d", np.int32(4))])
