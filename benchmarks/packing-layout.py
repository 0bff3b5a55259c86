"""Would a different byte layout help Brotli? Measures, for packed models (.onnx.br from `modelc compress --packing brotli`)
and plain .onnx files, the Brotli size of each weight layout against the order-0 entropy bound.

Usage: /usr/bin/python3 benchmarks/packing-layout.py FILE...   (needs onnx, numpy and brotli: /usr/bin/python3 has them)
Results and the decision they support: docs/pruning.md ("Packing layout").
"""
import sys
import brotli
import numpy as np
import onnx
from onnx import numpy_helper


def packed(data):
    return len(brotli.compress(bytes(data), quality=11, lgwin=24))


def entropy_bytes(values):
    _, counts = np.unique(values, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum() * values.size / 8)


def load(path):
    raw = open(path, "rb").read()
    return onnx.load_from_string(brotli.decompress(raw) if path.endswith(".br") else raw)


def int8_layouts(tensors):
    flat = np.concatenate([t.ravel() for t in tensors])
    mask = flat != 0
    rows = [t.reshape(t.shape[0], -1) for t in tensors]
    return {
        "as stored": packed(flat.tobytes()),
        "order-0 entropy bound": round(entropy_bytes(flat)),
        "zero mask (bits) + kept values": packed(np.packbits(mask).tobytes()) + packed(flat[mask].tobytes()),
        "column-major": packed(b"".join(r.T.copy().tobytes() for r in rows)),
        "signs apart from magnitudes": packed(np.packbits(flat < 0).tobytes()) + packed(np.abs(flat.astype(np.int16)).astype(np.uint8).tobytes()),
    }


def index_layouts(tensors):
    """Weight-sharing indices (uint8, K values each): as stored, two 4-bit indices a byte, and the order-0 bound."""
    flat = np.concatenate([t.ravel() for t in tensors])
    pairs = np.resize(flat, flat.size + flat.size % 2).reshape(-1, 2)
    return {
        "as stored": packed(flat.tobytes()),
        "order-0 entropy bound": round(entropy_bytes(flat)),
        "two indices a byte (if K <= 16)": packed(((pairs[:, 0] << 4) | (pairs[:, 1] & 15)).astype(np.uint8).tobytes()),
    }


def float_layouts(tensors):
    raw = b"".join(t.tobytes() for t in tensors)
    planes = b"".join(np.frombuffer(t.tobytes(), np.uint8).reshape(-1, t.itemsize).T.copy().tobytes() for t in tensors)
    return {"as stored": packed(raw), "byte planes (shuffle)": packed(planes)}


def main(paths):
    for path in paths:
        model = load(path)
        arrays = [numpy_helper.to_array(t) for t in model.graph.initializer]
        int8 = [a for a in arrays if a.dtype == np.int8 and a.size >= 256]
        floats = [a for a in arrays if a.dtype in (np.float32, np.float16) and a.size >= 256]
        indices = [a for a in arrays if a.dtype == np.uint8 and a.size >= 256]
        print(f"{path}: file {packed(model.SerializeToString()):,} B packed")
        if int8:
            zeros = np.mean(np.concatenate([a.ravel() for a in int8]) == 0)
            print(f"  int8 weights ({sum(a.size for a in int8):,} values, {100 * zeros:.1f}% zeros):")
            for name, size in int8_layouts(int8).items():
                print(f"    {name:32} {size:>10,}")
        if indices:
            print(f"  shared-weight indices ({sum(a.size for a in indices):,} values, {len(np.unique(np.concatenate([a.ravel() for a in indices])))} distinct):")
            for name, size in index_layouts(indices).items():
                print(f"    {name:32} {size:>10,}")
        if floats:
            print(f"  float weights ({sum(a.size for a in floats):,} values):")
            for name, size in float_layouts(floats).items():
                print(f"    {name:32} {size:>10,}")
        by_type = sorted(model.graph.initializer, key=lambda t: (t.data_type, t.name))
        del model.graph.initializer[:]
        model.graph.initializer.extend(by_type)
        print(f"  initializers grouped by type: file {packed(model.SerializeToString()):,} B packed")


if __name__ == "__main__":
    main(sys.argv[1:])
