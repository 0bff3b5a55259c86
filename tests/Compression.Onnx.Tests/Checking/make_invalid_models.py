# Mutations of real ONNX backend-test models for ModelCheckerMutationTests.
# Usage: /usr/bin/python3 make_invalid_models.py DATA_DIR OUT_DIR
# Writes OUT_DIR/<name>.onnx for every mutation and prints one line per model to stdout:
#   name<TAB>ok|error<TAB>message      -- the verdict of ONNX 1.12's onnx.checker.check_model on the saved file.
# The C# test decides what our checker must say about each name; this script only makes models and asks the oracle.
import copy
import os
import sys

import onnx
from onnx import AttributeProto, TensorProto, helper

DATA, OUT = sys.argv[1], sys.argv[2]


def base(rel):
    return onnx.load(os.path.join(DATA, rel, "model.onnx"))


SEQ = "simple/test_sequence_model1"       # IR 7, five nodes in a chain, int64 initializers that are also inputs
CONV = "pytorch-converted/test_Conv2d"    # IR 3, Conv with attributes, float raw_data initializers
IF = "node/test_if"                       # IR 6, If with then/else subgraphs holding Constant nodes
LOOP = "node/test_loop11"                 # IR 6, Loop whose body has inputs and nine nodes

MUTATIONS = []


def mutation(rel):
    def register(fn):
        MUTATIONS.append((fn.__name__, rel, fn))
        return fn
    return register


def attr(node, name):
    return next(a for a in node.attribute if a.name == name)


def rename_uses(graph, old, new):
    for n in graph.node:
        for i, x in enumerate(n.input):
            if x == old:
                n.input[i] = new
    for o in graph.output:
        if o.name == old:
            o.name = new


# --- model level ---
@mutation(SEQ)
def missing_ir_version(m):
    m.ClearField("ir_version")


@mutation(SEQ)
def ir_version_from_the_future(m):
    m.ir_version = 99


@mutation(SEQ)
def no_opset_import(m):
    del m.opset_import[:]


@mutation(CONV)
def opset_import_with_ir2(m):
    m.ir_version = 2


@mutation(SEQ)
def duplicate_opset_domain(m):
    m.opset_import.append(helper.make_opsetid("", m.opset_import[0].version))


@mutation(SEQ)
def duplicate_metadata_key(m):
    helper.set_model_props(m, {"a": "1"})
    m.metadata_props.append(onnx.StringStringEntryProto(key="a", value="2"))


@mutation(SEQ)
def node_domain_not_imported(m):
    m.graph.node[1].domain = "com.example"


@mutation(SEQ)
def node_domain_ai_onnx_with_default_import(m):
    m.graph.node[1].domain = "ai.onnx"


@mutation(SEQ)
def default_domain_imported_as_ai_onnx(m):
    m.opset_import[0].domain = "ai.onnx"


# --- graph, SSA, topological order ---
@mutation(SEQ)
def node_input_before_definition(m):
    nodes = list(m.graph.node)
    nodes[1], nodes[2] = copy.deepcopy(nodes[2]), copy.deepcopy(nodes[1])
    del m.graph.node[:]
    m.graph.node.extend(nodes)


@mutation(SEQ)
def node_input_never_defined(m):
    m.graph.node[2].input[1] = "nowhere"


@mutation(SEQ)
def optional_input_left_empty(m):
    m.graph.node[3].input[2] = ""


@mutation(SEQ)
def duplicate_node_output(m):
    m.graph.node[2].output[0] = m.graph.node[1].output[0]


@mutation(SEQ)
def node_output_redefines_graph_input(m):
    m.graph.node[0].output[0] = "X"
    m.graph.node[1].input[0] = "X"


@mutation(SEQ)
def node_output_redefines_initializer(m):
    m.graph.node[0].output[0] = "pos"
    m.graph.node[1].input[0] = "pos"


@mutation(SEQ)
def duplicate_graph_input(m):
    m.graph.input.append(copy.deepcopy(m.graph.input[0]))


@mutation(SEQ)
def duplicate_initializer(m):
    m.graph.initializer.append(copy.deepcopy(m.graph.initializer[0]))


@mutation(SEQ)
def initializer_not_an_input_ir7(m):
    names = {t.name for t in m.graph.initializer}
    keep = [i for i in m.graph.input if i.name not in names]
    del m.graph.input[:]
    m.graph.input.extend(keep)


@mutation(CONV)
def initializer_not_an_input_ir3(m):
    keep = [i for i in m.graph.input if i.name != "1"]
    del m.graph.input[:]
    m.graph.input.extend(keep)


@mutation(SEQ)
def graph_output_undefined(m):
    m.graph.output[0].name = "ghost"


@mutation(SEQ)
def graph_name_empty(m):
    m.graph.name = ""


@mutation(SEQ)
def main_input_without_type(m):
    m.graph.input[0].ClearField("type")


@mutation(SEQ)
def main_input_without_shape(m):
    m.graph.input[0].type.tensor_type.ClearField("shape")


@mutation(SEQ)
def node_without_inputs_or_outputs(m):
    m.graph.node.append(helper.make_node("Identity", [], []))


@mutation(SEQ)
def node_without_op_type(m):
    m.graph.node[1].op_type = ""


# --- attributes ---
@mutation(CONV)
def attribute_type_mismatch(m):
    attr(m.graph.node[0], "group").type = AttributeProto.FLOAT


@mutation(CONV)
def attribute_without_type(m):
    attr(m.graph.node[0], "group").ClearField("type")


@mutation(CONV)
def attribute_duplicated(m):
    m.graph.node[0].attribute.append(copy.deepcopy(attr(m.graph.node[0], "strides")))


@mutation(CONV)
def attribute_name_empty(m):
    attr(m.graph.node[0], "group").name = ""


@mutation(CONV)
def attribute_with_two_values(m):
    attr(m.graph.node[0], "group").f = 1.0


@mutation(CONV)
def attribute_ref_outside_function(m):
    a = attr(m.graph.node[0], "strides")
    a.ClearField("ints")
    a.ref_attr_name = "strides"


@mutation(IF)
def subgraph_attribute_type_mismatch(m):
    then_graph = attr(m.graph.node[0], "then_branch").g
    then_graph.node[0].attribute[0].type = AttributeProto.INT


# --- subgraphs and lexical scope ---
@mutation(IF)
def subgraph_uses_outer_value_defined_before(m):
    early = helper.make_node("Identity", ["cond"], ["early"])
    m.graph.node.insert(0, early)
    then_graph = attr(m.graph.node[1], "then_branch").g
    then_graph.node.append(helper.make_node("Identity", ["early"], ["uses_early"]))


@mutation(IF)
def subgraph_uses_outer_value_defined_after(m):
    m.graph.node.append(helper.make_node("Identity", ["cond"], ["late"]))
    then_graph = attr(m.graph.node[0], "then_branch").g
    then_graph.node.append(helper.make_node("Identity", ["late"], ["uses_late"]))


@mutation(IF)
def outer_graph_uses_inner_name(m):
    m.graph.node.append(helper.make_node("Identity", ["then_out"], ["leaked"]))


@mutation(IF)
def subgraph_output_undefined(m):
    then_graph = attr(m.graph.node[0], "then_branch").g
    then_graph.output[0].name = "ghost"


@mutation(IF)
def subgraph_name_empty(m):
    attr(m.graph.node[0], "else_branch").g.name = ""


@mutation(LOOP)
def subgraph_node_output_shadows_outer_value(m):
    body = attr(m.graph.node[0], "body").g
    rename_uses(body, "slice_out", "y")
    for n in body.node:
        for i, x in enumerate(n.output):
            if x == "slice_out":
                n.output[i] = "y"


@mutation(LOOP)
def subgraph_input_shadows_outer_value(m):
    body = attr(m.graph.node[0], "body").g
    rename_uses(body, "y_in", "y")
    for i in body.input:
        if i.name == "y_in":
            i.name = "y"


@mutation(LOOP)
def subgraph_input_before_definition(m):
    body = attr(m.graph.node[0], "body").g
    nodes = list(body.node)
    nodes[6], nodes[7] = copy.deepcopy(nodes[7]), copy.deepcopy(nodes[6])
    del body.node[:]
    body.node.extend(nodes)


@mutation(LOOP)
def subgraph_duplicate_output_name(m):
    body = attr(m.graph.node[0], "body").g
    body.node[8].output[0] = body.node[7].output[0]


# --- tensors ---
@mutation(CONV)
def initializer_raw_data_too_short(m):
    t = m.graph.initializer[0]
    t.raw_data = t.raw_data[:-4]


@mutation(CONV)
def initializer_with_two_data_fields(m):
    t = m.graph.initializer[1]
    t.float_data.extend([0.0] * 4)


@mutation(CONV)
def initializer_undefined_data_type(m):
    m.graph.initializer[1].data_type = TensorProto.UNDEFINED


@mutation(CONV)
def initializer_without_name(m):
    m.graph.initializer[1].name = ""


@mutation(SEQ)
def initializer_in_wrong_field(m):
    t = m.graph.initializer[0]
    value = list(t.int64_data)
    t.ClearField("int64_data")
    t.float_data.extend(float(v) for v in value)


@mutation(IF)
def constant_tensor_string_in_raw_data(m):
    t = attr(m.graph.node[0], "then_branch").g.node[0].attribute[0].t
    t.data_type = TensorProto.STRING
    t.ClearField("float_data")
    t.raw_data = b"\0" * 20


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, rel, fn in MUTATIONS:
        model = base(rel)
        fn(model)
        path = os.path.join(OUT, name + ".onnx")
        onnx.save(model, path)
        try:
            onnx.checker.check_model(path)
            print(name + "\tok\t")
        except Exception as e:
            message = (str(e).strip().splitlines() or [type(e).__name__])[0]
            print(name + "\terror\t" + message)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
