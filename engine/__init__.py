"""Pure NumPy RNN engine: forward, BPTT, losses, clipping, initialisers, optimisers, toy tasks,
training and diagnostics. Imports only NumPy (the numeric question generators live in
`engine.generators` and are imported on demand, not here).

The pinned contract (shared/DESIGN.md):

    p = RNNParams(W_xh, W_hh, b_h, W_hy, b_y, activation="tanh")   # (H,D) (H,H) (H,) (O,H) (O,)
    p = init_rnn(input_size, hidden_size, output_size, activation="tanh", init="xavier", seed=0)
    p = init_rnn(D, H, O, cell="lstm" | "gru", seed=0)   # LSTMParams / GRUParams:
        # W_ih (G·H, D) W_hh (G·H, H) b_ih (G·H,) b_hh (G·H,) W_hy (O, H) b_y (O,), torch's layout
    loss, grads = loss_and_grads(p, xs, targets, loss="squared_error", reduction="mean",
                                 truncate=None, h0=None)             # xs (T, B, D)
    clipped, total_norm = clip_grad_norm(grads, max_norm)
    clipped = clip_grad_value(grads, clip_value)

Beyond the contract: `loss_and_grads(..., many_to_one=True)` puts the loss on the last step
only (targets (B, O) or (B,)); `bptt(...)` returns a BPTTResult with ∂L/∂h_t for every step
(`dh`, (T, B, H)); `forward`/`backward` are the two halves; `train(params, task, steps, ...)`
runs a seeded loop with clipping, truncate=k or tbptt=(k1, k2), `on_step` and `should_stop`.
"""

from . import diagnostics, gradcheck, gru, lstm, tasks
from .clipping import clip_grad_norm, clip_grad_norm_per_array, clip_grad_value, global_norm
from .gradcheck import GradCheck, grad_check
from .init import init_rnn, largest_singular_value, orthogonal, rescale_recurrent, spectral_radius
from .losses import cross_entropy, squared_error
from .optim import SGD, Adam, Momentum, make_optimizer
from .params import ACTIVATIONS, CELLS, GRUParams, LSTMParams, Params, RNNParams
from .rnn import (
    Backward,
    BPTTResult,
    Trace,
    backward,
    bptt,
    forward,
    loss_and_grads,
    loss_value,
    predict,
)
from .tasks import TaskBatch, adding_problem, copy_task, sine_prediction
from .training import StepRecord, TrainResult, train

__all__ = [
    "ACTIVATIONS",
    "Adam",
    "BPTTResult",
    "Backward",
    "CELLS",
    "GRUParams",
    "GradCheck",
    "LSTMParams",
    "Momentum",
    "Params",
    "RNNParams",
    "SGD",
    "StepRecord",
    "TaskBatch",
    "Trace",
    "TrainResult",
    "adding_problem",
    "backward",
    "bptt",
    "clip_grad_norm",
    "clip_grad_norm_per_array",
    "clip_grad_value",
    "copy_task",
    "cross_entropy",
    "diagnostics",
    "forward",
    "global_norm",
    "grad_check",
    "gradcheck",
    "gru",
    "init_rnn",
    "largest_singular_value",
    "loss_and_grads",
    "loss_value",
    "lstm",
    "make_optimizer",
    "orthogonal",
    "predict",
    "rescale_recurrent",
    "sine_prediction",
    "spectral_radius",
    "squared_error",
    "tasks",
    "train",
]
