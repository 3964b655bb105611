"""The bundled decks: complete, well-formed and numerically right.

Everything here reads the YAML with `yaml.safe_load`, independently of the app's loader, and
re-derives every numeric answer from its own formula (the table `EXPECTED` below), so a wrong
number in a deck fails here even if the app agrees with it. One test checks that the app's loader
accepts every deck, once `studyrnn.decks` exists.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DECK_DIR = REPO / "content" / "decks"
DECK_FILES = sorted(DECK_DIR.glob("*.yaml"))

CARD_TYPES = {"flashcard", "choice", "multi", "true_false", "order", "numeric", "text", "generated"}
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/deck.schema.json"

# The six generators whose names and parameter keys are pinned (issue 4).
PINNED_GENERATORS = {
    "total_sequence_loss": {"losses", "reduction"},
    "clip_by_norm": {"gradient", "max_norm", "component"},
    "clip_by_value": {"gradient", "clip_value", "component"},
    "hidden_state_step": {"W_x", "W_s", "x", "s_prev"},
    "parameter_count": {"input_size", "hidden_size", "output_size"},
    "gradient_decay": {"w", "activation_derivatives"},
}

REQUIRED_FIELDS = {
    "flashcard": {"front", "back"},
    "choice": {"prompt", "options", "answer"},
    "multi": {"prompt", "options", "answers"},
    "true_false": {"statement", "answer"},
    "order": {"prompt", "items"},
    "numeric": {"prompt", "answer"},
    "text": {"prompt", "answers"},
    "generated": {"generator"},
}


def _params(input_size: int, hidden_size: int, output_size: int) -> int:
    d, h, o = input_size, hidden_size, output_size
    return h * d + h * h + h + o * h + o


def _global_clip(grads: list[list[float]], max_norm: float) -> list[list[float]]:
    """PyTorch clip_grad_norm_, written out by hand."""
    total = math.sqrt(sum(v * v for g in grads for v in g))
    coef = min(1.0, max_norm / (total + 1e-6))
    return [[v * coef for v in g] for g in grads]


def _per_variable_clip(grads: list[list[float]], clipnorm: float) -> list[list[float]]:
    """Keras clipnorm: each variable's gradient clipped by its own norm."""
    out = []
    for g in grads:
        n = math.sqrt(sum(v * v for v in g))
        out.append([v * clipnorm / n for v in g] if n > clipnorm else list(g))
    return out


def _lecture_dE3_dWs() -> float:
    """Identity-activation lecture RNN, ∂E_3/∂W_s by finite differences (independent of the
    chain-rule sum the card explains)."""

    def e3(ws: float) -> float:
        s, wx, wy = 0.0, 1.0, 1.0
        for x in (1.0, 0.0, 0.0):
            s = ws * s + wx * x
        return (0.0 - wy * s) ** 2

    eps = 1e-6
    return (e3(0.5 + eps) - e3(0.5 - eps)) / (2 * eps)


def _largest_singular_2x2(a: float, b: float, c: float, d: float) -> float:
    # singular values of [[a, b], [c, d]]: sqrt of the eigenvalues of MᵀM
    p = a * a + c * c
    q = a * b + c * d
    r = b * b + d * d
    tr, det = p + r, p * r - q * q
    return math.sqrt(tr / 2 + math.sqrt(tr * tr / 4 - det))


def _fd(f, x: float, eps: float = 1e-6) -> float:
    """Centred finite difference of a scalar function."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def _sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a))


def _tanh_chain_delta1() -> float:
    """bptt-basics/delta-two-steps: a scalar tanh RNN built so that 1 − h_3² = 0.8, 1 − h_2² = 0.6
    and ∂L/∂h_3 = 2 at the point h_1 = 0.3; δ_1 = ∂L/∂h_1 by finite differences."""
    w, h1 = 0.5, 0.3
    h2, h3 = math.sqrt(1 - 0.6), math.sqrt(1 - 0.8)
    c2 = math.atanh(h2) - w * h1  # the input terms u·x_t, chosen to hit those states
    c3 = math.atanh(h3) - w * h2

    def loss(h1_: float) -> float:
        h2_ = math.tanh(w * h1_ + c2)
        return 2 * math.tanh(w * h2_ + c3)  # linear in h_3, so ∂L/∂h_3 = 2

    return _fd(loss, h1)


# bptt-matrix: the two-unit linear RNN of the notes, written out with plain lists
_W_HH = [[0.5, -0.2], [0.1, 0.4]]
_W_XH = [1.0, 0.5]
_W_HY = [1.0, -2.0]


def _matvec(m: list[list[float]], v: list[float]) -> list[float]:
    return [sum(m[i][j] * v[j] for j in range(len(v))) for i in range(len(m))]


def _two_unit_loss(
    w_hh: list[list[float]] = _W_HH,
    w_xh: list[float] = _W_XH,
    w_hy: list[float] = _W_HY,
    targets: tuple[float | None, float] = (None, 0.0),
) -> float:
    """L = Σ_t ½(y_t − d_t)² over the steps with a target; identity activation, x = (1, 1)."""
    h = [0.0, 0.0]
    loss = 0.0
    for x, d in zip((1.0, 1.0), targets):
        h = [a + b * x for a, b in zip(_matvec(w_hh, h), w_xh)]
        y = sum(a * b for a, b in zip(w_hy, h))
        if d is not None:
            loss += 0.5 * (y - d) ** 2
    return loss


def _two_unit_state_grad(step: int, unit: int, targets=(None, 0.0)) -> float:
    """∂L/∂h_step[unit] by finite differences: perturb the state and run the rest forward."""
    h1 = [1.0, 0.5]  # W_xh x_1 from h_0 = 0

    def loss_from(value: float) -> float:
        h = list(h1)
        loss = 0.0
        if step == 1:
            h[unit] = value
        y1 = sum(a * b for a, b in zip(_W_HY, h))
        if targets[0] is not None:
            loss += 0.5 * (y1 - targets[0]) ** 2
        h2 = [a + b for a, b in zip(_matvec(_W_HH, h), _W_XH)]
        if step == 2:
            h2[unit] = value
        y2 = sum(a * b for a, b in zip(_W_HY, h2))
        return loss + 0.5 * (y2 - targets[1]) ** 2

    base = h1[unit] if step == 1 else [a + b for a, b in zip(_matvec(_W_HH, h1), _W_XH)][unit]
    return _fd(loss_from, base)


def _two_unit_weight_grad(which: str, i: int, j: int = 0) -> float:
    def loss(v: float) -> float:
        w_hh = [row[:] for row in _W_HH]
        w_xh, w_hy = list(_W_XH), list(_W_HY)
        if which == "hh":
            w_hh[i][j] = v
        elif which == "xh":
            w_xh[i] = v
        else:
            w_hy[i] = v
        return _two_unit_loss(w_hh, w_xh, w_hy)

    base = {"hh": _W_HH[i][j], "xh": _W_XH[i], "hy": _W_HY[i]}[which]
    return _fd(loss, base)


def _tanh_two_unit_delta1(unit: int) -> float:
    """bptt-matrix/tanh-delta1: h_2 = tanh(W_hh h_1 + c) with c chosen so that 1 − h_2² = [0.5, 0.8]
    at h_1 = [0.3, −0.2]; L = δ_2 · h_2 with δ_2 = [1, −2]; δ_1 by finite differences."""
    h1 = [0.3, -0.2]
    h2 = [math.sqrt(1 - 0.5), math.sqrt(1 - 0.8)]
    c = [math.atanh(v) - a for v, a in zip(h2, _matvec(_W_HH, h1))]

    def loss(v: float) -> float:
        h = list(h1)
        h[unit] = v
        a = _matvec(_W_HH, h)
        return 1 * math.tanh(a[0] + c[0]) - 2 * math.tanh(a[1] + c[1])

    return _fd(loss, h1[unit])


def _lecture_e3(w_x: float = 1.0, w_s: float = 0.5, w_y: float = 2.0) -> float:
    """bptt-matrix lecture example: identity activation, s_0 = 0, x = (1, 2, 0), d_3 = 1."""
    s = 0.0
    for x in (1.0, 2.0, 0.0):
        s = w_s * s + w_x * x
    return (1.0 - w_y * s) ** 2


def _cell_path(factors: list[float]) -> float:
    """∂c_T/∂c_0 along c_t = f_t c_{t−1} + i_t g_t (gates fixed), by finite differences."""

    def c_final(c0: float) -> float:
        c = c0
        for f in factors:
            c = f * c + 0.5 * 0.3  # any fixed i_t·g_t: it does not depend on c_0
        return c

    return _fd(c_final, 0.2)


def _gru_copy_path(z: float, steps: int) -> float:
    def h_final(h0: float) -> float:
        h = h0
        for _ in range(steps):
            h = (1 - z) * 0.4 + z * h  # a fixed candidate n_t
        return h

    return _fd(h_final, -0.1)


def _torch_style_params(
    input_size: int, hidden: int, blocks: int = 1, layers: int = 1, directions: int = 1
) -> int:
    """PyTorch nn.RNN/GRU/LSTM: per layer and direction, blocks·(H·D_l + H·H + 2H)."""
    total = 0
    for layer in range(layers):
        d_in = input_size if layer == 0 else hidden * directions
        total += directions * blocks * (hidden * d_in + hidden * hidden + 2 * hidden)
    return total


def _sum_over_mean_gradient_ratio(t_steps: int) -> float:
    """Gradient of the summed loss over that of the mean loss, by finite differences on a toy
    scalar RNN with T steps."""
    xs = [0.3, -0.7, 1.1, 0.4][:t_steps]

    def losses(w: float) -> list[float]:
        h, out = 0.0, []
        for x in xs:
            h = math.tanh(w * h + x)
            out.append((h - 0.2) ** 2)
        return out

    g_sum = _fd(lambda w: sum(losses(w)), 0.6)
    g_mean = _fd(lambda w: sum(losses(w)) / len(xs), 0.6)
    return g_sum / g_mean


def _masked_mean(losses: list[float], mask: list[int]) -> float:
    """Mean over the real (unmasked) positions, as CrossEntropyLoss does with ignore_index."""
    assert abs(sum(v for v, m in zip(losses, mask) if m) - 4.0) < 1e-12  # the card's sum
    return sum(v for v, m in zip(losses, mask) if m) / sum(mask)


def _linear_power_second() -> float:
    """(W_hhᵀ)¹⁰ e for W_hh = [[0.5, 0], [0, 1.2]], e = [1, 1]: ten explicit back-steps."""
    w_t = [[0.5, 0.0], [0.0, 1.2]]  # its own transpose: diagonal
    e = [1.0, 1.0]
    for _ in range(10):
        e = _matvec(w_t, e)
    return e[1]


# deck id / card id -> an independent computation of the expected answer
EXPECTED: dict[tuple[str, str], float] = {
    # bptt-basics
    ("bptt-basics", "tanh-local-derivative"): 1 - 0.6**2,
    ("bptt-basics", "chain-product-scalar"): math.prod(0.8 * d for d in (0.9, 0.5, 0.75)),
    ("bptt-basics", "accumulate-contributions"): 0.12 - 0.05 + 0.30,
    ("bptt-basics", "lecture-de3-dws"): _lecture_dE3_dWs(),
    ("bptt-basics", "delta-two-steps"): _tanh_chain_delta1(),
    # bptt-matrix: two-unit linear RNN (gradients by finite differences)
    ("bptt-matrix", "two-unit-loss"): _two_unit_loss(),
    ("bptt-matrix", "two-unit-delta2"): _two_unit_state_grad(2, 1),
    ("bptt-matrix", "two-unit-delta1"): _two_unit_state_grad(1, 0),
    ("bptt-matrix", "two-unit-dwhh"): _two_unit_weight_grad("hh", 0, 1),
    ("bptt-matrix", "two-unit-dwxh"): _two_unit_weight_grad("xh", 1),
    ("bptt-matrix", "two-unit-dwhy"): _two_unit_weight_grad("hy", 0),
    ("bptt-matrix", "two-unit-many-to-many"): _two_unit_state_grad(1, 0, targets=(0.5, 0.0)),
    ("bptt-matrix", "tanh-delta1"): _tanh_two_unit_delta1(1),
    ("bptt-matrix", "outer-product-entry"): [[r * x for x in (2, 3)] for r in (0.5, -1)][1][0],
    ("bptt-matrix", "lecture-de3-dwy"): _fd(lambda v: _lecture_e3(w_y=v), 2.0),
    ("bptt-matrix", "lecture-de3-dwx"): _fd(lambda v: _lecture_e3(w_x=v), 1.0),
    ("bptt-matrix", "lecture-de3-dws-sum"): _fd(lambda v: _lecture_e3(w_s=v), 0.5),
    ("bptt-matrix", "centred-excess"): (2.01**3 - 1.99**3) / 0.02 - 3 * 2**2,
    ("bptt-matrix", "forward-excess"): (2.01**3 - 2**3) / 0.01 - 3 * 2**2,
    ("bptt-matrix", "relative-error"): abs(1.998 - 2.0) / max(abs(1.998), abs(2.0)),
    ("bptt-matrix", "check-evaluations"): 2 * _params(10, 20, 5),
    # gated-cells
    ("gated-cells", "lstm-cell-step"): 0.8 * 0.5 + 0.5 * 0.6,
    ("gated-cells", "lstm-hidden-step"): 0.9 * math.tanh(0.8 * 0.5 + 0.5 * 0.6),
    ("gated-cells", "cell-path-product"): _cell_path([0.9, 0.8, 0.95]),
    ("gated-cells", "forget-twenty-steps"): _cell_path([0.95] * 20),
    ("gated-cells", "sigmoid-of-one"): _sigmoid(1.0),
    ("gated-cells", "forget-bias-five-steps"): _cell_path([_sigmoid(1.0)] * 5),
    ("gated-cells", "lstm-param-count"): _torch_style_params(10, 20, blocks=4),
    ("gated-cells", "gru-param-count"): _torch_style_params(10, 20, blocks=3),
    ("gated-cells", "gru-step"): (1 - 0.25) * 0.8 + 0.25 * -0.4,
    ("gated-cells", "gru-candidate"): math.tanh(0.3 + 0.4 * 0.5),
    ("gated-cells", "gru-z-path"): _gru_copy_path(0.95, 10),
    # misconceptions
    ("misconceptions", "sum-vs-mean-gradient"): 0.5 * _sum_over_mean_gradient_ratio(4),
    # remedies
    ("remedies", "value-clip-inside"): math.sqrt(
        sum(max(-2.0, min(2.0, v)) ** 2 for v in (0.5, -3.0, 1.5))
    ),
    # rnn-equations
    ("rnn-equations", "torch-rnn-params"): _torch_style_params(10, 20),
    # rnn-grundlagen
    ("rnn-grundlagen", "lstm-zelle-rechnen"): 0.9 * 2.0 + 0.5 * -0.4,
    ("rnn-grundlagen", "vergessen-zehn-schritte"): _cell_path([0.9] * 10),
    ("rnn-grundlagen", "mittelwert-rechnen"): sum([0.8, 0.4, 0.6, 0.2]) / 4,
    ("rnn-grundlagen", "clip-norm-rechnen"): _global_clip([[6, 8]], 5.0)[0][0],
    ("rnn-grundlagen", "zentrale-differenz"): (3.1**2 - 2.9**2) / (2 * 0.1),
    ("rnn-grundlagen", "gru-rechnen"): (1 - 0.5) * 0.6 + 0.5 * 0.2,
    # training-practice
    ("training-practice", "inf-norm-total"): max(abs(v) for v in (3, -5, 2)),
    ("training-practice", "inf-norm-clipped"): 3
    * min(1.0, 2 / (max(abs(v) for v in (3, -5, 2)) + 1e-6)),
    ("training-practice", "threshold-from-average"): 10 * 2.0,
    ("training-practice", "masked-mean"): _masked_mean(
        [0.25, 0.75, 0.5, 0.5, 0.4, 0.6, 0.3, 0.7, 9.0, 9.0], [1] * 8 + [0] * 2
    ),
    ("training-practice", "checkpoint-memory"): 400 / 20 + 20,
    ("training-practice", "checkpoint-best-k"): min(range(1, 901), key=lambda k: 900 / k + k),
    ("training-practice", "stacked-params"): _torch_style_params(10, 20, layers=2),
    ("training-practice", "bidir-params"): _torch_style_params(10, 20, directions=2),
    ("training-practice", "hn-rows"): 2 * 3,
    ("training-practice", "random-truncation-weight"): 1 / 0.25,
    # vanishing-exploding (new cards)
    ("vanishing-exploding", "sigmoid-derivative-half"): _fd(_sigmoid, math.log(0.9 / 0.1)),
    ("vanishing-exploding", "linear-power-eigen"): _linear_power_second(),
    # rnn-equations
    ("rnn-equations", "lecture-error"): (1.0 - 0.7) ** 2,
    ("rnn-equations", "lecture-state-step"): math.tanh(0.5 * 1 + 0.8 * 0.25),
    ("rnn-equations", "lecture-error-chain"): (1 - 2 * math.tanh(0.7)) ** 2,
    ("rnn-equations", "param-count-small"): _params(3, 4, 2),
    ("rnn-equations", "sum-loss"): sum([0.2, 0.5, 0.1, 0.4]),
    ("rnn-equations", "mean-loss"): sum([0.2, 0.5, 0.1, 0.4]) / 4,
    ("rnn-equations", "softmax-ce-component"): 0.7 - 1.0,
    # vanishing-exploding
    ("vanishing-exploding", "jacobian-count"): 10 - 3,
    ("vanishing-exploding", "half-to-the-tenth"): 0.5**10,
    ("vanishing-exploding", "growth-five-steps"): (1.5 * 0.9) ** 5,
    ("vanishing-exploding", "steps-to-one-percent"): next(
        k for k in range(1, 1000) if 0.9**k < 0.01
    ),
    ("vanishing-exploding", "gamma-sigmoid"): max(
        (1 / (1 + math.exp(-a))) * (1 - 1 / (1 + math.exp(-a)))
        for a in [i / 100 for i in range(-500, 501)]
    ),
    ("vanishing-exploding", "sigmoid-threshold"): 1 / 0.25,
    ("vanishing-exploding", "two-by-two-singular"): _largest_singular_2x2(0.6, 0.0, 0.0, -0.9),
    ("vanishing-exploding", "bound-twenty-steps"): (3.2 / 4) ** 20,
    # remedies: g1 = [3, 4], g2 = [12]
    ("remedies", "torch-global-component"): _global_clip([[3, 4], [12]], 1.0)[0][0],
    ("remedies", "torch-global-g2"): _global_clip([[3, 4], [12]], 1.0)[1][0],
    ("remedies", "torch-returns-total"): math.sqrt(3**2 + 4**2 + 12**2),
    ("remedies", "keras-clipnorm-g1"): _per_variable_clip([[3, 4], [12]], 1.0)[0][0],
    ("remedies", "keras-clipnorm-g2"): _per_variable_clip([[3, 4], [12]], 1.0)[1][0],
    ("remedies", "value-clip-example"): max(-0.5, min(0.5, 4.0)),
    ("remedies", "no-clip-large-max"): _global_clip([[3, 4], [12]], 20.0)[1][0],
    ("remedies", "sgd-after-clip"): 1.0 - 0.1 * _global_clip([[3, 4]], 1.0)[0][0],
    # bptt-cost
    ("bptt-cost", "per-step-madds"): 100 * 50 + 100 * 100 + 10 * 100,
    ("bptt-cost", "per-sequence-madds"): 200 * (100 * 50 + 100 * 100 + 10 * 100),
    ("bptt-cost", "stored-states-batch"): 32 * 200 * 100,
    ("bptt-cost", "time-scaling"): 400 / 100,
    ("bptt-cost", "param-count-cost"): _params(10, 20, 5),
    ("bptt-cost", "rtrl-ratio"): 100**4 / 100**2,
    ("bptt-cost", "rtrl-memory"): 100 * 100**2,
    ("bptt-cost", "tbptt-memory"): 50 * 128,
    ("bptt-cost", "tbptt-passes"): len(range(10, 101, 10)),
    # rnn-grundlagen
    ("rnn-grundlagen", "zustand-rechnen"): math.tanh(0.3 * 2 + 0.5 * 0.4),
    ("rnn-grundlagen", "zustand-start"): math.tanh(1.0 * 0.5 + 0.5 * 0.0),
    ("rnn-grundlagen", "quadratischer-fehler"): (1.0 - 0.6) ** 2,
    ("rnn-grundlagen", "many-to-many-summe"): 0.3 + 0.1 + 0.2,
    ("rnn-grundlagen", "many-to-one-wert"): 0.2,
    ("rnn-grundlagen", "parameterzahl"): _params(2, 3, 1),
    ("rnn-grundlagen", "halbe-hoch-zehn"): 0.5**10,
}


def _tanh_delta1_variant(transpose: bool = True, tanh_factor: bool = True) -> float:
    """bptt-matrix/tanh-delta1's second component, computed the wrong ways a learner might."""
    r2 = [1.0 * (0.5 if tanh_factor else 1.0), -2.0 * (0.8 if tanh_factor else 1.0)]
    w = [list(col) for col in zip(*_W_HH)] if transpose else _W_HH
    return _matvec(w, r2)[1]


# deck id / card id / mistake id -> the wrong method's value, each computed here from the card's
# own numbers by that wrong method (never copied from the YAML), so a mistake whose number is
# off, or whose method would be graded right, fails below.
MISTAKES: dict[tuple[str, str, str], float] = {
    # bptt-basics
    ("bptt-basics", "tanh-local-derivative", "not-squared"): 1 - 0.6,
    ("bptt-basics", "tanh-local-derivative", "tanh-applied-again"): 1 - math.tanh(0.6) ** 2,
    ("bptt-basics", "chain-product-scalar", "w-once"): 0.8 * math.prod((0.9, 0.5, 0.75)),
    ("bptt-basics", "chain-product-scalar", "derivatives-forgotten"): 0.8**3,
    ("bptt-basics", "chain-product-scalar", "w-forgotten"): math.prod((0.9, 0.5, 0.75)),
    ("bptt-basics", "accumulate-contributions", "last-step-only"): 0.30,
    ("bptt-basics", "accumulate-contributions", "sign-dropped"): 0.12 + 0.05 + 0.30,
    # only the k = 3 path: ∂E_3/∂y_3 · W_y · s_2 with s_2 = W_s·s_1 = 0.5 and ∂E_3/∂y_3 = 2·s_3
    ("bptt-basics", "lecture-de3-dws", "half"): _lecture_dE3_dWs() / 2,
    ("bptt-basics", "lecture-de3-dws", "sign-flipped"): -_lecture_dE3_dWs(),
    ("bptt-basics", "delta-two-steps", "one-step-back"): 0.5 * 2 * 0.8,
    ("bptt-basics", "delta-two-steps", "derivatives-forgotten"): 0.5 * 0.5 * 2,
    # bptt-cost
    ("bptt-cost", "per-step-madds", "output-forgotten"): 100 * 50 + 100 * 100,
    ("bptt-cost", "per-sequence-madds", "one-step"): 100 * 50 + 100 * 100 + 10 * 100,
    ("bptt-cost", "stored-states-batch", "batch-forgotten"): 200 * 100,
    ("bptt-cost", "time-scaling", "quadratic"): (400 / 100) ** 2,
    ("bptt-cost", "param-count-cost", "biases-forgotten"): _params(10, 20, 5) - 20 - 5,
    ("bptt-cost", "param-count-cost", "recurrent-forgotten"): _params(10, 20, 5) - 20 * 20,
    ("bptt-cost", "rtrl-ratio", "exponents-divided"): 4 / 2,
    ("bptt-cost", "rtrl-memory", "weights-only"): 100**2,
    ("bptt-cost", "tbptt-memory", "full-sequence"): 1000 * 128,
    ("bptt-cost", "tbptt-passes", "divided-by-k2"): 100 // 20,
    # bptt-matrix
    ("bptt-matrix", "two-unit-loss", "half-forgotten"): 2 * _two_unit_loss(),
    ("bptt-matrix", "two-unit-delta2", "sign-flipped"): -_two_unit_state_grad(2, 1),
    ("bptt-matrix", "two-unit-delta1", "not-transposed"): _matvec(_W_HH, [-0.2, 0.4])[0],
    ("bptt-matrix", "two-unit-dwhh", "wrong-state"): -0.2 * 0.8,  # δ_2[1] · h_2[2]
    ("bptt-matrix", "two-unit-dwhh", "transposed-entry"): _two_unit_weight_grad("hh", 1, 0),
    ("bptt-matrix", "two-unit-dwxh", "last-step-only"): _two_unit_state_grad(2, 1) * 1.0,
    ("bptt-matrix", "two-unit-dwhy", "wrong-state"): -0.2 * 1.0,  # g_2 · h_1[1]
    ("bptt-matrix", "two-unit-dwhy", "summed-over-steps"): -0.2 * (1.0 + 1.4),
    ("bptt-matrix", "two-unit-many-to-many", "output-term-forgotten"): _two_unit_state_grad(1, 0),
    ("bptt-matrix", "two-unit-many-to-many", "recurrent-term-forgotten"): _W_HY[0] * (0.0 - 0.5),
    ("bptt-matrix", "tanh-delta1", "tanh-derivative-forgotten"): _tanh_delta1_variant(
        tanh_factor=False
    ),
    ("bptt-matrix", "tanh-delta1", "not-transposed"): _tanh_delta1_variant(transpose=False),
    ("bptt-matrix", "outer-product-entry", "transposed-entry"): 0.5 * 3,
    # lecture example: s = (1, 2.5, 1.25), ∂E_3/∂y_3 = 3, W_y = 2, W_s = 0.5
    ("bptt-matrix", "lecture-de3-dwy", "summed-over-time"): 3 * (1 + 2.5 + 1.25),
    ("bptt-matrix", "lecture-de3-dwy", "sign-flipped"): -_fd(lambda v: _lecture_e3(w_y=v), 2.0),
    ("bptt-matrix", "lecture-de3-dwx", "only-k3"): 3 * 2 * 0.0,  # x_3 = 0
    ("bptt-matrix", "lecture-de3-dwx", "wy-forgotten"): _fd(lambda v: _lecture_e3(w_x=v), 1.0) / 2,
    ("bptt-matrix", "lecture-de3-dws-sum", "only-k3"): 3 * 2 * 2.5,
    ("bptt-matrix", "lecture-de3-dws-sum", "wy-forgotten"): _fd(lambda v: _lecture_e3(w_s=v), 0.5)
    / 2,
    ("bptt-matrix", "centred-excess", "divided-by-eps"): (2.01**3 - 1.99**3) / 0.01 - 12,
    ("bptt-matrix", "centred-excess", "forward-difference"): (2.01**3 - 2**3) / 0.01 - 12,
    ("bptt-matrix", "forward-excess", "centred-difference"): (2.01**3 - 1.99**3) / 0.02 - 12,
    ("bptt-matrix", "relative-error", "absolute-error"): abs(1.998 - 2.0),
    ("bptt-matrix", "check-evaluations", "one-per-parameter"): _params(10, 20, 5),
    # gated-cells
    ("gated-cells", "lstm-cell-step", "forget-gate-ignored"): 0.5 + 0.5 * 0.6,
    ("gated-cells", "lstm-hidden-step", "tanh-forgotten"): 0.9 * (0.8 * 0.5 + 0.5 * 0.6),
    ("gated-cells", "lstm-hidden-step", "output-gate-forgotten"): math.tanh(0.7),
    ("gated-cells", "forget-twenty-steps", "off-by-one"): _cell_path([0.95] * 19),
    ("gated-cells", "sigmoid-of-one", "exponent-sign"): _sigmoid(-1.0),
    ("gated-cells", "lstm-param-count", "one-bias"): 4 * (20 * 10 + 20 * 20 + 20),
    ("gated-cells", "lstm-param-count", "one-block"): _torch_style_params(10, 20),
    ("gated-cells", "gru-param-count", "one-bias"): 3 * (20 * 10 + 20 * 20 + 20),
    ("gated-cells", "gru-step", "z-swapped"): 0.25 * 0.8 + 0.75 * -0.4,
    ("gated-cells", "gru-candidate", "reset-ignored"): math.tanh(0.3 + 1.0 * 0.5),
    ("gated-cells", "gru-z-path", "one-minus-z"): (1 - 0.95) ** 10,
    # misconceptions
    ("misconceptions", "sum-vs-mean-gradient", "divided-by-t"): 0.5
    / _sum_over_mean_gradient_ratio(4),
    # remedies: g1 = [3, 4], g2 = [12]
    ("remedies", "torch-global-component", "per-variable"): _per_variable_clip([[3, 4]], 1.0)[0][0],
    ("remedies", "torch-global-component", "clipping-ignored"): 3,
    ("remedies", "torch-global-g2", "per-variable"): _per_variable_clip([[12]], 1.0)[0][0],
    ("remedies", "torch-global-g2", "clipping-ignored"): 12,
    ("remedies", "torch-returns-total", "norm-after"): math.sqrt(
        sum(v * v for g in _global_clip([[3, 4], [12]], 1.0) for v in g)
    ),
    ("remedies", "torch-returns-total", "g1-only"): math.hypot(3, 4),
    ("remedies", "keras-clipnorm-g1", "global-norm"): _global_clip([[3, 4], [12]], 1.0)[0][0],
    ("remedies", "keras-clipnorm-g2", "global-norm"): _global_clip([[3, 4], [12]], 1.0)[1][0],
    ("remedies", "value-clip-example", "clipping-ignored"): 4,
    ("remedies", "value-clip-example", "norm-clipped"): _global_clip([[3, 4], [12]], 0.5)[0][1],
    ("remedies", "no-clip-large-max", "scaled-anyway"): 12 * 20 / math.sqrt(3**2 + 4**2 + 12**2),
    ("remedies", "sgd-after-clip", "clipping-ignored"): 1.0 - 0.1 * 3,
    ("remedies", "sgd-after-clip", "wrong-sign"): 1.0 + 0.1 * _global_clip([[3, 4]], 1.0)[0][0],
    ("remedies", "value-clip-inside", "clipping-ignored"): math.sqrt(
        sum(v * v for v in (0.5, -3.0, 1.5))
    ),
    ("remedies", "value-clip-inside", "norm-clipped"): math.sqrt(
        sum(v * v for v in _global_clip([[0.5, -3.0, 1.5]], 2.0)[0])
    ),
    # rnn-equations
    ("rnn-equations", "lecture-error", "not-squared"): 1.0 - 0.7,
    ("rnn-equations", "lecture-state-step", "tanh-forgotten"): 0.5 * 1 + 0.8 * 0.25,
    ("rnn-equations", "lecture-state-step", "sigmoid-used"): _sigmoid(0.5 * 1 + 0.8 * 0.25),
    ("rnn-equations", "lecture-error-chain", "wy-forgotten"): (1 - math.tanh(0.7)) ** 2,
    ("rnn-equations", "lecture-error-chain", "tanh-forgotten"): (1 - 2 * 0.7) ** 2,
    ("rnn-equations", "param-count-small", "biases-forgotten"): 4 * 3 + 4 * 4 + 2 * 4,
    ("rnn-equations", "sum-loss", "mean-instead"): sum([0.2, 0.5, 0.1, 0.4]) / 4,
    ("rnn-equations", "mean-loss", "sum-instead"): sum([0.2, 0.5, 0.1, 0.4]),
    ("rnn-equations", "mean-loss", "divided-by-t-minus-1"): sum([0.2, 0.5, 0.1, 0.4]) / 3,
    ("rnn-equations", "softmax-ce-component", "sign-flipped"): 1.0 - 0.7,
    ("rnn-equations", "softmax-ce-component", "probability-only"): 0.7,
    ("rnn-equations", "torch-rnn-params", "one-bias"): 20 * 10 + 20 * 20 + 20,
    # rnn-grundlagen
    ("rnn-grundlagen", "zustand-rechnen", "tanh-vergessen"): 0.3 * 2 + 0.5 * 0.4,
    ("rnn-grundlagen", "zustand-rechnen", "sigmoid-statt-tanh"): _sigmoid(0.3 * 2 + 0.5 * 0.4),
    ("rnn-grundlagen", "zustand-start", "tanh-vergessen"): 1.0 * 0.5 + 0.5 * 0.0,
    ("rnn-grundlagen", "quadratischer-fehler", "nicht-quadriert"): 1.0 - 0.6,
    ("rnn-grundlagen", "many-to-many-summe", "mittelwert-statt-summe"): (0.3 + 0.1 + 0.2) / 3,
    ("rnn-grundlagen", "many-to-one-wert", "alle-schritte-summiert"): 0.3 + 0.1 + 0.2,
    ("rnn-grundlagen", "parameterzahl", "bias-vergessen"): 3 * 2 + 3 * 3 + 1 * 3,
    ("rnn-grundlagen", "halbe-hoch-zehn", "ein-faktor-zu-wenig"): 0.5**9,
    ("rnn-grundlagen", "lstm-zelle-rechnen", "vergessensgate-ignoriert"): 2.0 + 0.5 * -0.4,
    ("rnn-grundlagen", "lstm-zelle-rechnen", "vorzeichen-von-g"): 0.9 * 2.0 + 0.5 * 0.4,
    ("rnn-grundlagen", "vergessen-zehn-schritte", "ein-faktor-zu-wenig"): _cell_path([0.9] * 9),
    ("rnn-grundlagen", "mittelwert-rechnen", "summe-statt-mittelwert"): sum([0.8, 0.4, 0.6, 0.2]),
    ("rnn-grundlagen", "mittelwert-rechnen", "durch-t-minus-1"): sum([0.8, 0.4, 0.6, 0.2]) / 3,
    ("rnn-grundlagen", "clip-norm-rechnen", "clipping-ignoriert"): 6,
    ("rnn-grundlagen", "clip-norm-rechnen", "wurzel-vergessen"): 6 * 5 / (6**2 + 8**2),
    ("rnn-grundlagen", "zentrale-differenz", "vorwaertsdifferenz"): (3.1**2 - 3**2) / 0.1,
    ("rnn-grundlagen", "zentrale-differenz", "durch-epsilon"): (3.1**2 - 2.9**2) / 0.1,
    # training-practice
    ("training-practice", "inf-norm-total", "two-norm"): math.sqrt(3**2 + 5**2 + 2**2),
    ("training-practice", "inf-norm-clipped", "two-norm"): _global_clip([[3, -5], [2]], 2.0)[0][0],
    ("training-practice", "inf-norm-clipped", "clipping-ignored"): 3,
    ("training-practice", "threshold-from-average", "smallest"): 0.5 * 2.0,
    ("training-practice", "masked-mean", "padding-counted"): 4.0 / 10,
    ("training-practice", "checkpoint-memory", "full-bptt"): 400,
    ("training-practice", "checkpoint-best-k", "memory-not-k"): min(
        900 / k + k for k in range(1, 901)
    ),
    ("training-practice", "stacked-params", "layers-alike"): 2 * _torch_style_params(10, 20),
    ("training-practice", "bidir-params", "one-direction"): _torch_style_params(10, 20),
    ("training-practice", "hn-rows", "directions-forgotten"): 3,
    ("training-practice", "random-truncation-weight", "probability-not-inverse"): 0.25,
    # vanishing-exploding
    ("vanishing-exploding", "jacobian-count", "off-by-one"): len(range(3, 11)),
    ("vanishing-exploding", "half-to-the-tenth", "off-by-one"): 0.5**9,
    ("vanishing-exploding", "growth-five-steps", "derivative-forgotten"): 1.5**5,
    ("vanishing-exploding", "growth-five-steps", "off-by-one"): (1.5 * 0.9) ** 4,
    ("vanishing-exploding", "steps-to-one-percent", "rounded-down"): math.floor(
        math.log(0.01) / math.log(0.9)
    ),
    ("vanishing-exploding", "gamma-sigmoid", "sigmoid-value"): _sigmoid(0.0),
    ("vanishing-exploding", "sigmoid-threshold", "tanh-threshold"): 1 / 1.0,
    ("vanishing-exploding", "sigmoid-threshold", "gamma-itself"): 0.25,
    ("vanishing-exploding", "two-by-two-singular", "negative"): -0.9,  # the eigenvalue of [0, −0.9]
    ("vanishing-exploding", "bound-twenty-steps", "gamma-forgotten"): 3.2**20,
    ("vanishing-exploding", "bound-twenty-steps", "off-by-one"): (3.2 / 4) ** 19,
    ("vanishing-exploding", "sigmoid-derivative-half", "tanh-derivative"): 1 - 0.9**2,
    ("vanishing-exploding", "sigmoid-derivative-half", "bound-instead"): _fd(_sigmoid, 0.0),
    ("vanishing-exploding", "linear-power-eigen", "off-by-one"): 1.2**9,
}


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


DECKS = {p.name: _load(p) for p in DECK_FILES}


def _all_cards():
    for name, deck in DECKS.items():
        for card in deck["cards"]:
            yield name, deck, card


def _within(value: float, expected: float, tol: dict | None) -> bool:
    tol = tol or {}
    if tol.get("sigfigs"):
        digits = int(tol["sigfigs"])
        if expected == 0:
            return value == 0
        scale = 10 ** (math.floor(math.log10(abs(expected))) - digits + 1)
        return round(value / scale) == round(expected / scale)
    rtol = tol.get("rtol", 1e-2) if tol.get("rtol") is not None else 1e-2
    atol = tol.get("atol", 1e-8) if tol.get("atol") is not None else 1e-8
    return abs(value - expected) <= atol + rtol * abs(expected)


def test_at_least_nine_decks_with_unique_ids():
    assert len(DECK_FILES) >= 9
    ids = [d["id"] for d in DECKS.values()]
    assert len(ids) == len(set(ids))
    for name, deck in DECKS.items():
        assert name == f"{deck['id']}.yaml", f"{name}: file name should match the deck id"


def test_expected_decks_present():
    ids = {d["id"] for d in DECKS.values()}
    assert {
        "bptt-basics",
        "rnn-equations",
        "vanishing-exploding",
        "remedies",
        "bptt-cost",
        "misconceptions",
        "rnn-grundlagen",
        "gated-cells",
        "bptt-matrix",
        "training-practice",
    } <= ids


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_first_line_is_schema_comment(path: Path):
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_safe_yaml_only(path: Path):
    # no tags, anchors or aliases: the bundled decks are plain data
    for event in yaml.parse(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader):
        assert not isinstance(event, yaml.AliasEvent), (
            f"{path.name}: aliases are not used in bundled decks"
        )
        assert getattr(event, "anchor", None) is None, (
            f"{path.name}: anchors are not used in bundled decks"
        )
        assert getattr(event, "tag", None) is None, (
            f"{path.name}: explicit YAML tags are not allowed"
        )


def test_deck_header_fields():
    for name, deck in DECKS.items():
        assert deck.get("version", 1) == 1, name
        assert isinstance(deck["title"], str) and deck["title"].strip(), name
        assert deck["language"] in {"en", "de"}, name


def test_german_deck_is_german():
    deck = next(d for d in DECKS.values() if d["id"] == "rnn-grundlagen")
    assert deck["language"] == "de"
    assert any(w in deck["notes"] for w in ("verborgene", "Gewichtsmatrizen", "Zeitschritt"))
    others = [d for d in DECKS.values() if d["id"] != "rnn-grundlagen"]
    assert all(d["language"] == "en" for d in others)


def test_german_deck_covers_source_002_topics():
    deck = next(d for d in DECKS.values() if d["id"] == "rnn-grundlagen")
    text = deck["notes"] + " ".join(yaml.safe_dump(c, allow_unicode=True) for c in deck["cards"])
    for topic in (
        "MLP",
        "W_s",
        "tanh",
        "Sigmoid",
        "ReLU",
        "many-to-one",
        "many-to-many",
        "BPTT",
        "LSTM",
        "verschwinden",
        "explodier",
    ):
        assert topic in text, topic


@pytest.mark.parametrize("name", sorted(DECKS))
def test_notes_are_substantive(name: str):
    notes = DECKS[name]["notes"]
    assert isinstance(notes, str)
    assert len(notes) > 400
    assert notes.count("\n\n") >= 4, "several paragraphs"


def test_card_counts_and_types():
    cards = [c for _, _, c in _all_cards()]
    assert len(cards) >= 320
    types = Counter(c["type"] for c in cards)
    assert set(types) == CARD_TYPES, types
    for t in CARD_TYPES:
        assert types[t] >= 3, f"several {t} cards expected, found {types[t]}"
    assert types["generated"] >= 12


def test_card_ids_unique_within_each_deck():
    for name, deck in DECKS.items():
        ids = [c["id"] for c in deck["cards"]]
        dupes = [i for i, n in Counter(ids).items() if n > 1]
        assert not dupes, f"{name}: duplicate ids {dupes}"
        for i in ids:
            assert (
                isinstance(i, str)
                and i
                and all(ch.isdigit() or "a" <= ch <= "z" or ch == "-" for ch in i)
            ), i


def test_card_ids_unique_across_decks():
    # not required by the format (progress is keyed by deck id + card id) but keeps references clear
    ids = [c["id"] for _, _, c in _all_cards()]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_every_card_has_explanation_and_source():
    for name, _, card in _all_cards():
        where = f"{name}:{card['id']}"
        assert card["type"] in CARD_TYPES, where
        assert isinstance(card.get("explanation"), str) and card["explanation"].strip(), where
        assert isinstance(card.get("source"), str) and card["source"].strip(), where
        assert "FACTS" not in card["source"], (
            f"{where}: cite the original source, not the fact sheet"
        )
        assert isinstance(card.get("tags", []), list), where


def test_card_fields_well_formed():
    for name, _, card in _all_cards():
        where = f"{name}:{card['id']}"
        t = card["type"]
        missing = REQUIRED_FIELDS[t] - set(card)
        assert not missing, f"{where}: missing {missing}"
        for key in ("prompt", "front", "back", "statement"):
            if key in card:
                assert isinstance(card[key], str) and card[key].strip(), f"{where}: {key}"
        if t == "choice":
            opts = card["options"]
            assert all(isinstance(o, str) for o in opts) and len(opts) >= 2, where
            assert len(set(opts)) == len(opts), where
            assert isinstance(card["answer"], int) and 0 <= card["answer"] < len(opts), where
        elif t == "multi":
            opts, ans = card["options"], card["answers"]
            assert all(isinstance(o, str) for o in opts) and len(opts) >= 3, where
            assert ans and all(isinstance(a, int) and 0 <= a < len(opts) for a in ans), where
            assert len(set(ans)) == len(ans) and len(ans) < len(opts), where
        elif t == "true_false":
            assert isinstance(card["answer"], bool), where
        elif t == "order":
            items = card["items"]
            assert len(items) >= 3 and all(isinstance(i, str) for i in items), where
            assert len(set(items)) == len(items), where
        elif t == "numeric":
            assert isinstance(card["answer"], (int, float)) and not isinstance(
                card["answer"], bool
            ), where
            assert math.isfinite(card["answer"]), where
            tol = card.get("tolerance")
            assert tol is not None, f"{where}: give an explicit tolerance"
            assert set(tol) <= {"rtol", "atol", "sigfigs"}, where
        elif t == "text":
            answers = card["answers"]
            assert answers and all(isinstance(a, str) and a.strip() for a in answers), where
            assert card.get("match", "casefold") in {"exact", "casefold", "fuzzy"}, where
        elif t == "generated":
            assert isinstance(card["generator"], str), where
            assert isinstance(card.get("params", {}), dict), where


def test_true_false_answers_not_all_the_same():
    answers = [c["answer"] for _, _, c in _all_cards() if c["type"] == "true_false"]
    assert 0.2 < sum(answers) / len(answers) < 0.8


def test_choice_answers_spread_over_positions():
    # choices are shown in the authored order, so the right answer must not sit in one place
    positions = Counter(c["answer"] for _, _, c in _all_cards() if c["type"] == "choice")
    total = sum(positions.values())
    assert len(positions) >= 3
    assert max(positions.values()) < 0.5 * total, positions
    multi_first = [c["answers"][0] == 0 for _, _, c in _all_cards() if c["type"] == "multi"]
    assert sum(multi_first) < len(multi_first)


def test_explanations_do_not_point_at_option_positions():
    # option order is the author's and may change; an explanation must name the option, not its place
    import re

    pattern = re.compile(
        r"\b(first|second|third|fourth|last|other) (two |three )?(option|answer|choice)s?\b|\boption [a-d1-6]\b",
        re.IGNORECASE,
    )
    for name, _, card in _all_cards():
        if card["type"] in ("choice", "multi"):
            assert not pattern.search(card["explanation"]), f"{name}:{card['id']}"


def test_every_numeric_card_is_rederived():
    seen = set()
    for _name, deck, card in _all_cards():
        if card["type"] != "numeric":
            continue
        key = (deck["id"], card["id"])
        assert key in EXPECTED, f"{key}: add an independent derivation to EXPECTED"
        seen.add(key)
        expected = EXPECTED[key]
        assert _within(card["answer"], expected, card.get("tolerance")), (
            f"{key}: deck says {card['answer']}, independent computation gives {expected}"
        )
        # the tolerance must not be so loose that a clearly wrong answer passes
        assert not _within(expected * 1.1 + 0.1, expected, card.get("tolerance")), (
            f"{key}: tolerance too loose"
        )
    assert seen == set(EXPECTED), f"stale entries: {set(EXPECTED) - seen}"


def _declared_mistakes():
    for _name, deck, card in _all_cards():
        for mistake in card.get("mistakes") or []:
            yield deck, card, mistake


def test_mistakes_are_well_formed():
    for _name, deck, card in _all_cards():
        mistakes = card.get("mistakes")
        if mistakes is None:
            continue
        where = f"{deck['id']}:{card['id']}"
        assert card["type"] == "numeric", f"{where}: only numeric cards declare mistakes"
        assert isinstance(mistakes, list) and mistakes, where
        ids = [m["id"] for m in mistakes]
        assert len(ids) == len(set(ids)), f"{where}: mistake ids repeat"
        for m in mistakes:
            assert set(m) == {"id", "answer", "feedback"}, f"{where}: {m}"
            assert isinstance(m["answer"], (int, float)) and not isinstance(m["answer"], bool)
            assert math.isfinite(m["answer"]), where
            # feedback names the mistake and says the fix: "that is …; do …"
            assert isinstance(m["feedback"], str) and len(m["feedback"]) >= 25, where
            assert ";" in m["feedback"] or ":" in m["feedback"], f"{where}: {m['feedback']}"


def test_every_declared_mistake_is_rederived_and_graded_wrong():
    seen = set()
    for deck, card, mistake in _declared_mistakes():
        key = (deck["id"], card["id"], mistake["id"])
        assert key in MISTAKES, f"{key}: add the wrong method's own formula to MISTAKES"
        seen.add(key)
        wrong = MISTAKES[key]
        # the YAML number is the value the wrong method gives...
        assert math.isclose(mistake["answer"], wrong, rel_tol=1e-5, abs_tol=1e-9), (
            f"{key}: deck says {mistake['answer']}, the wrong method gives {wrong}"
        )
        # ...and that value is graded wrong, seen from either side
        right = EXPECTED[(deck["id"], card["id"])]
        tol = card.get("tolerance")
        assert not _within(wrong, right, tol), f"{key}: {wrong} would be graded right"
        assert not _within(right, wrong, tol), f"{key}: the right answer would match the mistake"
    assert seen == set(MISTAKES), f"stale entries: {set(MISTAKES) - seen}"


def test_mistakes_of_one_card_are_told_apart():
    # a learner's answer must name one mistake, not whichever of two overlapping ones comes first
    for _name, deck, card in _all_cards():
        mistakes = card.get("mistakes") or []
        for i, a in enumerate(mistakes):
            for b in mistakes[i + 1 :]:
                where = f"{deck['id']}:{card['id']}: {a['id']} / {b['id']}"
                assert not _within(a["answer"], b["answer"], card.get("tolerance")), where
                assert not _within(b["answer"], a["answer"], card.get("tolerance")), where


def test_most_static_numeric_cards_name_their_mistakes():
    numeric = [c for _, _, c in _all_cards() if c["type"] == "numeric"]
    with_mistakes = [c for c in numeric if c.get("mistakes")]
    assert len(with_mistakes) * 2 >= len(numeric), (len(with_mistakes), len(numeric))
    german = [c for c in with_mistakes if c in DECKS["rnn-grundlagen.yaml"]["cards"]]
    assert german, "the German deck's numeric cards name mistakes too"
    for card in german:  # in the deck's language
        assert all(m["feedback"].startswith(("das ", "da ")) for m in card["mistakes"]), card["id"]


def test_worked_clipping_example_matches_facts():
    # FACTS §3: global → [0.2308, 0.3077], [0.9231]; per variable → [0.6, 0.8], [1.0]
    g = _global_clip([[3, 4], [12]], 1.0)
    assert [round(v, 4) for v in g[0] + g[1]] == [0.2308, 0.3077, 0.9231]
    k = _per_variable_clip([[3, 4], [12]], 1.0)
    assert [round(v, 4) for v in k[0] + k[1]] == [0.6, 0.8, 1.0]
    assert _global_clip([[3, 4], [12]], 20.0) == [[3, 4], [12]]


def test_generated_cards():
    generated = [(name, c) for name, _, c in _all_cards() if c["type"] == "generated"]
    assert len(generated) >= 12
    used = {c["generator"] for _, c in generated}
    assert set(PINNED_GENERATORS) <= used, (
        f"unused pinned generators: {set(PINNED_GENERATORS) - used}"
    )
    for name, card in generated:
        params = card.get("params") or {}
        if card["generator"] in PINNED_GENERATORS:
            extra = set(params) - PINNED_GENERATORS[card["generator"]]
            assert not extra, f"{name}:{card['id']}: unknown params {extra}"
        if "reduction" in params:
            assert params["reduction"] in {"sum", "mean"}
        if "activation_derivatives" in params:
            assert all(0 < d <= 1 for d in params["activation_derivatives"])
    # most generated cards leave the numbers to the generator, so each review is a fresh variant
    open_ended = [c for _, c in generated if len(c.get("params") or {}) <= 1]
    assert len(open_ended) * 2 > len(generated)


def test_generated_cards_known_to_engine():
    from engine.generators import GENERATORS, validate_params

    for name, _, card in _all_cards():
        if card["type"] != "generated":
            continue
        assert card["generator"] in GENERATORS, (
            f"{name}:{card['id']}: unknown generator {card['generator']}"
        )
        validate_params(card["generator"], card.get("params") or {})


# generated cards whose params fix the whole question -> the answer, computed here by hand.
# Issue 14 replaced the three that repeated static cards; none is left, and the test below makes
# sure a new one cannot slip in without an independent answer here.
FIXED_GENERATED: dict[tuple[str, str], float] = {}


def test_fixed_generated_cards_give_the_right_answer():
    from engine import generators

    fixed = set()
    for _name, deck, card in _all_cards():
        if card["type"] != "generated":
            continue
        params = card.get("params") or {}
        answers = {  # the same question (not only the same option index) from every seed
            (q.prompt, q.answer)
            for q in (
                generators.generate(card["generator"], seed=seed, params=params)
                for seed in (0, 1, 7)
            )
        }
        if len(answers) == 1:
            fixed.add((deck["id"], card["id"]))
    assert fixed == set(FIXED_GENERATED), f"fixed generated cards without a hand answer: {fixed}"
    by_key = {(d["id"], c["id"]): c for _, d, c in _all_cards()}
    for key, expected in FIXED_GENERATED.items():
        card = by_key[key]
        q = generators.generate(card["generator"], seed=0, params=card.get("params") or {})
        assert abs(q.answer - expected) <= 1e-3 * abs(expected), (key, q.answer, expected)


def test_torch_agrees_on_parameter_counts():
    """The hand formula _torch_style_params against torch itself, where it is installed."""
    torch = pytest.importorskip("torch")

    def count(module) -> int:
        return sum(p.numel() for p in module.parameters())

    assert count(torch.nn.RNN(10, 20)) == _torch_style_params(10, 20)
    assert count(torch.nn.LSTM(10, 20)) == _torch_style_params(10, 20, blocks=4)
    assert count(torch.nn.GRU(10, 20)) == _torch_style_params(10, 20, blocks=3)
    assert count(torch.nn.RNN(10, 20, num_layers=2)) == _torch_style_params(10, 20, layers=2)
    assert count(torch.nn.RNN(10, 20, bidirectional=True)) == _torch_style_params(
        10, 20, directions=2
    )
    gru = torch.nn.GRU(8, 16, num_layers=3, bidirectional=True)
    _, h_n = gru(torch.zeros(5, 1, 8))
    assert h_n.shape[0] == EXPECTED[("training-practice", "hn-rows")]


def test_torch_agrees_on_inf_norm_clipping():
    torch = pytest.importorskip("torch")
    g1 = torch.nn.Parameter(torch.zeros(2))
    g2 = torch.nn.Parameter(torch.zeros(1))
    g1.grad = torch.tensor([3.0, -5.0])
    g2.grad = torch.tensor([2.0])
    total = torch.nn.utils.clip_grad_norm_([g1, g2], max_norm=2.0, norm_type=float("inf"))
    assert float(total) == pytest.approx(EXPECTED[("training-practice", "inf-norm-total")])
    assert float(g1.grad[0]) == pytest.approx(
        EXPECTED[("training-practice", "inf-norm-clipped")], rel=1e-5
    )


def test_torch_agrees_on_gated_cells():
    """LSTM and GRU step formulas of the gated-cells cards against torch's cells: weights zero,
    biases set so the gates take the cards' values."""
    torch = pytest.importorskip("torch")

    def logit(p: float) -> float:
        return math.log(p / (1 - p))

    lstm = torch.nn.LSTMCell(1, 1)
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()
        # order i, f, g, o
        lstm.bias_ih.copy_(torch.tensor([logit(0.5), logit(0.8), math.atanh(0.6), logit(0.9)]))
    with torch.no_grad():
        h, c = lstm(torch.zeros(1, 1), (torch.zeros(1, 1), torch.tensor([[0.5]])))
    assert float(c) == pytest.approx(EXPECTED[("gated-cells", "lstm-cell-step")], rel=1e-5)
    assert float(h) == pytest.approx(EXPECTED[("gated-cells", "lstm-hidden-step")], rel=1e-5)

    gru = torch.nn.GRUCell(1, 1)
    with torch.no_grad():
        for p in gru.parameters():
            p.zero_()
        # order r, z, n: r = 0.4, z = 0.25; W_in x + b_in = 0.3; W_hn h + b_hn = 0.5 (via b_hn)
        gru.bias_ih.copy_(torch.tensor([logit(0.4), logit(0.25), 0.3]))
        gru.bias_hh.copy_(torch.tensor([0.0, 0.0, 0.5]))
    h_prev = torch.tensor([[-0.4]])
    with torch.no_grad():
        h = gru(torch.zeros(1, 1), h_prev)
    n = EXPECTED[("gated-cells", "gru-candidate")]
    assert float(h) == pytest.approx(0.75 * n + 0.25 * -0.4, rel=1e-5)


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_app_loader_accepts_deck(path: Path):
    from studyrnn.decks import load_deck

    deck = load_deck(path)
    raw = DECKS[path.name]
    assert deck.id == raw["id"]
    assert deck.language == raw["language"]
    assert len(deck.cards) == len(raw["cards"])
