"""Loss generators: the total loss of a sequence, softmax cross-entropy at one step."""

from __future__ import annotations

import math

from engine.generators._format import approx, num, rnd, vec
from engine.generators._registry import Context, Param, Question, register

SOURCE_DOC = (
    "where the numbers come from when not given: 'live' = a real training run of the engine "
    "on a toy task (the prompt says which), 'random' = plain random draws; numbers given as params "
    "are always used as given"
)


@register(
    "total_sequence_loss",
    "Total loss of a sequence from its per-step losses, summed or averaged over time",
    [
        Param("losses", "float_list", "per-step losses L_1..L_T", low=0.0, min_len=2, max_len=50),
        Param(
            "reduction",
            "str",
            "'sum' (GBC, Pascanu) or 'mean' (D2L, PyTorch's default)",
            choices=("sum", "mean"),
        ),
        Param("source", "str", SOURCE_DOC, default="live", choices=("live", "random")),
    ],
    live=True,
)
def total_sequence_loss(ctx: Context) -> Question:
    origin = None
    if not ctx.has("losses") and ctx.given.get("source", "live") == "live":
        from engine.generators import _live

        run = _live.sequence_losses(ctx.rng("live"))
        losses = ctx.show("losses", list(run.values))
        origin = run.description
    else:
        losses = ctx.take(
            "losses",
            lambda r: [rnd(v, 3) for v in r.uniform(0.05, 2.0, size=int(r.integers(3, 7)))],
        )
    reduction = ctx.take("reduction", lambda r: str(r.choice(["sum", "mean"])))
    T = len(losses)
    total = math.fsum(losses)
    answer = total if reduction == "sum" else total / T

    where = f"These are {origin}" if origin else "These are the per-step losses of one sequence"
    rule = (
        "Reduction 'sum': the sequence loss is L = Σ_t L_t."
        if reduction == "sum"
        else "Reduction 'mean': the sequence loss is L = (1/T) Σ_t L_t, the mean over the T time steps."
    )
    prompt = (
        f"{where} (T = {T} time steps):\n"
        f"  L_t = {vec(losses)}\n"
        f"{rule}\n"
        f"What is the loss L of this sequence?"
    )
    steps = [
        f"There are T = {T} per-step losses.",
        f"Sum: Σ_t L_t = {' + '.join(num(v) for v in losses)} = {approx(total, 6)}.",
    ]
    if reduction == "mean":
        steps.append(f"Mean: L = {approx(total, 6)} / {T} = {approx(answer, 6)}.")
    else:
        steps.append(f"With reduction 'sum' that is the loss: L = {approx(answer, 6)}.")
    steps.append(
        "Sum and mean differ by the factor T, and so do the gradients: under 'mean' every gradient "
        "is 1/T of the 'sum' one, which changes whether gradient clipping triggers."
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-3, "atol": 1e-9},
        source="GBC §10.2 (sum); D2L §9.5 and PyTorch MSELoss/CrossEntropyLoss (mean)",
    )


@register(
    "softmax_cross_entropy",
    "Softmax cross-entropy loss at one time step, or one component of its gradient w.r.t. the logits",
    [
        Param(
            "logits",
            "float_list",
            "the output y_t (logits), one per class",
            low=-20.0,
            high=20.0,
            min_len=2,
            max_len=8,
        ),
        Param("target", "int", "the correct class (0-based)", low=0, high=7),
        Param(
            "quantity",
            "str",
            "'loss' = -log softmax(y)[target]; 'gradient' = ∂L/∂y_j",
            choices=("loss", "gradient"),
        ),
        Param("component", "int", "j for quantity 'gradient' (0-based)", low=0, high=7),
    ],
    check=lambda p: _check_classes(p),
)
def softmax_cross_entropy(ctx: Context) -> Question:
    logits = ctx.take(
        "logits", lambda r: [rnd(v, 1) for v in r.uniform(-3.0, 3.0, size=int(r.integers(3, 5)))]
    )
    K = len(logits)
    target = ctx.take("target", lambda r: int(r.integers(K)))
    if target >= K:
        raise ctx.fail(f"target {target} is not a class of {K} logits (0..{K - 1})")
    quantity = ctx.take(
        "quantity",
        lambda r: "gradient" if ctx.has("component") else str(r.choice(["loss", "gradient"])),
    )
    component = None
    if quantity == "gradient":
        component = ctx.take("component", lambda r: int(r.integers(K)))
        if component >= K:
            raise ctx.fail(f"component {component} is not a class of {K} logits (0..{K - 1})")
    m = max(logits)
    exps = [math.exp(v - m) for v in logits]
    z = math.fsum(exps)
    probs = [e / z for e in exps]
    lse = m + math.log(z)
    loss = lse - logits[target]
    steps = [
        f"Softmax: p_j = exp(y_j) / Σ_k exp(y_k). Here Σ_k exp(y_k) = {approx(math.exp(lse), 6)}, "
        f"so p = {'[' + ', '.join(approx(p, 4) for p in probs) + ']'}.",
    ]
    if quantity == "loss":
        answer = loss
        ask = f"What is the cross-entropy loss L_t = -log p_{target} (natural log)?"
        steps.append(
            f"L_t = -log p_{target} = -log {approx(probs[target], 6)} = {approx(loss, 6)}."
        )
        steps.append(
            f"Equivalently L_t = log Σ_k exp(y_k) - y_{target} = {approx(lse, 6)} - {num(logits[target])} = {approx(loss, 6)}."
        )
    else:
        assert component is not None
        answer = probs[component] - (1.0 if component == target else 0.0)
        ask = f"What is the gradient component ∂L_t/∂y_{component}?"
        steps.append(
            "For softmax + cross-entropy the gradient w.r.t. the logits is g = p - onehot(target)."
        )
        onehot = "1" if component == target else "0"
        steps.append(f"∂L_t/∂y_{component} = p_{component} - {onehot} = {approx(answer, 6)}.")
    prompt = (
        f"At one time step the RNN outputs logits y_t = {vec(logits)} over {K} classes "
        f"(classes numbered from 0); the correct class is {target}. "
        f"The loss is softmax followed by cross-entropy, L_t = -log softmax(y_t)[{target}].\n{ask}"
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-3},
        source="GBC eq. 10.18 (g_t = softmax(y_t) - onehot); PyTorch docs: CrossEntropyLoss",
    )


def _check_classes(params: dict) -> None:
    from engine.generators._registry import GeneratorParamError

    K = len(params["logits"]) if "logits" in params else None
    for key in ("target", "component"):
        if K is not None and key in params and params[key] >= K:
            raise GeneratorParamError(
                f"softmax_cross_entropy: param {key!r} is {params[key]}, but there are only {K} logits (0..{K - 1})"
            )
    if "component" in params and params.get("quantity") == "loss":
        raise GeneratorParamError(
            "softmax_cross_entropy: param 'component' is only used with quantity 'gradient'"
        )
