"""A listwise linear ranker in numpy: which candidate sentence of a question answers it.

Each question is a list of candidates (rows of features) with labels (1: the sentence overlaps the gold evidence).
The model scores a candidate w·x; the loss of a question is the cross-entropy between the softmax of its scores
and the uniform distribution over its positives (the selector quotes the top one, so only the order within a
question matters, never a bias). The weights are pulled toward a prior, the hand weights scaled to fit best, with
an L2 penalty `lam`: a large `lam` gives back the hand ranking, a small one lets the data move it. Fitted by
Newton's method (a couple of dozen features: the Hessian is tiny).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Query:
    """One question's candidates: features (n, d) and 0/1 labels (n,), with at least one positive."""

    features: np.ndarray
    labels: np.ndarray
    group: str  # the question set it comes from (the cross-validation folds)


def _softmax(scores: np.ndarray) -> np.ndarray:
    e = np.exp(scores - scores.max())
    return e / e.sum()


def loss_grad_hess(w: np.ndarray, queries: Sequence[Query], prior: np.ndarray,
                   lam: float) -> tuple[float, np.ndarray, np.ndarray]:
    """The penalised listwise loss, its gradient and Hessian at `w`."""
    d = len(w)
    diff = w - prior
    loss, grad, hess = lam * float(diff @ diff), 2 * lam * diff, 2 * lam * np.eye(d)
    for q in queries:
        p = _softmax(q.features @ w)
        target = q.labels / q.labels.sum()
        loss -= float(target @ np.log(np.maximum(p, 1e-300)))
        grad = grad + q.features.T @ (p - target)
        weighted = q.features * p[:, None]
        mean = p @ q.features
        hess = hess + q.features.T @ weighted - np.outer(mean, mean)
    return loss, grad, hess


def fit(queries: Sequence[Query], prior: np.ndarray, lam: float, iterations: int = 50) -> np.ndarray:
    """The weights minimising the penalised loss, by damped Newton steps from the prior."""
    w = prior.astype(float).copy()
    loss, grad, hess = loss_grad_hess(w, queries, prior, lam)
    for _ in range(iterations):
        step = np.linalg.solve(hess + 1e-9 * np.eye(len(w)), grad)
        t = 1.0
        while t > 1e-6:
            trial = w - t * step
            trial_loss, trial_grad, trial_hess = loss_grad_hess(trial, queries, prior, lam)
            if trial_loss <= loss:
                break
            t /= 2
        else:
            break  # no step lowers the loss: at the minimum to numerical precision
        converged = loss - trial_loss < 1e-10
        w, loss, grad, hess = trial, trial_loss, trial_grad, trial_hess
        if converged:
            break
    return w


def fit_scale(queries: Sequence[Query], direction: np.ndarray) -> float:
    """The factor t for which t·direction (the hand weights) has the lowest unpenalised loss: the prior."""
    zero = np.zeros_like(direction)

    def loss(t: float) -> float:
        return loss_grad_hess(t * direction, queries, zero, 0.0)[0]

    lo, hi = 0.1, 500.0  # golden-section search on log t: the loss is unimodal in t along a fixed direction
    a, b = np.log(lo), np.log(hi)
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(60):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        if loss(float(np.exp(c))) < loss(float(np.exp(d))):
            b = d
        else:
            a = c
    return float(np.exp((a + b) / 2))


def top1(w: np.ndarray, queries: Sequence[Query]) -> float:
    """The share of questions whose best-scored candidate is a positive (ties: the first, as a stable sort)."""
    if not queries:
        return float("nan")
    return float(np.mean([q.labels[int(np.argmax(q.features @ w))] > 0 for q in queries]))


def cross_validate(queries: Sequence[Query], prior_direction: np.ndarray,
                   lams: Sequence[float]) -> dict[float, dict[str, float]]:
    """Leave-one-group-out top-1 of each `lam`: for every group, fit on the others (prior scale too), test on it."""
    groups = sorted({q.group for q in queries})
    out: dict[float, dict[str, float]] = {}
    for lam in lams:
        per_group: dict[str, float] = {}
        for group in groups:
            train = [q for q in queries if q.group != group]
            test = [q for q in queries if q.group == group]
            prior = fit_scale(train, prior_direction) * prior_direction
            per_group[group] = top1(fit(train, prior, lam), test)
        pooled = sum(per_group[g] * sum(q.group == g for q in queries) for g in groups) / len(queries)
        out[lam] = {**per_group, "pooled": pooled}
    return out
