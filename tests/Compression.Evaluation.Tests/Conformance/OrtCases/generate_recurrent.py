"""ORT cases for LSTM, GRU and RNN behaviours the backend suite (ONNX 1.12) lacks: reverse and bidirectional directions, sequence_lens (including a zero length), initial states, peepholes, input_forget, clip, linear_before_reset
and the non-default activations (see ort_cases.py). LSTM/GRU/RNN have no versions 18-21, so opset 21 resolves to 14;
opset 13 cases exercise version 7. ONNX Runtime's CPU kernels refuse layout = 1 ("batchwise recurrent operations are
not supported"), so layout 1 is covered only by the backend suite's *_batchwise cases and the unit tests."""
import numpy as np
from onnx import TensorProto, helper

from ort_cases import make_case, rng, tensor_value

SEQ, BATCH, INPUT, HIDDEN = 4, 3, 5, 3
r = rng(7)


def weights(gates, directions, hidden=HIDDEN, scale=0.5):
    w = (r.standard_normal((directions, gates * hidden, INPUT)) * scale).astype(np.float32)
    rr = (r.standard_normal((directions, gates * hidden, hidden)) * scale).astype(np.float32)
    b = (r.standard_normal((directions, 2 * gates * hidden)) * 0.2).astype(np.float32)
    return w, rr, b


def case(op, name, opset, gates, directions, lens=None, initial=0, peepholes=False, outputs=None, **attributes):
    """One case: X [seq, batch, input], W, R, B, optional sequence_lens, initial states and peepholes P."""
    x = r.standard_normal((SEQ, BATCH, INPUT)).astype(np.float32)
    w, rr, b = weights(gates, directions)
    feeds = [("X", x), ("W", w), ("R", rr), ("B", b)]
    names = ["X", "W", "R", "B"]
    if lens is not None:
        feeds.append(("sequence_lens", np.array(lens, np.int32)))
        names.append("sequence_lens")
    elif initial or peepholes:
        names.append("")
    state_shape = (directions, BATCH, HIDDEN)
    for i, state in enumerate(["initial_h", "initial_c"][:initial]):
        feeds.append((state, r.standard_normal(state_shape).astype(np.float32)))
        names.append(state)
    if peepholes:
        while len(names) < 7:
            names.append("")
        feeds.append(("P", (r.standard_normal((directions, 3 * HIDDEN)) * 0.5).astype(np.float32)))
        names.append("P")
    outputs = outputs or (["Y", "Y_h", "Y_c"] if op == "LSTM" else ["Y", "Y_h"])
    node = helper.make_node(op, names, outputs, hidden_size=HIDDEN,
                            direction={1: "forward", 2: "bidirectional"}[directions] if "direction" not in attributes
                            else attributes.pop("direction"), **attributes)
    make_case(name, [node], feeds, [tensor_value(o, TensorProto.FLOAT, None) for o in outputs if o], opset)


# LSTM
case("LSTM", "ort_lstm_initial_states_opset21", 21, 4, 1, initial=2)
case("LSTM", "ort_lstm_bidirectional_sequence_lens_opset21", 21, 4, 2, lens=[4, 2, 1], initial=2, peepholes=True)
case("LSTM", "ort_lstm_zero_length_row_opset21", 21, 4, 2, lens=[4, 0, 2], initial=2)
case("LSTM", "ort_lstm_reverse_clip_opset13", 13, 4, 1, direction="reverse", clip=0.7, initial=2, peepholes=True)
case("LSTM", "ort_lstm_input_forget_opset21", 21, 4, 1, input_forget=1, initial=2)
case("LSTM", "ort_lstm_activations_opset21", 21, 4, 2,
     activations=["HardSigmoid", "LeakyRelu", "Softsign", "Sigmoid", "ScaledTanh", "Elu"],
     activation_alpha=[0.3, 0.2, 0.8, 0.9], activation_beta=[0.4, 1.3])
case("LSTM", "ort_lstm_only_y_h_opset21", 21, 4, 1, outputs=["", "Y_h"])
# GRU
case("GRU", "ort_gru_linear_before_reset_bidirectional_opset21", 21, 3, 2, lens=[2, 4, 3], initial=1, linear_before_reset=1)
case("GRU", "ort_gru_reverse_opset21", 21, 3, 1, direction="reverse", initial=1)
case("GRU", "ort_gru_clip_sequence_lens_opset13", 13, 3, 1, lens=[1, 4, 3], clip=0.5)
case("GRU", "ort_gru_activations_opset21", 21, 3, 1, activations=["Sigmoid", "LeakyRelu"], activation_alpha=[0.3])
case("GRU", "ort_gru_activations_affine_relu_opset21", 21, 3, 2,
     activations=["HardSigmoid", "Affine", "Sigmoid", "ThresholdedRelu"],
     activation_alpha=[0.25, 0.5, 0.1], activation_beta=[0.6, 0.2], linear_before_reset=1)
# RNN
case("RNN", "ort_rnn_bidirectional_sequence_lens_opset21", 21, 1, 2, lens=[4, 1, 3], initial=1)
case("RNN", "ort_rnn_relu_clip_opset13", 13, 1, 1, activations=["Relu"], clip=0.9, initial=1)
case("RNN", "ort_rnn_reverse_softplus_opset21", 21, 1, 1, direction="reverse", activations=["Softplus"])
case("GRU", "ort_gru_zero_length_row_opset21", 21, 3, 2, lens=[0, 3, 4], initial=1)
case("RNN", "ort_rnn_zero_length_row_opset21", 21, 1, 1, lens=[2, 4, 0], initial=1)
