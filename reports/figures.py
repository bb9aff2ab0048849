"""A ``checks.claim.Plot`` rendered to PNG with matplotlib (Agg), byte for byte the same every time.

Checks describe their figures as data (``Plot``/``Series``); this module is the only place that draws
them. Three kinds:

- ``lines``: each series over x (a line, points, or a dashed line), with error bars from ``lo``/``hi``
  when given; log axes on request; ``hlines``/``vlines`` as labelled reference lines.
- ``heatmap``: ``grid[i][j]`` at y = ``yticks[i]``, x = ``xticks[j]`` as cells whose edges lie halfway
  between neighbouring ticks (geometric midpoints on a log axis), a colour bar labelled ``zlabel``, and
  the series drawn on top in the same data coordinates (e.g. a predicted boundary over measured errors).
- ``histogram``: each series' ``y`` values, binned on shared bins; reference lines as for ``lines``.

Determinism: matplotlib's default style (not the user's matplotlibrc), a fixed size and dpi, and no
``Software`` entry in the PNG, so the same Plot gives byte-identical files (given the same matplotlib
and FreeType). matplotlib is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from checks.claim import Plot, Series

__all__ = ["DPI", "SIZE", "cell_edges", "render", "render_panels"]

SIZE = (6.4, 4.2)  # inches
DPI = 100
_STYLES: dict[str, dict[str, Any]] = {
    "line": {"linestyle": "-", "marker": "o", "markersize": 3.5},
    "points": {"linestyle": "none", "marker": "o", "markersize": 4.5},
    "dashed": {"linestyle": "--", "marker": None},
}
_REF_STYLES = (":", "-.", (0, (5, 2, 1, 2)), (0, (1, 3)))  # reference lines: black, told apart by dash pattern
_MARKERS = ("s", "^", "D", "v")
_MAX_BINS = 50
_TITLE_WIDTH = 78  # characters per title line
_LEGEND_INSIDE = 6  # more legend entries than this go beside the axes


def _finite(values: Sequence[float]) -> list[float]:
    """The values with NaN/±inf as NaN (a gap), which matplotlib leaves out of lines and limits."""
    return [float(v) if math.isfinite(v) else math.nan for v in values]


def cell_edges(ticks: Sequence[float], log: bool = False) -> list[float]:
    """Edges of the cells centred on sorted ``ticks``: midpoints between neighbours (geometric ones when
    ``log``), the outer edges half a neighbouring step beyond; a single tick gets a cell of width 1
    (a factor of 2 either way when ``log``)."""
    t = [float(x) for x in ticks]
    if not t:
        raise ValueError("ticks must not be empty")
    if any(not math.isfinite(x) for x in t):
        raise ValueError(f"ticks must be finite, got {t}")
    if any(b <= a for a, b in pairwise(t)):
        raise ValueError(f"ticks must be strictly increasing, got {t}")
    if log:
        if t[0] <= 0:
            raise ValueError(f"ticks on a log axis must be > 0, got {t}")
        if len(t) == 1:
            return [t[0] / 2, t[0] * 2]
        mids = [math.sqrt(a * b) for a, b in pairwise(t)]
        return [t[0] * math.sqrt(t[0] / t[1]), *mids, t[-1] * math.sqrt(t[-1] / t[-2])]
    if len(t) == 1:
        return [t[0] - 0.5, t[0] + 0.5]
    mids = [(a + b) / 2 for a, b in pairwise(t)]
    return [t[0] - (t[1] - t[0]) / 2, *mids, t[-1] + (t[-1] - t[-2]) / 2]


def _errorbars(s: Series) -> list[list[float]] | None:
    if not s.lo and not s.hi:
        return None
    lo = s.lo or s.y
    hi = s.hi or s.y
    below = [max(y - v, 0.0) if math.isfinite(y) and math.isfinite(v) else 0.0 for y, v in zip(s.y, lo, strict=True)]
    above = [max(v - y, 0.0) if math.isfinite(y) and math.isfinite(v) else 0.0 for y, v in zip(s.y, hi, strict=True)]
    return [below, above]


def _draw_series(ax: Any, series: Sequence[Series], on_map: bool = False) -> None:
    """The series over the axes; ``on_map`` (over a heatmap's colours): markers and lines get a white edge, so that
    they stay visible on any cell colour."""
    for i, s in enumerate(series):
        # the colour cycle has 10 colours: later series change marker so that no two look the same
        style = {**_STYLES[s.style], "color": f"C{i % 10}"}
        if on_map:
            style.update(markeredgecolor="white", markeredgewidth=0.9)
        if i >= 10 and style["marker"] is not None:
            style["marker"] = _MARKERS[(i // 10 - 1) % len(_MARKERS)]
        elif i >= 10:
            style["linestyle"] = (0, (6, 2, 1, 2, 1, 2))
        yerr = _errorbars(s)
        if yerr is None:
            ax.plot(_finite(s.x), _finite(s.y), label=s.label or None, **style)
        else:
            ax.errorbar(_finite(s.x), _finite(s.y), yerr=yerr, capsize=3, label=s.label or None, **style)


def _reference_lines(ax: Any, plot: Plot) -> None:
    lines = [(ax.axhline, v, label) for v, label in plot.hlines] + [(ax.axvline, v, label) for v, label in plot.vlines]
    for i, (draw, value, label) in enumerate(lines):
        if math.isfinite(value):
            draw(value, color="black", linewidth=1.0, linestyle=_REF_STYLES[i % len(_REF_STYLES)],
                 label=label or None)


def _log_axes(ax: Any, plot: Plot) -> None:
    """Log scales as asked, labelled 0.5, 2, 30 rather than 5×10⁻¹, 2×10⁰, 3×10¹."""
    from matplotlib.ticker import LogFormatter

    class Plain(LogFormatter):  # LogFormatter picks which ticks to label; the label is the number as %g
        def _num_to_string(self, x: float, vmin: float, vmax: float) -> str:
            return f"{x:g}"

    for axis, log, scale in ((ax.xaxis, plot.xlog, ax.set_xscale), (ax.yaxis, plot.ylog, ax.set_yscale)):
        if log:
            scale("log")
            axis.set_major_formatter(Plain(labelOnlyBase=False))
            axis.set_minor_formatter(Plain(labelOnlyBase=False, minor_thresholds=(2, 0.4)))


def _lines(fig: Any, ax: Any, plot: Plot) -> None:
    _log_axes(ax, plot)
    _draw_series(ax, plot.series)
    _reference_lines(ax, plot)


def _heatmap(fig: Any, ax: Any, plot: Plot) -> None:
    import numpy as np
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    if not plot.grid:
        _no_data(ax)
        return
    # cells in increasing tick order, whatever order the plot lists them in
    xs = sorted(range(len(plot.xticks)), key=lambda j: plot.xticks[j])
    ys = sorted(range(len(plot.yticks)), key=lambda i: plot.yticks[i])
    xt = [float(plot.xticks[j]) for j in xs]
    yt = [float(plot.yticks[i]) for i in ys]
    z = np.array([[plot.grid[i][j] for j in xs] for i in ys], dtype=float)
    xe, ye = cell_edges(xt, plot.xlog), cell_edges(yt, plot.ylog)
    if plot.xlog:
        ax.set_xscale("log")
    if plot.ylog:
        ax.set_yscale("log")
    if plot.levels:
        _categorical(fig, ax, plot, np.ma.masked_invalid(z), xe, ye)
    else:
        lo, hi = plot.zrange if plot.zrange is not None else (None, None)
        mesh = ax.pcolormesh(xe, ye, np.ma.masked_invalid(z), cmap="viridis", shading="flat", vmin=lo, vmax=hi)
        fig.colorbar(mesh, ax=ax, label=plot.zlabel)
    for axis, ticks in ((ax.xaxis, xt), (ax.yaxis, yt)):
        axis.set_major_locator(FixedLocator(ticks))
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        axis.set_minor_locator(NullLocator())
        axis.set_minor_formatter(NullFormatter())
    _draw_series(ax, plot.series, on_map=True)
    _reference_lines(ax, plot)
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])


# A categorical heatmap's colours, by the level's rank (lowest value first): a colour-blind-safe red, grey, blue
# for the cut-off maps' surely below / undecided / surely above; more levels take further fixed colours.
LEVEL_COLOURS = ("#d55e00", "#bbbbbb", "#0072b2", "#009e73", "#cc79a7", "#f0e442")


def _categorical(fig: Any, ax: Any, plot: Plot, z: Any, xe: list[float], ye: list[float]) -> None:
    """Each level's cells in its fixed colour (by rank of value), a legend of the levels present and absent alike;
    a cell that matches no level is left blank."""
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    levels = sorted(plot.levels)
    if len(levels) > len(LEVEL_COLOURS):
        raise ValueError(f"plot {plot.name!r}: at most {len(LEVEL_COLOURS)} levels, got {len(levels)}")
    index = np.full(z.shape, np.nan)
    for k, (value, _) in enumerate(levels):
        index[np.isclose(z.filled(np.nan), value)] = k
    colours = LEVEL_COLOURS[:len(levels)]
    ax.pcolormesh(xe, ye, np.ma.masked_invalid(index), cmap=ListedColormap(colours), shading="flat",
                  vmin=-0.5, vmax=len(levels) - 0.5)
    ax.legend(handles=[Patch(facecolor=c, edgecolor="black", label=lab) for c, (_, lab) in zip(colours, levels,
                                                                                                 strict=True)],
              title=plot.zlabel or None, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)


def _histogram(fig: Any, ax: Any, plot: Plot) -> None:
    import numpy as np

    data = [[float(v) for v in s.y if math.isfinite(v)] for s in plot.series]
    pooled = [v for values in data for v in values]
    if not pooled:
        _no_data(ax)
        _reference_lines(ax, plot)
        return
    xlog = plot.xlog and min(pooled) > 0  # a log x axis only when every value can sit on it
    if xlog:
        lo, hi = math.log10(min(pooled)), math.log10(max(pooled))
        if hi == lo:
            lo, hi = lo - 0.5, hi + 0.5
        bins = np.logspace(lo, hi, min(_MAX_BINS, max(5, int(math.sqrt(len(pooled))))) + 1)
    else:
        bins = np.histogram_bin_edges(np.array(pooled), bins="auto")
        if len(bins) > _MAX_BINS + 1:
            bins = np.linspace(bins[0], bins[-1], _MAX_BINS + 1)
    _log_axes(ax, replace(plot, xlog=xlog))
    multiple = len(plot.series) > 1
    for s, values in zip(plot.series, data, strict=True):
        ax.hist(values, bins=bins, alpha=0.55 if multiple else 0.85, label=s.label or None,
                histtype="stepfilled", edgecolor="black", linewidth=0.6)
    _reference_lines(ax, plot)


def _no_data(ax: Any) -> None:
    ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center")


_KINDS = {"lines": _lines, "heatmap": _heatmap, "histogram": _histogram}


# the figure formats a report can add beside each PNG (bovit report --formats), with the metadata that would make
# the file differ from one render to the next left out
EXTRA_FORMATS: dict[str, dict[str, None]] = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}


def render(plot: Plot, path: Path, formats: tuple[str, ...] = ()) -> None:
    """Draw ``plot`` to the PNG file ``path`` (its folder is created), and in each of ``formats`` (EXTRA_FORMATS)
    beside it with the same stem; deterministic for a given Plot."""
    for fmt in formats:
        if fmt not in EXTRA_FORMATS:
            raise ValueError(f"formats must be among {', '.join(EXTRA_FORMATS)}, got {fmt!r}")
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if plot.kind not in _KINDS:
        raise ValueError(f"plot kind must be one of {', '.join(_KINDS)}, got {plot.kind!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # not the user's matplotlibrc; SVG ids hashed from a fixed salt, so that an SVG is the same from render to render
    with matplotlib.style.context("default"), matplotlib.rc_context({"svg.hashsalt": "bovit"}):
        fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        _KINDS[plot.kind](fig, ax, plot)
        ax.set_title(textwrap.fill(plot.title, _TITLE_WIDTH), fontsize=10)
        ax.set_xlabel(plot.xlabel)
        ax.set_ylabel(plot.ylabel)
        entries = len(ax.get_legend_handles_labels()[1])
        if entries > _LEGEND_INSIDE:
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        elif entries:
            ax.legend(fontsize=8, loc="best", framealpha=0.8)
        fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
        for fmt in formats:
            fig.savefig(path.with_suffix(f".{fmt}"), format=fmt, metadata=EXTRA_FORMATS[fmt])


def render_panels(plots: Sequence[Plot], path: Path, title: str, columns: int = 4) -> None:
    """Draw ``plots`` side by side on one PNG (``columns`` per row, each panel titled by its Plot's title and drawn
    as :func:`render` draws it alone), under the figure title ``title``; deterministic for given Plots."""
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not plots:
        raise ValueError("plots must not be empty")
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise ValueError(f"columns must be an integer >= 1, got {columns!r}")
    for p in plots:
        if p.kind not in _KINDS:
            raise ValueError(f"plot kind must be one of {', '.join(_KINDS)}, got {p.kind!r}")
    cols = min(columns, len(plots))
    rows = math.ceil(len(plots) / cols)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.style.context("default"), matplotlib.rc_context({"svg.hashsalt": "bovit"}):
        fig = Figure(figsize=(4.2 * cols, 3.4 * rows), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        # line panels share their y range, so that panels compare at a glance
        ys = [v for p in plots if p.kind == "lines" for sr in p.series for v in _finite(sr.y) if not math.isnan(v)]
        for i, p in enumerate(plots):
            ax = fig.add_subplot(rows, cols, i + 1)
            _KINDS[p.kind](fig, ax, p)
            ax.set_title(textwrap.fill(p.title, 40), fontsize=9)
            ax.set_xlabel(p.xlabel, fontsize=8)
            ax.set_ylabel(p.ylabel, fontsize=8)
            if p.kind == "lines" and ys and not p.ylog:
                pad = 0.05 * (max(ys) - min(ys) or 1.0)
                ax.set_ylim(min(ys) - pad, max(ys) + pad)
                ax.ticklabel_format(axis="y", useOffset=False)
            if i == 0 and ax.get_legend_handles_labels()[1]:  # one legend: every panel draws the same series
                ax.legend(fontsize=6, loc="best", framealpha=0.8)
            elif (legend := ax.get_legend()) is not None:
                legend.remove()
        fig.suptitle(textwrap.fill(title, 120), fontsize=11)
        fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
