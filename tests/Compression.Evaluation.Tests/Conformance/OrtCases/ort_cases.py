"""Builds conformance cases for operator versions the backend suite (ONNX 1.12, opset <= 17) does not have.

Each case is a tiny model plus inputs, and its expected outputs come from ONNX Runtime 1.30 (onnxruntime-node, the
same oracle the rest of the tests use). Cases are written in the backend suite's layout, so the same harness runs
them:  data/<case>/model.onnx, data/<case>/test_data_set_0/input_<i>.pb, output_<i>.pb.

Run a family's generator with Debian's Python (it has onnx 1.12 and numpy), after build/test-assets.sh:
    /usr/bin/python3 tests/Compression.Evaluation.Tests/Conformance/OrtCases/generate_<family>.py
The outputs are kept in the repo as data; regenerate only when a case changes. onnx 1.12's helper builds models of
any opset without checking them against its (older) schemas, which is what we need here: ONNX Runtime is the judge.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
DATA = os.path.join(HERE, "data")
ORACLE = os.path.join(REPO, "tests", "Compression.Testing", "Oracle", "ort-run.mjs")
ASSETS = os.environ.get("COMPRESSION_TEST_ASSETS", os.path.join(REPO, ".test-assets"))
ORT_DIR = os.path.join(ASSETS, "onnxruntime")


def tensor_value(name, array_or_type, shape=None):
    """A graph input/output declaration: from a numpy array, or from an element type and a shape."""
    if isinstance(array_or_type, np.ndarray):
        elem = helper.np_dtype_to_tensor_dtype(array_or_type.dtype) if hasattr(helper, "np_dtype_to_tensor_dtype") \
            else onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[array_or_type.dtype]
        return helper.make_tensor_value_info(name, elem, list(array_or_type.shape))
    return helper.make_tensor_value_info(name, array_or_type, shape)


def make_case(name, nodes, inputs, outputs, opset, initializers=(), domain_opsets=None):
    """Writes one case and runs ONNX Runtime for its expected outputs.

    nodes: onnx NodeProtos; inputs: list of (name, numpy array) fed at run time; outputs: list of ValueInfoProto (use
    tensor_value(name, TensorProto.FLOAT, None) when the shape is the runtime's business); opset: the ai.onnx version.
    """
    graph = helper.make_graph(
        list(nodes), name,
        [tensor_value(n, a) for n, a in inputs],
        list(outputs),
        initializer=list(initializers))
    imports = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in (domain_opsets or {}).items()]
    model = helper.make_model(graph, opset_imports=imports, producer_name="compression-build-ort-cases")
    # IR 8 covers opsets up to 19, IR 9 up to 20, IR 10 up to 21: use the lowest IR version the opset allows.
    model.ir_version = 8 if opset <= 19 else (9 if opset == 20 else 10)

    folder = os.path.join(DATA, name)
    if os.path.exists(folder):
        shutil.rmtree(folder)
    sets = os.path.join(folder, "test_data_set_0")
    os.makedirs(sets)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    for i, (input_name, array) in enumerate(inputs):
        proto = numpy_helper.from_array(np.ascontiguousarray(array), input_name)
        with open(os.path.join(sets, f"input_{i}.pb"), "wb") as f:
            f.write(proto.SerializeToString())

    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run(
            ["node", ORACLE, "--model", os.path.join(folder, "model.onnx"), "--inputs", sets, "--outputs", out,
             "--ort-dir", ORT_DIR, "--threads", "1"],
            capture_output=True, text=True)
        if run.returncode != 0:
            shutil.rmtree(folder)
            raise RuntimeError(f"{name}: ONNX Runtime refused the case: {run.stderr.strip()}")
        described = json.loads(run.stdout)
        for i, output in enumerate(described["outputs"]):
            array = np.load(os.path.join(out, output["file"]))
            proto = numpy_helper.from_array(array, output["name"])
            with open(os.path.join(sets, f"output_{i}.pb"), "wb") as f:
                f.write(proto.SerializeToString())
    print(f"{name}: {len(described['outputs'])} output(s)")


def rng(seed):
    """A seeded generator, so regenerating a case gives the same inputs."""
    return np.random.default_rng(seed)
