"""Counting generators: parameters of an RNN, the cost of BPTT, truncated BPTT.

Every prompt states its counting convention, since "the cost" has no single definition."""

from __future__ import annotations

from typing import Any

from engine.generators._registry import Context, GeneratorParamError, Param, Question, register

EXACT = {"rtol": 0.0, "atol": 1e-6}  # counts are integers: only the exact number is right


def _size(ctx: Context, key: str, choices: list[int]) -> int:
    return ctx.take(key, lambda r: int(r.choice(choices)))


@register(
    "parameter_count",
    "Number of parameters of a one-layer RNN: H·D + H·H + H + O·H + O",
    [
        Param("input_size", "int", "D", low=1, high=100_000),
        Param("hidden_size", "int", "H", low=1, high=100_000),
        Param("output_size", "int", "O", low=1, high=100_000),
    ],
)
def parameter_count(ctx: Context) -> Question:
    D = _size(ctx, "input_size", [1, 2, 3, 4, 5, 8, 10, 16, 20, 26, 32, 50, 64, 100])
    H = _size(ctx, "hidden_size", [2, 3, 4, 8, 10, 16, 20, 32, 50, 64, 100, 128, 256])
    O = _size(ctx, "output_size", [1, 2, 3, 4, 5, 10, 26, 50, 100])
    answer = H * D + H * H + H + O * H + O
    prompt = (
        f"A one-layer RNN: h_t = tanh(W_xh x_t + W_hh h_{{t-1}} + b_h), y_t = W_hy h_t + b_y, with input size "
        f"D = {D}, hidden size H = {H} and output size O = {O}. Count one hidden bias b_h (not PyTorch's two) "
        f"and the output bias b_y.\nHow many trainable parameters does it have?"
    )
    steps = [
        f"W_xh is H×D = {H}×{D} = {H * D}.",
        f"W_hh is H×H = {H}×{H} = {H * H}.",
        f"b_h has H = {H}.",
        f"W_hy is O×H = {O}×{H} = {O * H}.",
        f"b_y has O = {O}.",
        f"Total: {H * D} + {H * H} + {H} + {O * H} + {O} = {answer}. The same weights serve every time "
        "step, so the count does not depend on the sequence length T.",
    ]
    mistakes = [
        (
            "two_hidden_biases",
            answer + H,
            "that counts PyTorch's two hidden biases (b_ih and b_hh); count one b_h of H",
        ),
        ("biases_forgotten", answer - H - O, "that leaves out the biases; add b_h (H) and b_y (O)"),
        ("recurrent_forgotten", answer - H * H, "that leaves out the recurrent matrix W_hh (H×H)"),
    ]
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance=EXACT,
        source="GBC §10.2",
        mistakes=mistakes,
    )


BPTT_QUANTITIES = ("forward_macs", "total_macs", "stored_values")


@register(
    "bptt_cost",
    "Cost of BPTT for one batch: multiply-adds (forward, or forward + backward) or stored values",
    [
        # Bounded so every count stays an exact integer in a float (below 2^53).
        Param("seq_len", "int", "T", low=1, high=10_000),
        Param("input_size", "int", "D", low=1, high=4096),
        Param("hidden_size", "int", "H", low=1, high=4096),
        Param("output_size", "int", "O", low=1, high=4096),
        Param("batch_size", "int", "B", low=1, high=1024),
        Param("quantity", "str", "what to count", choices=BPTT_QUANTITIES),
    ],
)
def bptt_cost(ctx: Context) -> Question:
    T = _size(ctx, "seq_len", [5, 10, 20, 25, 50, 100, 200])
    D = _size(ctx, "input_size", [1, 2, 3, 4, 8, 10, 16])
    H = _size(ctx, "hidden_size", [4, 8, 10, 16, 20, 32, 64])
    O = _size(ctx, "output_size", [1, 2, 3, 4, 10])
    B = _size(ctx, "batch_size", [1, 1, 1, 2, 4, 8, 16, 32])
    quantity = ctx.take("quantity", lambda r: str(r.choice(BPTT_QUANTITIES)))
    setup = (
        f"A one-layer tanh RNN, h_t = tanh(W_xh x_t + W_hh h_{{t-1}} + b_h), y_t = W_hy h_t + b_y, with "
        f"D = {D} input{'s' if D != 1 else ''}, H = {H} hidden unit{'s' if H != 1 else ''} and "
        f"O = {O} output{'s' if O != 1 else ''}, is trained with full BPTT on a batch of "
        f"B = {B} sequence{'s' if B != 1 else ''} of length T = {T} (a loss at every step)."
    )
    fwd = H * D + H * H + O * H
    if quantity == "forward_macs":
        answer = B * T * fwd
        rule = (
            "Count one multiply-add for each weight used in a matrix-vector product: per step and sequence "
            "W_xh x_t, W_hh h_{t-1} and W_hy h_t. Ignore biases, tanh and the loss."
        )
        ask = "How many multiply-adds does the FORWARD pass take?"
        steps = [
            f"Per step and sequence: W_xh x_t costs H·D = {H * D}, W_hh h_{{t-1}} costs H·H = {H * H}, "
            f"W_hy h_t costs O·H = {O * H}: {fwd} in all.",
            f"Times T·B = {T}·{B} = {T * B}: {fwd} × {T * B} = {answer}.",
            "Linear in T: O(T·W) for W weights (GBC §10.2).",
        ]
        required = [
            (
                "output_layer_forgotten",
                B * T * (H * D + H * H),
                "that leaves out the output layer W_hy h_t (O·H per step)",
            ),
        ]
        optional = [
            (
                "one_step_only",
                B * fwd,
                f"that is one time step; the forward pass runs T = {T} steps",
            ),
            ("one_sequence_only", T * fwd, f"that is one sequence; the batch has B = {B}"),
            (
                "forward_and_backward",
                B * T * (2 * H * D + 3 * H * H + 3 * O * H),
                "that counts the backward pass too; the question asks for the forward pass only",
            ),
        ]
    elif quantity == "total_macs":
        bwd = H * D + 2 * H * H + 2 * O * H
        answer = B * T * (fwd + bwd)
        rule = (
            "Count one multiply-add for each weight used in a matrix product. Forward, per step and sequence: "
            "W_xh x_t, W_hh h_{t-1}, W_hy h_t. Backward, per step and sequence: ∂L/∂W_hy (O·H), W_hyᵀ g_t (O·H), "
            "∂L/∂W_hh (H·H), W_hhᵀ r_t (H·H, at every step including the first), ∂L/∂W_xh (H·D); no gradient "
            "with respect to the inputs. Ignore biases, tanh, the loss and elementwise products."
        )
        ask = "How many multiply-adds do the forward and backward passes take together?"
        steps = [
            f"Forward per step: H·D + H·H + O·H = {H * D} + {H * H} + {O * H} = {fwd}.",
            f"Backward per step: O·H + O·H + H·H + H·H + H·D = {O * H} + {O * H} + {H * H} + {H * H} + {H * D} = {bwd}.",
            f"Per step {fwd} + {bwd} = {fwd + bwd}; times T·B = {T * B}: {answer}.",
            f"That is {(fwd + bwd) / fwd:.2f}× the forward pass (the backward pass costs about 1–2× the forward, "
            "so forward + backward is about 2–3× the forward pass), and still linear in T.",
        ]
        required = [
            ("forward_only", B * T * fwd, "that is the forward pass only; add the backward pass"),
        ]
        optional = [
            ("one_sequence_only", T * (fwd + bwd), f"that is one sequence; the batch has B = {B}"),
            ("backward_only", B * T * bwd, "that is the backward pass only; add the forward pass"),
        ]
    else:
        answer = B * T * H
        rule = (
            "Count the numbers the forward pass must keep for the backward pass: only the hidden states "
            "h_1..h_T of every sequence (h_0 = 0, the inputs and the weights are not counted; with tanh, "
            "f'(a_t) = 1 - h_t² comes from h_t, so no pre-activations are needed)."
        )
        ask = "How many numbers are stored?"
        steps = [
            f"Each hidden state has H = {H} numbers; there are T = {T} of them per sequence and B = {B} sequences.",
            f"B·T·H = {B}·{T}·{H} = {answer}: memory grows linearly with T (GBC §10.2).",
        ]
        required = [
            ("h0_counted", B * (T + 1) * H, "that counts h_0 too; only h_1..h_T are stored"),
        ]
        optional = [
            ("one_sequence_only", T * H, f"that is one sequence; the batch has B = {B}"),
            (
                "pre_activations_stored",
                2 * B * T * H,
                "that stores the pre-activations too; with tanh, f'(a_t) = 1 - h_t² comes from h_t",
            ),
            (
                "weights_counted",
                B * T * H + H * D + H * H + O * H,
                "that counts the weights; only the hidden states are asked for",
            ),
        ]
    prompt = f"{setup}\n{rule}\n{ask}"
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance=EXACT,
        source="GBC §10.2 (cost of BPTT); Williams & Peng 1990",
        mistakes=required,
        optional=optional,
    )


TBPTT_QUANTITIES = ("updates", "backward_steps", "stored_values")
MAX_T = 1_000_000


def _check_tbptt(p: dict[str, Any]) -> None:
    T, k1, k2 = p.get("seq_len"), p.get("k1"), p.get("k2")
    if T is not None and k1 is not None and k1 > T:
        raise GeneratorParamError(
            f"truncated_bptt: k1 = {k1} is longer than the sequence (seq_len = {T})"
        )
    if k1 is not None and k2 is not None and k2 < k1:
        raise GeneratorParamError(
            f"truncated_bptt: k2 = {k2} is shorter than k1 = {k1}; each update must reach back over the k1 new steps"
        )
    if T is not None and k2 is not None and k2 > T:
        raise GeneratorParamError(
            f"truncated_bptt: k2 = {k2} is longer than the sequence (seq_len = {T})"
        )


@register(
    "truncated_bptt",
    "Truncated BPTT(k1, k2): number of updates, backward steps, or values stored per update",
    [
        Param("seq_len", "int", "T", low=1, high=MAX_T),
        Param("k1", "int", "an update every k1 steps", low=1, high=MAX_T),
        Param(
            "k2",
            "int",
            "each update backpropagates k2 ≥ k1 steps (or to the start)",
            low=1,
            high=MAX_T,
        ),
        Param("hidden_size", "int", "H", low=1, high=100_000),
        Param("quantity", "str", "what to count", choices=TBPTT_QUANTITIES),
    ],
    check=_check_tbptt,
)
def truncated_bptt(ctx: Context) -> Question:
    # Drawn numbers fit the given ones (k1 ≤ k2 ≤ T), and a drawn T is a multiple of k1 where it
    # can be, so there is no final partial chunk unless a deck asks for one.
    g_T, g_k1, g_k2 = (ctx.given.get(k) for k in ("seq_len", "k1", "k2"))
    k1_pick = int(ctx.rng("k1").choice([2, 3, 4, 5, 10]))
    if g_k2 is not None:
        k1_pick = min(k1_pick, g_k2)
    if g_T is not None:
        k1_pick = min(k1_pick, g_T)
    base = g_k1 if g_k1 is not None else k1_pick
    chunks = int(ctx.rng("seq_len").integers(3, 13))
    if g_k2 is not None:
        chunks = max(chunks, -(-g_k2 // base))
    T = ctx.take("seq_len", lambda r: min(base * chunks, MAX_T))
    k1 = ctx.take("k1", lambda r: min(k1_pick, T))
    k2 = ctx.take(
        "k2",
        lambda r: (
            k1 if r.random() < 0.5 else min(k1 * int(r.choice([2, 3])) + int(r.integers(0, 3)), T)
        ),
    )
    H = _size(ctx, "hidden_size", [8, 16, 20, 32, 64, 100, 128])
    quantity = ctx.take("quantity", lambda r: str(r.choice(TBPTT_QUANTITIES)))
    if k1 > T or k2 > T or k2 < k1:
        raise ctx.fail(f"need k1 ≤ k2 ≤ seq_len, got k1 = {k1}, k2 = {k2}, seq_len = {T}")
    n = T // k1
    # Σ_j min(k2, j·k1) without a list: the first ⌊k2/k1⌋ updates reach back j·k1 steps, the rest k2
    m = min(n, k2 // k1)
    backward_total = k1 * m * (m + 1) // 2 + (n - m) * k2
    lengths = [min(k2, j * k1) for j in range(1, min(n, 13) + 1)]
    setup = (
        f"A tanh RNN with H = {H} hidden units reads one sequence of T = {T} steps and is trained with truncated "
        f"BPTT(k1 = {k1}, k2 = {k2}): after every k1 steps (at t = {k1}, {2 * k1}, ... up to T) it runs BPTT back "
        f"over the last k2 steps (or back to t = 1 if fewer than k2 steps have passed) and updates the weights. "
        f"The hidden state itself is carried forward through the whole sequence."
    )
    rest = T - n * k1
    if rest:
        setup += (
            f" T = {T} is not a multiple of k1 = {k1}: the last {rest} step{'s' if rest != 1 else ''} after "
            f"t = {n * k1} get no update of their own (they are dropped from training)."
        )
    if k1 == k2:
        setup += f" With k1 = k2 = {k1} this is the usual 'split into chunks and detach the hidden state' practice."
    if quantity == "updates":
        answer = n
        ask = "How many weight updates are made over the sequence?"
        steps = [f"Updates happen at t = k1, 2·k1, ...: ⌊T / k1⌋ = ⌊{T} / {k1}⌋ = {n}."]
        optional = [
            (
                "divided_by_k2",
                T // k2,
                "that divides by k2; an update happens every k1 steps, k2 is how far back it reaches",
            ),
            (
                "partial_chunk_counted",
                -(-T // k1),
                f"that counts the final partial chunk; the last {rest} steps get no update",
            ),
            (
                "one_update",
                1,
                "that is full BPTT (one update at the end); truncated BPTT updates every k1 steps",
            ),
        ]
    elif quantity == "backward_steps":
        answer = backward_total
        ask = "How many time steps does BPTT run back through in total, over all updates (count a step once per update that visits it)?"
        shown = (
            [str(v) for v in lengths]
            if n <= 12
            else [str(v) for v in lengths[:5]] + ["...", str(min(k2, n * k1))]
        )
        steps = [
            f"There are ⌊{T}/{k1}⌋ = {n} updates; the j-th, at t = j·{k1}, goes back min(k2, t) = min({k2}, j·{k1}) steps.",
            f"Lengths: {', '.join(shown)}.",
            f"Total: {' + '.join(shown) if n <= 12 else 'the sum'} = {answer}.",
        ]
        optional = [
            (
                "start_not_truncated",
                n * k2,
                "that lets every update run back k2 steps; the early ones can only go back to t = 1",
            ),
            (
                "each_step_once",
                n * k1,
                "that counts each step once; with k2 > k1 the updates overlap and revisit steps",
            ),
            (
                "full_bptt",
                T,
                "that is one full BPTT pass; truncated BPTT runs one backward pass per update",
            ),
        ]
    else:
        answer = k2 * H
        ask = (
            "How many numbers must an update that runs back the full k2 steps keep for its backward pass? "
            "Count the k2 hidden states it runs "
            "back through (each of H numbers); ignore the one state before them, the inputs and the weights."
        )
        optional = [
            (
                "full_sequence",
                T * H,
                "that stores the whole sequence (full BPTT); an update keeps only its k2 states",
            ),
            (
                "k1_states",
                k1 * H,
                "that keeps k1 states; each update runs back k2 steps and needs k2 states",
            ),
            (
                "state_before_counted",
                (k2 + 1) * H,
                "that counts the state before the window too; the question leaves it out",
            ),
        ]
        steps = [
            f"One update runs back over k2 = {k2} steps and needs their hidden states: k2·H = {k2}·{H} = {answer}.",
            f"Full BPTT over the sequence would keep T·H = {T * H}: truncation bounds memory by O(k2·H), at the "
            "price of a biased gradient that cannot see dependencies longer than k2 steps.",
        ]
    return ctx.question(
        prompt=f"{setup}\n{ask}",
        answer=answer,
        solution=steps,
        tolerance=EXACT,
        source="Williams & Peng 1990; Sutskever 2013 (PhD thesis)",
        optional=optional,
    )
