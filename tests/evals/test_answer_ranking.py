"""The listwise ranker: it learns an order the prior gets wrong, a strong pull keeps the prior, CV holds sets out."""

from __future__ import annotations

import numpy as np
import pytest

from evals.answer_ranking import Query, cross_validate, fit, fit_scale, loss_grad_hess, top1


def _queries(n: int = 30, seed: int = 0) -> list[Query]:
    """Questions whose positive candidate is the one with the highest feature 1; feature 0 is noise."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        x = rng.random((6, 2))
        labels = np.zeros(6)
        labels[int(np.argmax(x[:, 1]))] = 1.0
        out.append(Query(x, labels, group=f"set{i % 3}"))
    return out


def test_the_gradient_matches_finite_differences():
    queries, prior, w = _queries(5), np.array([0.3, -0.2]), np.array([0.5, 1.5])
    loss, grad, hess = loss_grad_hess(w, queries, prior, 0.7)
    eps = 1e-6
    for i in range(2):
        step = np.eye(2)[i] * eps
        numeric = (loss_grad_hess(w + step, queries, prior, 0.7)[0] - loss_grad_hess(w - step, queries, prior, 0.7)[0])
        assert numeric / (2 * eps) == pytest.approx(grad[i], rel=1e-4)
        assert (loss_grad_hess(w + step, queries, prior, 0.7)[1] - grad) / eps == pytest.approx(hess[i], rel=1e-3,
                                                                                                   abs=1e-4)


def test_a_weak_pull_learns_the_order_a_wrong_prior_misses():
    queries, prior = _queries(), np.array([1.0, 0.0])  # the prior ranks by the noise feature
    assert top1(prior, queries) < 0.5
    learned = fit(queries, prior, lam=0.01)
    assert top1(learned, queries) >= 0.9 and learned[1] > 10 * abs(learned[0])


def test_a_strong_pull_keeps_the_prior():
    queries, prior = _queries(), np.array([1.0, 0.0])
    assert fit(queries, prior, lam=1e6) == pytest.approx(prior, abs=1e-3)


def test_the_prior_scale_fits_a_right_direction():
    # Along the right direction the loss falls as the scale grows: the search goes to its upper end.
    assert fit_scale(_queries(), np.array([0.0, 1.0])) > 100
    assert fit_scale(_queries(), np.array([0.0, -1.0])) < 0.2


def test_cross_validation_scores_each_held_out_set_and_pools_them():
    cv = cross_validate(_queries(), np.array([1.0, 0.0]), (0.01, 1e6))
    assert set(cv[0.01]) == {"set0", "set1", "set2", "pooled"}
    assert cv[0.01]["pooled"] > cv[1e6]["pooled"]
