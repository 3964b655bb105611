"""Optimisers with PyTorch's update rules; state lives in plain attributes.

Each optimiser has `step(params, grads) -> new params` for any cell (params are frozen, so updates build
new objects) and `reset()`. Clipping is NOT done here: clip the gradients first.
"""

from __future__ import annotations

import math

from .params import Params


class SGD:
    """p ← p - lr·g."""

    def __init__(self, lr: float = 0.1):
        self.lr = float(lr)

    def step(self, params: Params, grads: Params) -> Params:
        lr = self.lr
        return params.map(lambda p, g: p - lr * g, grads)

    def reset(self) -> None:
        pass


class Momentum:
    """Heavy ball as torch.optim.SGD(momentum=β): v ← β v + g (v₁ = g); p ← p - lr·v."""

    def __init__(self, lr: float = 0.1, beta: float = 0.9):
        self.lr, self.beta = float(lr), float(beta)
        self.velocity: Params | None = None

    def step(self, params: Params, grads: Params) -> Params:
        if self.velocity is None:
            self.velocity = grads.copy()
        else:
            beta = self.beta
            self.velocity = self.velocity.map(lambda v, g: beta * v + g, grads)
        lr = self.lr
        return params.map(lambda p, v: p - lr * v, self.velocity)

    def reset(self) -> None:
        self.velocity = None


class Adam:
    """torch.optim.Adam: m ← β₁m + (1-β₁)g, v ← β₂v + (1-β₂)g²,
    p ← p - lr·m̂ / (√v̂ + ε) with bias corrections m̂ = m/(1-β₁ᵗ), v̂ = v/(1-β₂ᵗ)."""

    def __init__(
        self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ):
        self.lr, self.betas, self.eps = float(lr), (float(betas[0]), float(betas[1])), float(eps)
        self.t = 0
        self.m: Params | None = None
        self.v: Params | None = None

    def step(self, params: Params, grads: Params) -> Params:
        b1, b2 = self.betas
        if self.m is None:
            self.m, self.v = grads.zeros_like(), grads.zeros_like()
        self.t += 1
        assert self.v is not None  # set together with m
        self.m = self.m.map(lambda m, g: b1 * m + (1.0 - b1) * g, grads)
        self.v = self.v.map(lambda v, g: b2 * v + (1.0 - b2) * g * g, grads)
        # Same arithmetic order as torch: denom = √v / √(1-β₂ᵗ) + ε, step = lr / (1-β₁ᵗ).
        step_size = self.lr / (1.0 - b1**self.t)
        root_bc2 = math.sqrt(1.0 - b2**self.t)
        eps = self.eps
        return params.map(
            lambda p, m, v: p - step_size * m / (v**0.5 / root_bc2 + eps), self.m, self.v
        )

    def reset(self) -> None:
        self.t, self.m, self.v = 0, None, None


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, lr: float, **options) -> SGD | Momentum | Adam:
    """Build an optimiser by name ("sgd", "momentum", "adam") with learning rate lr."""
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}"
        ) from None
    return cls(lr=lr, **options)
