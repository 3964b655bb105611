"""Time engine.loss_and_grads against torch eager autograd on the same RNN, LSTM and GRU.

    .venv/bin/python benchmarks/bench_engine.py [--repeat N] [--sizes T,B,D,H,O ...]
        [--cells rnn lstm gru]

Both sides: CPU, float64, one thread, tanh, squared error with mean reduction, h_0 = 0. The
torch side is the explicit loop a PyTorch user writes: h = tanh(x_t W_xhᵀ + h W_hhᵀ + b_h),
outputs stacked, mse_loss, .backward(). Each measurement is the best of `repeat` timeit rounds
of enough calls to last ~20 ms (the minimum is the least disturbed by other processes), with
the two sides' rounds alternating.
Goal (issue 2): ours/torch ≤ 0.5 at the first four sizes, ≤ 1.0 at the last.

LSTM and GRU (issue 15): the torch side is torch.nn.LSTM / torch.nn.GRU (its own C++ time loop)
+ the same read-out y = W_hy h + b_y + mse_loss + .backward(), with the engine's weights.
Goal: ours/torch ≤ 0.5 at the first three gated sizes, ≤ 1.0 at the last.
"""

from __future__ import annotations

import os

# One thread for NumPy's BLAS: set before numpy is imported anywhere.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import timeit  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import engine  # noqa: E402

SIZES = [
    (4, 1, 1, 1, 1),
    (10, 1, 2, 4, 1),
    (20, 4, 3, 8, 2),
    (50, 16, 10, 32, 10),
    (100, 32, 64, 128, 64),
]
GOALS = [0.5, 0.5, 0.5, 0.5, 1.0]
GATED_SIZES = [
    (10, 1, 2, 4, 1),
    (20, 4, 3, 8, 2),
    (50, 16, 10, 32, 10),
    (100, 32, 64, 128, 64),
]
GATED_GOALS = [0.5, 0.5, 0.5, 1.0]


def best_times(fns, repeat: int) -> list[float]:
    """Seconds per call for each fn: the best of `repeat` rounds, each ~20 ms long. Rounds of
    the competitors alternate, so a burst of load from other processes hits both alike."""
    timers = [timeit.Timer(fn) for fn in fns]
    numbers = [max(1, t.autorange()[0] // 10) for t in timers]  # autorange aims at 0.2 s
    best = [math.inf] * len(fns)
    for _ in range(repeat):
        for i, (timer, number) in enumerate(zip(timers, numbers)):
            best[i] = min(best[i], timer.timeit(number) / number)
    return best


def make_problem(T, B, D, H, O, seed=0, cell="rnn"):
    rng = np.random.default_rng(seed)
    p = engine.init_rnn(D, H, O, seed=seed, cell=cell)
    xs = rng.normal(size=(T, B, D))
    targets = rng.normal(size=(T, B, O))
    return p, xs, targets


def torch_step(torch, p, xs, targets):
    """A closure doing one forward + backward in torch eager mode (leaf weights, fresh graph)."""
    F = torch.nn.functional
    W_xh, W_hh, b_h, W_hy, b_y = (torch.tensor(a, requires_grad=True) for a in p.arrays())
    params = (W_xh, W_hh, b_h, W_hy, b_y)
    x = torch.tensor(xs)
    d = torch.tensor(targets)
    T, B, _ = xs.shape
    h0 = torch.zeros(B, p.hidden_size, dtype=torch.float64)

    def step():
        for w in params:
            w.grad = None
        h = h0
        hs = []
        for t in range(T):
            h = torch.tanh(x[t] @ W_xh.T + h @ W_hh.T + b_h)
            hs.append(h)
        y = torch.stack(hs) @ W_hy.T + b_y
        loss = F.mse_loss(y, d)
        loss.backward()
        return loss

    return step


def torch_gated_step(torch, p, xs, targets):
    """One forward + backward of torch.nn.LSTM / nn.GRU + read-out + mse_loss (eager)."""
    F = torch.nn.functional
    module = torch.nn.LSTM if isinstance(p, engine.LSTMParams) else torch.nn.GRU
    rnn = module(p.input_size, p.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(p.W_ih))
        rnn.weight_hh_l0.copy_(torch.tensor(p.W_hh))
        rnn.bias_ih_l0.copy_(torch.tensor(p.b_ih))
        rnn.bias_hh_l0.copy_(torch.tensor(p.b_hh))
    W_hy = torch.tensor(p.W_hy, requires_grad=True)
    b_y = torch.tensor(p.b_y, requires_grad=True)
    params = list(rnn.parameters()) + [W_hy, b_y]
    x = torch.tensor(xs)
    d = torch.tensor(targets)

    def step():
        for w in params:
            w.grad = None
        out, _ = rnn(x)
        loss = F.mse_loss(out @ W_hy.T + b_y, d)
        loss.backward()
        return loss

    return step


def run_table(torch, cell, sizes, goals, repeat) -> bool:
    """Print one table (engine vs torch per size) for `cell`; True when every goal is met."""
    print(f"\n{cell.upper()}")
    head = f"{'T':>4} {'B':>3} {'D':>3} {'H':>4} {'O':>3} | {'engine':>10} | {'torch':>10} | {'ratio':>6} | goal"
    print(head)
    print("-" * len(head))
    ok = True
    for (T, B, D, H, O), goal in zip(sizes, goals):
        p, xs, targets = make_problem(T, B, D, H, O, cell=cell)
        ours_fn = lambda p=p, xs=xs, targets=targets: engine.loss_and_grads(p, xs, targets)  # noqa: E731
        if torch is None:
            (ours,) = best_times([ours_fn], repeat)
            print(f"{T:>4} {B:>3} {D:>3} {H:>4} {O:>3} | {ours * 1e6:>8.1f}µs |")
            continue
        step = (torch_step if cell == "rnn" else torch_gated_step)(torch, p, xs, targets)
        # Same numbers on both sides, or the timing compares different work.
        loss, _ = engine.loss_and_grads(p, xs, targets)
        assert abs(step().item() - loss) <= 1e-10 * max(1.0, abs(loss))
        ours, theirs = best_times([ours_fn, step], repeat)
        ratio = ours / theirs
        verdict = "" if goal is None else ("ok" if ratio <= goal else "MISSED") + f" (≤ {goal})"
        ok &= goal is None or ratio <= goal
        print(
            f"{T:>4} {B:>3} {D:>3} {H:>4} {O:>3} | {ours * 1e6:>8.1f}µs | {theirs * 1e6:>8.1f}µs | {ratio:>6.3f} | {verdict}"
        )
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--repeat", type=int, default=7, help="timeit rounds per measurement (best is kept)"
    )
    ap.add_argument("--sizes", nargs="*", help="T,B,D,H,O tuples (default: the issues' sizes)")
    ap.add_argument(
        "--cells", nargs="*", default=list(engine.CELLS), choices=engine.CELLS, help="cells to time"
    )
    args = ap.parse_args(argv)
    custom = [tuple(int(v) for v in s.split(",")) for s in args.sizes] if args.sizes else None
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed (pip install '.[bench]'): timing the engine alone")
    else:
        torch.set_num_threads(1)

    print(
        f"numpy {np.__version__}"
        + (f", torch {torch.__version__}" if torch else "")
        + ", float64, 1 thread"
    )
    ok = True
    for cell in args.cells:
        if custom:
            sizes, goals = custom, [None] * len(custom)
        elif cell == "rnn":
            sizes, goals = SIZES, GOALS
        else:
            sizes, goals = GATED_SIZES, GATED_GOALS
        ok &= run_table(torch, cell, sizes, goals, args.repeat)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
