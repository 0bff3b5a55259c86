"""ORT cases for the quantization operators (see ort_cases.py): QuantizeLinear/DequantizeLinear at 19 and 21
(per-tensor, per-axis, blocked; int8, uint8, int16, uint16, int4, uint4; float16 scales), DynamicQuantizeLinear,
MatMulInteger, ConvInteger, QLinearMatMul (10 and 21) and QLinearConv, with zero points and ties at .5.

onnx 1.12 knows neither INT4/UINT4 (data types 22 and 21) nor the opset-21 attributes, so int4 tensors are built by
setting the proto's fields (raw_data two values a byte, low nibble first), and int4 results are read back through a
DequantizeLinear (ONNX Runtime's node binding cannot hand out int4 tensors): dequantizing with the same scale is exact,
so the float output still pins every integer.
"""
import numpy as np
from onnx import TensorProto, helper, mapping, numpy_helper

from ort_cases import make_case, rng, tensor_value

INT4, UINT4 = 22, 21
F = TensorProto.FLOAT


def int4_tensor(name, values, signed):
    """An INT4/UINT4 initializer from integers, packed two a byte with the first element in the low nibble."""
    flat = np.asarray(values, dtype=np.int64).reshape(-1)
    nibbles = (flat & 0xF).astype(np.uint8)
    if len(nibbles) % 2:
        nibbles = np.append(nibbles, np.uint8(0))
    packed = (nibbles[0::2] | (nibbles[1::2] << 4)).astype(np.uint8)
    t = TensorProto()
    t.name = name
    t.data_type = INT4 if signed else UINT4
    t.dims.extend(np.asarray(values).shape)
    t.raw_data = packed.tobytes()
    return t


def elem_type(dtype):
    """The TensorProto element type of a numpy dtype (onnx 1.12 has only the mapping table)."""
    return mapping.NP_TYPE_TO_TENSOR_TYPE[np.dtype(dtype)]


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def out(name, elem=F):
    return tensor_value(name, elem, None)


r = rng(21)

# Ties: x / scale lands exactly on k + 0.5 (scale a power of two), so round-half-to-even decides; plus saturation.
# (float16 turns the ±1e10 entries into ±inf, which saturate as well.)
ties = np.array([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 100.0, -100.0, 1e10, -1e10], dtype=np.float32) * np.float32(0.25)
x24 = (r.standard_normal((2, 4, 3)) * 3).astype(np.float32)

# --- QuantizeLinear ---
for opset in (19, 21):
    make_case(f"ort_quantizelinear_uint8_ties_opset{opset}",
              [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])],
              [("x", ties)], [out("y", TensorProto.UINT8)], opset,
              initializers=[const("s", np.float32(0.25)), const("z", np.uint8(128))])
    make_case(f"ort_quantizelinear_int8_ties_opset{opset}",
              [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])],
              [("x", ties)], [out("y", TensorProto.INT8)], opset,
              initializers=[const("s", np.float32(0.25)), const("z", np.int8(-3))])
    make_case(f"ort_quantizelinear_default_zero_point_opset{opset}",
              [helper.make_node("QuantizeLinear", ["x", "s"], ["y"])],
              [("x", x24)], [out("y", TensorProto.UINT8)], opset, initializers=[const("s", np.float32(0.03))])
    make_case(f"ort_quantizelinear_axis_negative_opset{opset}",
              [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], axis=-2)],
              [("x", x24)], [out("y", TensorProto.INT8)], opset,
              initializers=[const("s", np.array([0.01, 0.02, 0.05, 0.1], np.float32)),
                            const("z", np.array([0, 5, -5, 127], np.int8))])
    make_case(f"ort_quantizelinear_float16_opset{opset}",
              [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])],
              [("x", np.concatenate([ties, x24.reshape(-1)]).astype(np.float16))], [out("y", TensorProto.UINT8)], opset,
              initializers=[const("s", np.float16(0.25)), const("z", np.uint8(100))])

make_case("ort_quantizelinear_int16_opset21",
          [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])],
          [("x", np.concatenate([ties, x24.reshape(-1)]).astype(np.float32))], [out("y", TensorProto.INT16)], 21,
          initializers=[const("s", np.float32(0.0005)), const("z", np.int16(-1000))])
make_case("ort_quantizelinear_uint16_ties_opset21",
          [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])],
          [("x", ties)], [out("y", TensorProto.UINT16)], 21,
          initializers=[const("s", np.float32(0.25 / 1024)), const("z", np.uint16(30000))])
make_case("ort_quantizelinear_output_dtype_int8_opset21",
          [helper.make_node("QuantizeLinear", ["x", "s"], ["y"], output_dtype=TensorProto.INT8)],
          [("x", x24)], [out("y", TensorProto.INT8)], 21, initializers=[const("s", np.float32(0.05))])
make_case("ort_quantizelinear_blocked_int8_opset21",
          [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], axis=1, block_size=3)],
          [("x", (r.standard_normal((2, 7, 2)) * 2).astype(np.float32))], [out("y", TensorProto.INT8)], 21,
          initializers=[const("s", (r.random((2, 3, 2)) * 0.05 + 0.01).astype(np.float32)),
                        const("z", r.integers(-10, 10, (2, 3, 2)).astype(np.int8))])
make_case("ort_quantizelinear_blocked_last_axis_uint8_opset21",
          [helper.make_node("QuantizeLinear", ["x", "s"], ["y"], axis=-1, block_size=4)],
          [("x", np.abs(r.standard_normal((3, 8))).astype(np.float32))], [out("y", TensorProto.UINT8)], 21,
          initializers=[const("s", (r.random((3, 2)) * 0.02 + 0.005).astype(np.float32))])

# Non-finite and beyond-int32 quotients: the float32 path clamps before converting (NaN to the minimum), the float16
# path converts to int32 first (NaN, inf and overflow become int.MinValue, a negative zero point wraps it around).
nonfinite = np.array([np.inf, -np.inf, np.nan, 65504, -65504, 1000, 3.0], np.float32)
for elem, zero, scale in ((np.float32, np.int8(-3), 1e-5), (np.float16, np.int8(-3), 0.25), (np.float16, np.int8(5), 1e-5),
                          (np.float16, np.uint8(5), 1e-5), (np.float16, np.int16(-5), 1e-5), (np.float32, np.uint16(3), 1e-5)):
    make_case(f"ort_quantizelinear_nonfinite_{np.dtype(elem).name}_{zero.dtype.name}_{'neg' if zero < 0 else 'pos'}_zero_opset21",
              [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])],
              [("x", nonfinite.astype(elem))], [out("y", elem_type(zero.dtype))], 21,
              initializers=[const("s", elem(scale)), const("z", zero)])
for elem in (np.float32, np.float16):
    make_case(f"ort_quantizelinear_int4_nonfinite_{np.dtype(elem).name}_opset21",
              [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
               helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])],
              [("x", nonfinite.astype(elem))], [out("y", elem_type(elem))], 21,
              initializers=[const("s", elem(1e-5)), int4_tensor("z", np.array(-2), True)])

# int4 results, read back through DequantizeLinear with the same parameters.
x4 = np.concatenate([ties[:8], (r.standard_normal(8) * 1.5).astype(np.float32)]).reshape(4, 4)
for signed, name in ((True, "int4"), (False, "uint4")):
    zero = int4_tensor("z", np.array(-1 if signed else 8), signed)
    make_case(f"ort_quantizelinear_{name}_ties_opset21",
              [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
               helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])],
              [("x", x4)], [out("y")], 21, initializers=[const("s", np.float32(0.25)), zero])
    zero_axis = int4_tensor("z", np.array([0, 1, -2, 3]) if signed else np.array([0, 3, 8, 15]), signed)
    make_case(f"ort_quantizelinear_{name}_axis_opset21",
              [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=0),
               helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], axis=0)],
              [("x", x4)], [out("y")], 21,
              initializers=[const("s", np.array([0.25, 0.5, 0.125, 1.0], np.float32)), zero_axis])
    zero_block = int4_tensor("z", (np.array([[0, 1], [-1, 2], [3, -4], [7, -8]]) if signed
                                   else np.array([[0, 1], [15, 2], [8, 4], [7, 9]])), signed)
    make_case(f"ort_quantizelinear_{name}_blocked_opset21",
              [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=1, block_size=3),
               helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], axis=1, block_size=3)],
              [("x", x4)], [out("y")], 21,
              initializers=[const("s", np.array([[0.25, 0.5], [0.125, 1.0], [0.3, 0.7], [0.25, 0.25]], np.float32)),
                            zero_block])

# --- DequantizeLinear ---
for opset in (19, 21):
    make_case(f"ort_dequantizelinear_int8_axis_opset{opset}",
              [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], axis=1)],
              [("x", r.integers(-128, 128, (2, 4, 3)).astype(np.int8))], [out("y")], opset,
              initializers=[const("s", np.array([0.01, 0.2, 3.0, 0.0007], np.float32)),
                            const("z", np.array([0, -128, 127, 3], np.int8))])
    make_case(f"ort_dequantizelinear_uint8_float16_scale_opset{opset}",
              [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"])],
              [("x", np.arange(256, dtype=np.uint8))], [out("y", TensorProto.FLOAT16)], opset,
              initializers=[const("s", np.float16(0.0123)), const("z", np.uint8(77))])
    make_case(f"ort_dequantizelinear_int32_opset{opset}",
              [helper.make_node("DequantizeLinear", ["x", "s"], ["y"])],
              [("x", np.array([-2**31, -123456789, -1, 0, 1, 16777217, 2**31 - 1], np.int32))], [out("y")], opset,
              initializers=[const("s", np.float32(0.001))])
make_case("ort_dequantizelinear_int16_opset21",
          [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"])],
          [("x", np.array([-32768, -1, 0, 1, 32767, 1234], np.int16))], [out("y")], 21,
          initializers=[const("s", np.float32(0.0001)), const("z", np.int16(-32768))])
make_case("ort_dequantizelinear_uint16_axis_opset21",
          [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], axis=0)],
          [("x", r.integers(0, 65536, (3, 4)).astype(np.uint16))], [out("y")], 21,
          initializers=[const("s", np.array([0.5, 0.001, 3.0], np.float32)), const("z", np.array([0, 65535, 32768], np.uint16))])
make_case("ort_dequantizelinear_blocked_int8_opset21",
          [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], axis=0, block_size=2)],
          [("x", r.integers(-128, 128, (5, 3)).astype(np.int8))], [out("y")], 21,
          initializers=[const("s", (r.random((3, 3)) * 0.1).astype(np.float32)),
                        const("z", r.integers(-5, 5, (3, 3)).astype(np.int8))])
make_case("ort_dequantizelinear_blocked_float16_opset21",
          [helper.make_node("DequantizeLinear", ["x", "s"], ["y"], axis=1, block_size=2)],
          [("x", r.integers(0, 256, (2, 5)).astype(np.uint8))], [out("y", TensorProto.FLOAT16)], 21,
          initializers=[const("s", (r.random((2, 3)) * 0.1).astype(np.float16))])
for signed, name in ((True, "int4"), (False, "uint4")):
    lo, hi = (-8, 8) if signed else (0, 16)
    values = r.integers(lo, hi, (3, 5))
    make_case(f"ort_dequantizelinear_{name}_opset21",
              [helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])],
              [], [out("y")], 21,
              initializers=[int4_tensor("q", values, signed), const("s", np.float32(0.37)),
                            int4_tensor("z", np.array(-3 if signed else 9), signed)])
    make_case(f"ort_dequantizelinear_{name}_axis_opset21",
              [helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], axis=1)],
              [], [out("y")], 21,
              initializers=[int4_tensor("q", values, signed), const("s", np.arange(1, 6, dtype=np.float32) * 0.1),
                            int4_tensor("z", r.integers(lo, hi, 5), signed)])
    make_case(f"ort_dequantizelinear_{name}_blocked_opset21",
              [helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], axis=1, block_size=2)],
              [], [out("y")], 21,
              initializers=[int4_tensor("q", values, signed), const("s", (r.random((3, 3)) + 0.1).astype(np.float32)),
                            int4_tensor("z", r.integers(lo, hi, (3, 3)), signed)])

# --- DynamicQuantizeLinear (version 11, run here at 21) ---
make_case("ort_dynamicquantizelinear_random_opset21", [helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "z"])],
          [("x", (r.standard_normal((3, 17)) * 4 + 1).astype(np.float32))],
          [out("y", TensorProto.UINT8), out("s"), out("z", TensorProto.UINT8)], 21)
make_case("ort_dynamicquantizelinear_ties_opset21", [helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "z"])],
          [("x", np.array([-1.0, 254.0, 0.5, 1.5, 2.5, -0.5, 100.5, 3.0], np.float32))],
          [out("y", TensorProto.UINT8), out("s"), out("z", TensorProto.UINT8)], 21)
make_case("ort_dynamicquantizelinear_positive_opset21", [helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "z"])],
          [("x", np.array([[0.3, 7.1], [2.2, 5.5]], np.float32))],
          [out("y", TensorProto.UINT8), out("s"), out("z", TensorProto.UINT8)], 21)

# --- MatMulInteger ---
a_u8 = r.integers(0, 256, (2, 3, 5)).astype(np.uint8)
b_u8 = r.integers(0, 256, (5, 4)).astype(np.uint8)
b_s8 = r.integers(-128, 128, (5, 4)).astype(np.int8)
a_s8 = r.integers(-128, 128, (3, 5)).astype(np.int8)
make_case("ort_matmulinteger_uint8_zero_points_opset21",
          [helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"])],
          [("a", a_u8), ("b", b_u8)], [out("y", TensorProto.INT32)], 21,
          initializers=[const("az", np.uint8(131)), const("bz", np.uint8(7))])
make_case("ort_matmulinteger_uint8_int8_per_column_opset21",
          [helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"])],
          [("a", a_u8), ("b", b_s8)], [out("y", TensorProto.INT32)], 21,
          initializers=[const("az", np.uint8(3)), const("bz", np.array([0, -3, 5, 127], np.int8))])
make_case("ort_matmulinteger_int8_no_zero_points_opset21",
          [helper.make_node("MatMulInteger", ["a", "b"], ["y"])],
          [("a", a_s8), ("b", b_s8)], [out("y", TensorProto.INT32)], 21)

# --- ConvInteger ---
xc = r.integers(0, 256, (1, 4, 6, 5)).astype(np.uint8)
wc = r.integers(0, 256, (6, 2, 3, 3)).astype(np.uint8)
make_case("ort_convinteger_group_pads_strides_opset21",
          [helper.make_node("ConvInteger", ["x", "w", "xz", "wz"], ["y"], group=2, pads=[1, 0, 2, 1], strides=[2, 1])],
          [("x", xc), ("w", wc)], [out("y", TensorProto.INT32)], 21,
          initializers=[const("xz", np.uint8(120)), const("wz", np.uint8(9))])
make_case("ort_convinteger_dilations_opset21",
          [helper.make_node("ConvInteger", ["x", "w", "xz"], ["y"], dilations=[2, 1], pads=[1, 1, 0, 1])],
          [("x", xc), ("w", r.integers(0, 256, (3, 4, 2, 3)).astype(np.uint8))], [out("y", TensorProto.INT32)], 21,
          initializers=[const("xz", np.uint8(17))])
make_case("ort_convinteger_auto_pad_opset21",
          [helper.make_node("ConvInteger", ["x", "w", "xz"], ["y"], auto_pad="SAME_LOWER", strides=[2, 2])],
          [("x", xc), ("w", r.integers(0, 256, (3, 4, 2, 3)).astype(np.uint8))], [out("y", TensorProto.INT32)], 21,
          initializers=[const("xz", np.uint8(17))])


# --- QLinearMatMul: power-of-two scales give exact .5 ties in the requantization ---
def qlinear_matmul(name, opset, a, b, a_s, a_z, b_s, b_z, y_s, y_z):
    make_case(name, [helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"])],
              [("a", a), ("b", b)], [out("y", elem_type(y_z.dtype))], opset,
              initializers=[const("as", a_s), const("az", a_z), const("bs", b_s), const("bz", b_z),
                            const("ys", y_s), const("yz", y_z)])


for opset in (10, 21):
    qlinear_matmul(f"ort_qlinearmatmul_uint8_ties_opset{opset}", opset,
                   r.integers(0, 256, (4, 6)).astype(np.uint8), r.integers(0, 256, (6, 3)).astype(np.uint8),
                   np.float32(0.5), np.uint8(128), np.float32(0.25), np.uint8(120), np.float32(64.0), np.uint8(100))
    qlinear_matmul(f"ort_qlinearmatmul_int8_batched_opset{opset}", opset,
                   r.integers(-128, 128, (2, 3, 8)).astype(np.int8), r.integers(-128, 128, (8, 5)).astype(np.int8),
                   np.float32(0.013), np.int8(-4), np.float32(0.021), np.int8(0), np.float32(0.9), np.int8(3))
    qlinear_matmul(f"ort_qlinearmatmul_per_column_opset{opset}", opset,
                   r.integers(0, 256, (3, 7)).astype(np.uint8), r.integers(-128, 128, (7, 4)).astype(np.int8),
                   np.float32(0.02), np.uint8(135), np.array([0.01, 0.05, 0.002, 0.03], np.float32),
                   np.array([0, 0, 0, 0], np.int8), np.float32(0.2), np.uint8(128))


# --- QLinearConv ---
def qlinear_conv(name, x, w, x_s, x_z, w_s, w_z, y_s, y_z, bias=None, **attrs):
    inputs = ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"] + (["b"] if bias is not None else [])
    inits = [const("xs", x_s), const("xz", x_z), const("w", w), const("ws", w_s), const("wz", w_z),
             const("ys", y_s), const("yz", y_z)] + ([const("b", bias)] if bias is not None else [])
    make_case(name, [helper.make_node("QLinearConv", inputs, ["y"], **attrs)],
              [("x", x)], [out("y", elem_type(y_z.dtype))], 21,
              initializers=inits)


qlinear_conv("ort_qlinearconv_uint8_ties_opset21",
             r.integers(0, 256, (1, 3, 5, 5)).astype(np.uint8), r.integers(0, 256, (4, 3, 3, 3)).astype(np.uint8),
             np.float32(0.5), np.uint8(128), np.float32(0.25), np.uint8(128), np.float32(128.0), np.uint8(120),
             bias=np.array([64, -64, 3, 1000], np.int32), pads=[1, 1, 1, 1])
qlinear_conv("ort_qlinearconv_int8_per_channel_opset21",
             r.integers(-128, 128, (2, 4, 6, 6)).astype(np.int8), r.integers(-127, 128, (6, 4, 3, 3)).astype(np.int8),
             np.float32(0.031), np.int8(-7), (r.random(6) * 0.01 + 0.001).astype(np.float32), np.zeros(6, np.int8),
             np.float32(0.37), np.int8(5), bias=r.integers(-2000, 2000, 6).astype(np.int32), strides=[2, 2], pads=[0, 1, 2, 1])
qlinear_conv("ort_qlinearconv_depthwise_opset21",
             r.integers(0, 256, (1, 8, 7, 7)).astype(np.uint8), r.integers(-127, 128, (8, 1, 3, 3)).astype(np.int8),
             np.float32(0.02), np.uint8(128), (r.random(8) * 0.02 + 0.001).astype(np.float32), np.zeros(8, np.int8),
             np.float32(0.1), np.uint8(110), group=8, pads=[1, 1, 1, 1])
qlinear_conv("ort_qlinearconv_uint8_weights_group_1d_opset21",
             r.integers(0, 256, (1, 4, 9)).astype(np.uint8), r.integers(0, 256, (4, 2, 3)).astype(np.uint8),
             np.float32(0.05), np.uint8(100), np.float32(0.003), np.uint8(130), np.float32(0.25), np.uint8(128),
             group=2, dilations=[2])
