"""Feasibility solving: the smallest d, d_h or N, the largest τ or η, or the σ_h window that
satisfies Condition 4.1 and a chosen case of Theorem 4.2, given the rest of the point.

The point is given as the user knows it (``snr`` or ``mu``, ``tau`` or ``tau_rel``), and what the
user fixed stays fixed while the target moves: with ``snr`` and ``sigma_p`` fixed, ‖µ‖ = SNR·σ_p·√d
grows with d. Each constraint is scanned over a log grid of the target and its boundaries are
refined by bisection, so non-monotone constraints (C4.1.4 in d when SNR is fixed) are handled.
When nothing works, the answer names the constraints that conflict and what each needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bounds.condition41 import CONDITION_4_1, DERIVED
from bounds.params import Constants, Params
from bounds.symbolic import ItemResult, Statement, evaluate_many, point_values
from bounds.theorem42 import CASE1, CASE2
from bounds.validate import choice

__all__ = ["CASES", "TARGETS", "SolveResult", "solve"]

TARGETS: dict[str, tuple[str, bool, tuple[float, float]]] = {
    # target: (goal, integer?, search domain)
    "d": ("smallest", True, (2.0, 1e18)),
    "dh": ("smallest", True, (2.0, 1e18)),
    "N": ("smallest", True, (1.0, 1e18)),
    "tau": ("largest", False, (0.0, math.nan)),  # domain set from ‖µ‖
    "eta": ("largest", False, (1e-40, 1e6)),
    "sigma_h": ("window", False, (1e-40, 1e6)),
}
CASES: dict[str, tuple[Statement, ...]] = {"case1": CASE1, "case2": CASE2, "none": ()}
_GRID = 500


Status = Literal["binds", "depends", "fixed-holds", "fixed-fails", "unknown"]


@dataclass(frozen=True)
class ConstraintReport:
    """What one statement asks of the target: ``needs`` in words, or why it was left out."""

    id: str
    status: Status
    needs: str


@dataclass(frozen=True)
class SolveResult:
    target: str
    goal: str
    case: str
    feasible: bool
    value: float | None
    window: tuple[float, float] | None
    intervals: tuple[tuple[float, float], ...]
    binding: tuple[str, ...]
    constraints: tuple[ConstraintReport, ...]
    explanation: str
    point: Params | None

    def as_json(self) -> dict[str, object]:
        return {
            "target": self.target, "goal": self.goal, "case": self.case, "feasible": self.feasible,
            "value": self.value, "window": list(self.window) if self.window else None,
            "intervals": [list(iv) for iv in self.intervals], "binding": list(self.binding),
            "constraints": [{"id": c.id, "status": c.status, "needs": c.needs} for c in self.constraints],
            "explanation": self.explanation,
            "point": None if self.point is None else self.point.as_dict(),
        }


def _fmt(x: float) -> str:
    return f"{x:.4g}"


class _Scan:
    """Evaluates the chosen statements at target values, building Params from the user's spec."""

    def __init__(self, spec: dict[str, object], target: str, statements: tuple[Statement, ...],
                 consts: Constants, integer: bool) -> None:
        self.spec, self.target, self.statements, self.consts = spec, target, statements, consts
        self.integer = integer

    def params(self, x: float) -> Params:
        spec = dict(self.spec)
        if self.target == "tau":
            spec.pop("tau_rel", None)
        spec[self.target] = round(x) if self.integer else x
        return Params.from_inputs(**spec)

    def at(self, x: float) -> list[ItemResult]:
        return evaluate_many(self.statements, point_values(self.params(x), self.consts))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges [i, j] of consecutive True entries."""
    out, start = [], None
    for i, flag in enumerate(mask):
        if flag and start is None:
            start = i
        if not flag and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(mask) - 1))
    return out


def _bisect(scan: _Scan, pred: Callable[[float], bool], a: float, b: float) -> float:
    """Boundary between a (pred True) and b (pred False); returns the last x where pred holds."""
    for _ in range(200):
        mid: float
        if scan.integer:
            if abs(b - a) <= 1:
                return a
            mid = math.floor((a + b) / 2) if a < b else math.ceil((a + b) / 2)
        else:
            mid = math.sqrt(a * b) if a > 0 and b > 0 else (a + b) / 2
            if mid in (a, b) or abs(b - a) <= 1e-12 * max(abs(a), abs(b)):
                return a
        if pred(mid):
            a = mid
        else:
            b = mid
    return a


def _refined_runs(
    scan: _Scan, xs: np.ndarray, mask: np.ndarray, pred: Callable[[float], bool]
) -> list[tuple[float, float]]:
    """The intervals where ``pred`` holds: runs of the grid ``mask``, each end bisected to the boundary."""
    out = []
    for a_i, b_i in _runs(mask):
        a, b = float(xs[a_i]), float(xs[b_i])
        if a_i > 0:
            a = _bisect(scan, pred, a, float(xs[a_i - 1]))
        if b_i < len(xs) - 1:
            b = _bisect(scan, pred, b, float(xs[b_i + 1]))
        out.append((a, b))
    return out


def _grid(target: str, spec: dict[str, object], integer: bool) -> np.ndarray:
    _, _, (lo, hi) = TARGETS[target]
    if target == "tau":
        base = Params.from_inputs(**{k: v for k, v in spec.items() if k != "tau_rel"})
        if base.mu is None:
            raise ValueError("solving for tau needs mu (or snr with sigma_p), got mu=None")
        lo, hi = 1e-12 * base.mu, 10 * base.mu
        return np.concatenate([[0.0], np.geomspace(lo, hi, _GRID)])
    xs = np.geomspace(lo, hi, _GRID)
    if integer:
        xs = np.unique(np.round(xs))
    return xs


def _describe_set(target: str, runs: list[tuple[float, float]], lo: float, hi: float) -> str:
    if not runs:
        return f"no {target} in [{_fmt(lo)}, {_fmt(hi)}]"
    parts = []
    for a, b in runs:
        if a <= lo and b >= hi:
            parts.append(f"any {target}")
        elif a <= lo:
            parts.append(f"{target} ≤ {_fmt(b)}")
        elif b >= hi:
            parts.append(f"{target} ≥ {_fmt(a)}")
        else:
            parts.append(f"{_fmt(a)} ≤ {target} ≤ {_fmt(b)}")
    return " or ".join(parts)


def solve(
    target: str,
    spec: dict[str, object],
    *,
    case: str = "case1",
    consts: Constants | None = None,
    include_derived: bool = False,
) -> SolveResult:
    """Solve for ``target`` given the partial point ``spec`` (keyword inputs of
    :meth:`Params.from_inputs`); ``case`` adds that case's hypotheses to Condition 4.1."""
    choice("target", target, tuple(TARGETS))
    choice("case", case, tuple(CASES))
    consts = consts or Constants()
    goal, integer, _ = TARGETS[target]
    statements = CONDITION_4_1 + (DERIVED if include_derived else ()) + CASES[case]
    spec = {k: v for k, v in spec.items() if v is not None}
    if target in spec or (target == "tau" and "tau_rel" in spec):
        Params.from_inputs(**spec)  # an invalid given value is named as such first
        given = target if target in spec else "tau_rel"
        raise ValueError(f"{given} must be left out: solve finds {target} (--for {target}), got "
                         f"{given}={spec[given]!r}")
    scan = _Scan(spec, target, statements, consts, integer)
    xs = _grid(target, spec, integer)
    scan.params(float(xs[-1]))  # validates the rest of the point before scanning
    lo, hi = float(xs[0]), float(xs[-1])
    rows = [scan.at(float(x)) for x in xs]

    reports: list[ConstraintReport] = []
    active: list[int] = []
    sets: dict[int, list[tuple[float, float]]] = {}
    for j, st in enumerate(statements):
        col = [row[j] for row in rows]
        if all(r.holds is None for r in col):
            needs = ", ".join(sorted({m for r in col for m in r.missing}))
            reports.append(ConstraintReport(st.id, "unknown", f"left out: needs {needs}"))
            continue
        holds = np.array([bool(r.holds) for r in col])

        def holds_at(x: float, j: int = j) -> bool:
            return bool(scan.at(x)[j].holds)

        runs = _refined_runs(scan, xs, holds, holds_at)
        sets[j] = runs
        sides = np.array([(r.lhs, r.rhs) for r in col], dtype=float)
        constant = bool(np.allclose(sides, sides[0], rtol=1e-9, atol=0.0))
        if constant:
            status: Status = "fixed-holds" if holds.all() else "fixed-fails"
            # constant sides are all known: an unknown side is NaN in ``sides``, and NaN is close to nothing
            lhs, rhs = float(sides[0, 0]), float(sides[0, 1])
            reports.append(ConstraintReport(
                st.id, status,
                f"does not depend on {target}: {st.text} "
                f"({'holds' if holds.all() else 'fails'}: {_fmt(lhs)} vs {_fmt(rhs)})"))
        else:
            reports.append(ConstraintReport(st.id, "depends", _describe_set(target, runs, lo, hi)))
        active.append(j)

    feasible_mask = np.ones(len(xs), dtype=bool)
    for j in active:
        feasible_mask &= np.array([bool(row[j].holds) for row in rows])

    def all_hold(x: float) -> bool:
        row = scan.at(x)
        return all(bool(row[j].holds) for j in active)

    intervals = _refined_runs(scan, xs, feasible_mask, all_hold)

    if not intervals:
        explanation = _conflict(target, statements, sets, reports, lo, hi, case)
        return SolveResult(target, goal, case, False, None, None, (), (), tuple(reports), explanation, None)

    if integer:
        intervals = [(float(round(a)), float(round(b))) for a, b in intervals]
    value: float | None = None
    window: tuple[float, float] | None = None
    if goal == "window":
        window = (intervals[0][0], intervals[-1][1])
        probes = [window[0] * (1 - 1e-9), window[1] * (1 + 1e-9)]
        at = math.sqrt(window[0] * window[1])  # the point shown: the window's geometric middle
        found = f"σ_h window: {_fmt(window[0])} ≤ σ_h ≤ {_fmt(window[1])}"
    else:
        if goal == "smallest":
            end = intervals[0][0]
            probes = [end - 1 if integer else end * (1 - 1e-9)]
        else:
            end = intervals[-1][1]
            probes = [end + 1 if integer else end * (1 + 1e-9)]
        value = at = int(end) if integer else end
        found = f"{goal} {target} = {_fmt(value)}"
    binding: list[str] = []
    for x in probes:
        if lo <= x <= hi:
            row = scan.at(x)
            binding += [statements[j].id for j in active if row[j].holds is False]
    binding = list(dict.fromkeys(binding))
    reports = [ConstraintReport(r.id, "binds", r.needs) if r.id in binding and r.status == "depends" else r
               for r in reports]
    point = scan.params(at)
    explanation = f"{found} (set by {', '.join(binding) or 'the search domain'})"
    if len(intervals) > 1:
        explanation += "; feasible set: " + _describe_set(target, intervals, lo, hi)
    return SolveResult(target, goal, case, True, value, window, tuple(intervals), tuple(binding),
                       tuple(reports), explanation, point)


def _conflict(target: str, statements: tuple[Statement, ...], sets: dict[int, list[tuple[float, float]]],
              reports: list[ConstraintReport], lo: float, hi: float, case: str) -> str:
    """Name what makes the problem infeasible: items the rest of the point already fails, items
    that fail for every target value, and pairs whose feasible sets do not meet."""
    by_id = {r.id: r for r in reports}
    fixed = [r for r in reports if r.status == "fixed-fails"]
    never = [statements[j].id for j, runs in sets.items()
             if not runs and by_id[statements[j].id].status == "depends"]
    parts = []
    if never:
        parts.append(f"cannot hold for any {target} in [{_fmt(lo)}, {_fmt(hi)}]: {', '.join(never)}")
    pairs = []
    items = [(j, runs) for j, runs in sets.items() if runs and by_id[statements[j].id].status == "depends"]
    for a in range(len(items)):
        for b in range(a + 1, len(items)):
            (ja, ra), (jb, rb) = items[a], items[b]
            if not any(x0 <= y1 and y0 <= x1 for x0, x1 in ra for y0, y1 in rb):
                pairs.append(f"{statements[ja].id} needs {_describe_set(target, ra, lo, hi)} but "
                             f"{statements[jb].id} needs {_describe_set(target, rb, lo, hi)}")
    if pairs:
        parts.append("conflicting: " + "; ".join(pairs))
    if fixed:
        parts.append(f"fail whatever {target} is (fixed by the rest of the point): "
                     + "; ".join(f"{r.id} {r.needs.split(': ', 1)[-1]}" for r in fixed))
    if not parts:
        parts.append("no two constraints conflict alone, but no value meets all of them: "
                     + "; ".join(f"{r.id}: {r.needs}" for r in reports if r.status == "depends"))
    return f"no {target} satisfies Condition 4.1 and {case} here. " + ". ".join(parts)
