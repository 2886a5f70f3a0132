"""PNG plots of a run: a bar chart of the quality metrics and a histogram of per-question latency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .metrics import percentile
from .scoring import ABSTENTION_METRICS, ANSWER_METRICS, CITATION_METRICS, LOWER_IS_BETTER, RETRIEVAL_METRICS

_GROUPS = [("retrieval", RETRIEVAL_METRICS, "#4C72B0"), ("answers", ANSWER_METRICS, "#55A868"),
           ("citations", CITATION_METRICS, "#8172B2"), ("abstention", ABSTENTION_METRICS, "#C44E52")]


def _pyplot():  # noqa: ANN202 - matplotlib.pyplot, imported lazily
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError("matplotlib is not installed: pip install 'matplotlib>=3.8'") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_metrics(metrics: dict[str, Any], path: Path) -> Path:
    """Horizontal bars, one per metric that has a value, grouped and coloured by kind, labelled with the value."""
    plt = _pyplot()
    names, values, colours = [], [], []
    for _, group, colour in _GROUPS:
        for name in group:
            if metrics.get(name) is not None:
                names.append(name + (" (lower is better)" if name in LOWER_IS_BETTER else ""))
                values.append(float(metrics[name]))
                colours.append(colour)
    fig, ax = plt.subplots(figsize=(8, 0.38 * max(len(names), 4) + 1.2))
    positions = list(range(len(names)))[::-1]
    ax.barh(positions, values, color=colours)
    for y, v in zip(positions, values, strict=True):
        ax.text(v + 0.01, y, f"{v:.3f}", va="center", fontsize=9)
    ax.set_yticks(positions, names)
    ax.set_xlim(0, 1.12)
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_xlabel("score (0 to 1)")
    counts = metrics.get("counts", {})
    ax.set_title(f"Evaluation metrics ({counts.get('questions', '?')} questions)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for _, g, c in _GROUPS if any(metrics.get(n) is not None for n in g)]
    labels = [label for label, g, _ in _GROUPS if any(metrics.get(n) is not None for n in g)]
    ax.legend(handles, labels, loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_latency(records: list[dict[str, Any]], path: Path) -> Path:
    """Histograms of client-measured ask and search times per question, with p50 and p95 marked."""
    plt = _pyplot()
    series = [(label, [r[key] for r in records if key in r]) for label, key in
              (("ask", "ask_ms"), ("search", "search_ms"))]
    series = [(label, values) for label, values in series if values]
    fig, axes = plt.subplots(len(series) or 1, 1, figsize=(8, 3.2 * max(len(series), 1)), squeeze=False)
    for ax, (label, values) in zip(axes[:, 0], series, strict=False):
        ax.hist(values, bins=min(30, max(5, len(values) // 3)), color="#4C72B0", alpha=0.85)
        for p, style in ((50, "--"), (95, ":")):
            value = percentile(values, p)
            ax.axvline(value, color="black", linestyle=style, label=f"p{p} = {value:.1f} ms")
        ax.set_title(f"{label} latency per question (n = {len(values)}, max {max(values):.1f} ms)")
        ax.set_xlabel("milliseconds")
        ax.set_ylabel("questions")
        ax.legend(fontsize=8)
    if not series:
        axes[0, 0].text(0.5, 0.5, "no latency recorded", ha="center", va="center")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
