"""Loss generators: the total loss of a sequence, softmax cross-entropy at one step."""

from __future__ import annotations

import math

from engine.generators._format import approx, num, rnd, vec
from engine.generators._registry import LANGUAGE, Context, Param, Question, register

MAX_LOSS = 1e6  # per step: sums of up to 50 stay far from overflow

SOURCE_DOC = (
    "where the numbers come from when not given: 'live' = a real training run of the engine "
    "on a toy task (the prompt says which), 'random' = plain random draws; numbers given as params "
    "are always used as given"
)


@register(
    "total_sequence_loss",
    "Total loss of a sequence from its per-step losses, summed or averaged over time",
    [
        Param(
            "losses",
            "float_list",
            "per-step losses L_1..L_T",
            low=0.0,
            high=MAX_LOSS,
            min_len=2,
            max_len=50,
        ),
        Param(
            "reduction",
            "str",
            "'sum' (GBC, Pascanu) or 'mean' (D2L, PyTorch's default)",
            choices=("sum", "mean"),
        ),
        Param("source", "str", SOURCE_DOC, default="live", choices=("live", "random")),
        LANGUAGE,
    ],
    live=True,
)
def total_sequence_loss(ctx: Context) -> Question:
    origin = None
    if not ctx.has("losses") and ctx.given.get("source", "live") == "live":
        from engine.generators import _live

        run = _live.sequence_losses(ctx.rng("live"))
        losses = ctx.show("losses", list(run.values))
        origin = run.text(ctx.language)
    else:
        losses = ctx.take(
            "losses",
            lambda r: [rnd(v, 3) for v in r.uniform(0.05, 2.0, size=int(r.integers(3, 7)))],
        )
    reduction = ctx.take("reduction", lambda r: str(r.choice(["sum", "mean"])))
    T = len(losses)
    total = math.fsum(losses)
    answer = total if reduction == "sum" else total / T
    say = ctx.say

    if origin:
        where = say(f"These are {origin}", f"Das sind {origin}")
    else:
        where = say(
            "These are the per-step losses of one sequence",
            "Das sind die Verluste pro Zeitschritt einer Sequenz",
        )
    if reduction == "sum":
        rule = say(
            "Reduction 'sum': the sequence loss is L = Σ_t L_t.",
            "Reduktion 'sum': der Verlust der Sequenz ist L = Σ_t L_t.",
        )
    else:
        rule = say(
            "Reduction 'mean': the sequence loss is L = (1/T) Σ_t L_t, the mean over the T time steps.",
            "Reduktion 'mean': der Verlust der Sequenz ist L = (1/T) Σ_t L_t, der Mittelwert über die T Zeitschritte.",
        )
    ask = say("What is the loss L of this sequence?", "Wie groß ist der Verlust L dieser Sequenz?")
    steps_word = say("time steps", "Zeitschritte")
    prompt = f"{where}; T = {T} {steps_word}:\n  L_t = {vec(losses)}\n{rule}\n{ask}"
    steps = [
        say(
            f"There are T = {T} per-step losses.",
            f"Es gibt T = {T} Einzelverluste, einen pro Schritt.",
        ),
        say("Sum", "Summe")
        + f": Σ_t L_t = {' + '.join(num(v) for v in losses)} = {approx(total, 6)}.",
    ]
    if reduction == "mean":
        steps.append(
            say("Mean", "Mittelwert") + f": L = {approx(total, 6)} / {T} = {approx(answer, 6)}."
        )
    else:
        steps.append(
            say(
                f"With reduction 'sum' that is the loss: L = {approx(answer, 6)}.",
                f"Mit der Reduktion 'sum' ist das der Verlust: L = {approx(answer, 6)}.",
            )
        )
    steps.append(
        say(
            "Sum and mean differ by the factor T, and so do the gradients: under 'mean' every gradient "
            "is 1/T of the 'sum' one, which changes whether gradient clipping triggers.",
            "Summe und Mittelwert unterscheiden sich um den Faktor T, ebenso die Gradienten: mit 'mean' ist "
            "jeder Gradient 1/T des 'sum'-Gradienten; das ändert, ob Gradienten-Clipping greift.",
        )
    )
    if reduction == "sum":
        other = (
            "mean_instead_of_sum",
            total / T,
            say(
                "that is the mean; this question asks for the sum Σ_t L_t (no division by T)",
                "das ist der Mittelwert; gefragt ist die Summe Σ_t L_t (ohne Division durch T)",
            ),
        )
        optional = [
            (
                "last_step_only",
                losses[-1],
                say(
                    "that is only the last step's loss; the sequence loss adds every step",
                    "das ist nur der Verlust des letzten Schritts; der Sequenzverlust addiert alle Schritte",
                ),
            )
        ]
    else:
        other = (
            "sum_instead_of_mean",
            total,
            say(
                "that is the sum; this question asks for the mean, so divide by T",
                "das ist die Summe; gefragt ist der Mittelwert, also teilen Sie durch T",
            ),
        )
        optional = [
            (
                "divided_by_t_minus_1",
                total / (T - 1),
                say(
                    f"that divides by T - 1 = {T - 1}; the mean over T steps divides by T = {T}",
                    f"das teilt durch T - 1 = {T - 1}; der Mittelwert über T Schritte teilt durch T = {T}",
                ),
            )
        ]
    # With every loss 0, sum and mean are both 0: the other reduction is no wrong number then.
    required, optional = ([other], optional) if total > 0 else ([], [other, *optional])
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-3, "atol": 1e-9},
        source="GBC §10.2 (sum); D2L §9.5 and PyTorch MSELoss/CrossEntropyLoss (mean)",
        mistakes=required,
        optional=optional,
    )


@register(
    "softmax_cross_entropy",
    "Softmax cross-entropy loss at one time step, or one component of its gradient w.r.t. the logits",
    [
        Param(
            "logits",
            "float_list",
            "the output y_t (logits), one per class",
            low=-10.0,
            high=10.0,
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
    needed = max(int(ctx.given.get("target", 0)), int(ctx.given.get("component", 0))) + 1
    logits = ctx.take(
        "logits",
        lambda r: [
            rnd(v, 1) for v in r.uniform(-3.0, 3.0, size=max(int(r.integers(3, 5)), needed))
        ],
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
    # -log p_target = log Σ_k exp(y_k - y_target), through log1p so a tiny loss keeps its digits
    others = math.fsum(math.exp(v - logits[target]) for k, v in enumerate(logits) if k != target)
    loss = math.log1p(others)
    steps = [
        f"Softmax: p_j = exp(y_j) / Σ_k exp(y_k). Here Σ_k exp(y_k) = {approx(math.exp(lse), 6)}, "
        f"so p = {'[' + ', '.join(approx(p, 4) for p in probs) + ']'}.",
    ]
    required: list[tuple[str, float, str]] = []
    optional: list[tuple[str, float, str]] = []
    if quantity == "loss":
        answer = loss
        ask = f"What is the cross-entropy loss L_t = -log p_{target} (natural log)?"
        steps.append(
            f"L_t = -log p_{target} = -log {approx(probs[target], 6)} = {approx(loss, 6)}."
        )
        steps.append(
            f"Equivalently L_t = log Σ_k exp(y_k) - y_{target} = {approx(lse, 6)} - {num(logits[target])} = {approx(loss, 6)}."
        )
        required.append(
            (
                "log10_used",
                loss / math.log(10),
                "that uses log base 10; cross-entropy uses the natural log",
            )
        )
        optional += [
            ("minus_forgotten", -loss, "that is log p, a negative number; the loss is -log p"),
            (
                "probability_not_loss",
                probs[target],
                f"that is the probability p_{target}; the loss is -log p_{target}",
            ),
            (
                "softmax_forgotten",
                -logits[target],
                f"that is -y_{target}, the raw logit; take -log of the softmax probability",
            ),
        ]
    else:
        assert component is not None
        onehot_j = 1.0 if component == target else 0.0
        answer = probs[component] - onehot_j
        ask = f"What is the gradient component ∂L_t/∂y_{component}?"
        steps.append(
            "For softmax + cross-entropy the gradient w.r.t. the logits is g = p - onehot(target)."
        )
        onehot = "1" if component == target else "0"
        steps.append(f"∂L_t/∂y_{component} = p_{component} - {onehot} = {approx(answer, 6)}.")
        if component == target:
            required.append(
                (
                    "onehot_forgotten",
                    probs[component],
                    f"that is p_{component}; for the correct class subtract 1: g = p - onehot(target)",
                )
            )
        else:
            required.append(
                (
                    "one_subtracted",
                    probs[component] - 1.0,
                    f"that subtracts 1, but class {component} is not the target: g_j = p_j - 0 there",
                )
            )
        optional.append(
            (
                "sign_flipped",
                -answer,
                "that has the wrong sign: g = p - onehot(target), not onehot - p",
            )
        )
    prompt = (
        f"At one time step the RNN outputs logits y_t = {vec(logits)} over {K} classes "
        f"(classes numbered from 0); the correct class is {target}. "
        f"The loss is softmax followed by cross-entropy, L_t = -log softmax(y_t)[{target}].\n{ask}"
    )
    # A tiny gradient component must not be accepted as ±100% of itself: atol far below any p_j
    # drawn (≥ 4e-4), and below the loss that logits within ±10 can give.
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-6 if quantity == "gradient" else 1e-12},
        source="GBC eq. 10.18 (g_t = softmax(y_t) - onehot); PyTorch docs: CrossEntropyLoss",
        mistakes=required,
        optional=optional,
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
