"""hypothesis searches inside the regimes of the pointwise claims, steered toward the worst point: the largest
ratio of observed error (or drop) to the claim's bound, or, for Theorem 4.2(3), the smallest implied constant.

The claims' own checks read fixed grids (simulate.grid presets); a search draws further points inside the
claim's regime (checks/strategies.py), trains each (or reads it from the store), judges it and steers. Each
search is a claim of its own (``<claim>.search``, with the claim's kind, statement and quote), so `bovit run`
evaluates it and stores its Finding, `pytest checks` settles it (checks/test_search.py) and `bovit report`
shows its points (reports/searched.py); its runs are the points it drew, so it has no preset.

How a search draws (:func:`search`), with ``budget`` = the profile's ``search_examples`` distinct points:

- half the budget (rounded up) is drawn by hypothesis from the whole regime, each point judged and its
  steering value passed to ``target()``;
- each remaining point is drawn near the worst point so far (the strategies' ``around``: a pseudo-random
  neighbour whose generator's seed hypothesis draws), hypothesis rejecting (``assume``) every point already
  judged, so each round moves to an untried neighbour of the worst point.

hypothesis's own target phase starts only after max(max_examples/2, 10) valid examples, so within the budgets
of ci (4) and default (10) ``target()`` alone would never steer; the rounds near the worst point are the
steering there, and ``target()`` adds hypothesis's optimiser where a budget is larger. Every draw is seeded
(``seed``, then ``seed + round``) and the database is off, so the same seed draws the same points, and no
example is shrunk (each trains a model).

The verdicts are a pure function of the points drawn (``Claim.check``), at the Bonferroni level over the
budget, so the stability check and the tolerance sensitivity re-judge the same points.
"""

from __future__ import annotations

import dataclasses
import math
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, assume, given, settings, target
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from bounds import formulas
from checks import derived, lemmas, theorem42, theorem43
from checks.claim import Claim, Finding, Records, attacked_errors, scoped
from checks.derived import INSIDE, OUTSIDE, SHARP, threshold_of
from checks.profiles import Profile
from checks.scope import scope_of
from checks.stats import (
    CHANCE,
    LEVEL,
    ImpliedConstant,
    Verdict,
    bonferroni_level,
    bound_verdict,
    implied_constant,
    lower_bound_verdict,
)
from checks.strategies import NEAR_KEEP, case_of, near_choice, near_radius, neighbours, radii, t42_point, trained_point
from checks.tolerances import tol
from simulate.config import AttackSpec, RunConfig
from simulate.grid import at_run, ic1_radii
from simulate.results import need, radius, radius_name
from simulate.store import RunRecord

__all__ = ["COLUMNS", "SEARCHES", "SEARCH_SEED", "Drawn", "Search", "constant_judge", "drawn_configs", "search",
           "search_level", "summarise", "summarise_constant", "sweep_command"]

SEARCH_SEED = 0  # the seed of every search's first round (round i draws with SEARCH_SEED + i)
# one point's outcome: (verdict, steering value — larger is closer to a counterexample, what was seen)
Outcome = tuple[Verdict, float, str]
Judge = Callable[[RunConfig, RunRecord, float], Outcome]
# a search's points: the whole regime (None) or near a point already judged
Points = Callable[[Profile, RunConfig | None], st.SearchStrategy[RunConfig]]
# the evidence table of every search, one row per point in the order drawn (reports/searched.py reads it)
COLUMNS = ("draw", "run", "point verdict", "steering value", "what was seen", "worst", "reproduce")
WORST = "worst"
# target() needs a finite value: a point that says nothing (a run that did not reach ε) steers like this
NO_VALUE = -1e300
# a point with no error has no finite upper limit of C: it steers below every point with one (their −Ĉ upper
# limits are above −ZERO_ERRORS for any n ≤ 10⁶ and g ≥ 10⁻⁵), toward the smallest lower limit among themselves
ZERO_ERRORS = 1e6


@dataclass(frozen=True)
class Drawn:
    """One point a search drew: its run and its outcome."""

    config: RunConfig
    record: RunRecord
    outcome: Outcome


def _finite(x: float) -> float:
    return x if math.isfinite(x) else NO_VALUE if (math.isnan(x) or x < 0) else -NO_VALUE


def search(points: Callable[[RunConfig | None], st.SearchStrategy[RunConfig]],
           judge: Callable[[RunConfig, RunRecord], Outcome], read: Callable[[RunConfig], RunRecord], budget: int,
           *, seed: int = SEARCH_SEED, steer: bool = True) -> list[Drawn]:
    """Draw ``budget`` distinct points, read each one's run (``read`` trains it if need be), judge it and
    steer: half the budget from ``points(None)``, the rest one by one from ``points(worst)`` near the worst
    point so far (see the module docstring). ``steer=False`` draws the whole budget from ``points(None)``
    (the undirected search the steering is measured against). Stops early when no untried point is left."""
    for name, f in (("points", points), ("judge", judge), ("read", read)):
        if not callable(f):
            raise ValueError(f"{name} must be callable, got {f!r}")
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ValueError(f"budget must be a positive integer, got {budget!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seen: list[Drawn] = []
    tried: set[RunConfig] = set()

    def draw(strategy: st.SearchStrategy[RunConfig], n: int, round_seed: int) -> None:
        def probe(c: RunConfig) -> None:
            assume(c not in tried)
            rec = read(c)
            outcome = judge(c, rec)
            target(_finite(outcome[1]), label="steering value")
            tried.add(c)
            seen.append(Drawn(c, rec, outcome))

        run = hypothesis_seed(round_seed)(settings(
            max_examples=n, derandomize=True, deadline=None, database=None, print_blob=False,
            phases=[Phase.generate, Phase.target] if steer else [Phase.generate],
            suppress_health_check=list(HealthCheck))(given(strategy)(probe)))
        run()

    first = budget - budget // 2 if steer else budget
    draw(points(None), first, seed)
    for i in range(budget - first):
        worst = max(seen, key=lambda s: s.outcome[1])
        try:
            draw(points(worst.config), 1, seed + 1 + i)
        except Unsatisfiable:
            break  # every neighbour of the worst point is tried
    return seen


def search_level(profile: Profile, n: int, kinds: int = 1) -> float:
    """The per-point confidence level of a search: Bonferroni over ``kinds`` estimates at each of its points
    (the budget, or ``n`` if more were judged)."""
    if not isinstance(profile, Profile):
        raise ValueError(f"profile must be a Profile, got {profile!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    return bonferroni_level(LEVEL, kinds * max(profile.search_examples, n))


# ---- the reproducing command ----------------------------------------------------------------------------------


_REQUIRED = object()  # a field with no default (N): always written


def _defaults() -> dict[str, object]:
    out: dict[str, object] = {}
    for f in dataclasses.fields(RunConfig):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
        else:
            out[f.name] = _REQUIRED
    return out


_DEFAULTS = _defaults()


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(_text(v) for v in value)
    return repr(value) if isinstance(value, float) else str(value)


def sweep_command(c: RunConfig) -> str:
    """The `bovit sweep` command that trains exactly this run (the same store key) and prints its error counts:
    every field that differs from RunConfig's default, with the seed as its one axis."""
    if not isinstance(c, RunConfig):
        raise ValueError(f"c must be a RunConfig, got {c!r}")
    parts = ["bovit", "sweep", "--axis", f"seed={c.seed}"]
    for name, default in _DEFAULTS.items():
        value = getattr(c, name)
        if name == "seed" or value == default or (name == "mu" and c.snr is not None):
            continue
        if isinstance(value, AttackSpec):
            assert isinstance(default, AttackSpec)
            for key, suffix in (("kind", ""), ("steps", "_steps"), ("step_rel", "_step_rel"),
                                ("random_start", "_random_start"), ("restarts", "_restarts")):
                if getattr(value, key) != getattr(default, key):
                    parts += ["--set", f"{name}{suffix}={_text(getattr(value, key)).lower()}"]
            continue
        parts += ["--set", f"{name}={_text(value)}"]
    parts.append("--no-progress")
    return shlex.join(parts)


# ---- summaries ------------------------------------------------------------------------------------------------


def _worst(seen: Sequence[Drawn]) -> int:
    """The index of the worst point: the largest steering value, the first drawn among equals."""
    return max(range(len(seen)), key=lambda i: (seen[i].outcome[1], -i))


def _rows(seen: Sequence[Drawn], worst: int) -> tuple[tuple[str, ...], ...]:
    return (COLUMNS, *((str(i + 1), s.config.label(), s.outcome[0], f"{s.outcome[1]:.4g}", s.outcome[2],
                        WORST if i == worst else "", sweep_command(s.config)) for i, s in enumerate(seen)))


def summarise(claim: str, seen: Sequence[Drawn], *, scoped_: bool = False) -> Finding:
    """A pointwise claim over the drawn points: refuted if any point is, confirmed if all are, inconclusive
    otherwise; out of scope (keeping the data verdict) when ``scoped_`` and the points miss Condition 4.1."""
    if not seen:
        raise ValueError(f"seen must hold at least one drawn point, got none ({claim})")
    w = _worst(seen)
    worst = seen[w]
    key = f"{len(seen)} points searched; worst ratio {worst.outcome[1]:.3g} at draw {w + 1}, {worst.config.label()}"
    refuted = [f"{s.config.label()}: {s.outcome[2]}" for s in seen if s.outcome[0] == "refuted"]
    verdict: Verdict
    if refuted:
        verdict, reason = "refuted", f"{len(refuted)} of {len(seen)} drawn points: " + "; ".join(refuted[:2])
    elif all(s.outcome[0] == "confirmed" for s in seen):
        verdict, reason = "confirmed", f"all {len(seen)} drawn points hold; the worst: {worst.outcome[2]}"
    else:
        open_ = [f"{s.config.label()}: {s.outcome[2]}" for s in seen if s.outcome[0] != "confirmed"]
        verdict, reason = "inconclusive", "; ".join(open_[:2])
    rows = _rows(seen, w)
    if scoped_:
        ok, why = scope_of([(s.config, s.record) for s in seen])
        return scoped(claim, ok, why, verdict, reason, key, rows)
    return Finding(claim, verdict, reason, key, evidence=rows)


# ---- Theorem 4.2(3): the implied constant ---------------------------------------------------------------------


def _constants(c: RunConfig, rec: RunRecord, g: formulas.Formula,
               level: float) -> tuple[ImpliedConstant, ImpliedConstant] | None:
    """The implied constant at a run from the attack's count (its upper limit bounds C from above: the robust
    error is at least the attack's) and from the certified count (its lower limit bounds C from below); None
    for a run that did not reach ε (Theorem 4.2 is about θ^(T), where the robust training loss is ≤ ε)."""
    res = rec.result
    if not res.converged:
        return None
    value = at_run(g, c)
    cert = need(res.robust_errors_certified, "robust_errors_certified")
    k_lo = attacked_errors(res)
    return (implied_constant(k_lo, res.n_test, value, level),
            implied_constant(max(cert, k_lo), res.n_test, value, level))


def constant_judge(g: formulas.Formula, floor: float) -> Judge:
    """One point of "error ≤ exp(−C·g) with C > ``floor``": refuted when the upper limit of C (attack) is at most
    ``floor``, confirmed when its lower limit (certificate) is above it, inconclusive otherwise. The steering
    value is −(upper limit of C), so the search moves toward the smallest constant a point allows."""
    if not isinstance(g, formulas.Formula):
        raise ValueError(f"g must be a bounds.formulas Formula, got {g!r}")
    if not isinstance(floor, int | float) or isinstance(floor, bool) or not math.isfinite(floor) or floor < 0:
        raise ValueError(f"floor must be a finite number >= 0, got {floor!r}")

    def judge(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
        both = _constants(c, rec, g, level)
        case = case_of(c)
        if both is None:
            return ("inconclusive", NO_VALUE,
                    f"{case}: did not reach ε = {c.eps:g} in {rec.result.iterations} iterations (left out)")
        attack, cert = both
        upper, lower = attack.c_hi, cert.c_lo
        verdict: Verdict = "refuted" if upper <= floor else "confirmed" if lower > floor else "inconclusive"
        steer = -upper if math.isfinite(upper) else -(ZERO_ERRORS + lower)
        return (verdict, steer, f"{case}, g = {attack.g:.4g}: robust errors {attack.k} (attack) – {cert.k} "
                                f"(certified) of {attack.n}; Ĉ = {attack.c_hat:.4g}, C in [{lower:.4g}, "
                                f"{upper:.4g}]")

    return judge


def summarise_constant(claim: str, seen: Sequence[Drawn], g: formulas.Formula, floor: float, level: float, *,
                       scoped_: bool = False) -> Finding:
    """"One C > ``floor`` with error ≤ exp(−C·g) at every point drawn", over the points that reached ε.

    At finitely many points a constant is compatible exactly when it is below every point's upper limit, so the
    claim is refuted when the smallest upper limit of C (attack counts) is at most ``floor``, confirmed when the
    smallest lower limit (certified counts) is above it, each at ``level`` per point (Bonferroni over the points
    and the two counts), inconclusive otherwise. With ``floor`` = 0, the paper's "some C > 0", only a robust
    error surely equal to 1 could refute, which no count of n shows: a search can confirm it at its points
    or leave it open, and reports the smallest constant found and where; a mutant pins the constant.
    """
    if not seen:
        raise ValueError(f"seen must hold at least one drawn point, got none ({claim})")
    judged = [(i, both) for i, s in enumerate(seen)
              if (both := _constants(s.config, s.record, g, level)) is not None]
    left_out = len(seen) - len(judged)
    w = _worst(seen)
    rows = _rows(seen, w)
    verdict: Verdict
    if not judged:
        verdict, reason, key = "inconclusive", f"none of the {len(seen)} drawn points reached ε", \
            f"{len(seen)} points searched; none reached ε"
    else:
        i_up, (att, _) = min(judged, key=lambda j: (j[1][0].c_hi, j[0]))
        i_lo, (_, cert) = min(judged, key=lambda j: (j[1][1].c_lo, j[0]))
        i_hat, (hat, _) = min(judged, key=lambda j: (j[1][0].c_hat, j[0]))
        at = f"{100 * level:.4g}% per point"
        smallest = (f"the smallest Ĉ is {hat.c_hat:.4g} at draw {i_hat + 1}, {seen[i_hat].config.label()}; the "
                    f"smallest upper limit of C {att.c_hi:.4g} (draw {i_up + 1}), the smallest lower limit "
                    f"{cert.c_lo:.4g} (draw {i_lo + 1}), {at}")
        if att.c_hi <= floor:
            verdict, reason = "refuted", f"no C > {floor:g} fits every point: {smallest}"
        elif cert.c_lo > floor:
            verdict, reason = "confirmed", f"every C in ({floor:g}, {cert.c_lo:.4g}] fits every point: {smallest}"
        else:
            verdict, reason = "inconclusive", f"C > {floor:g} is neither excluded nor established: {smallest}"
        key = (f"{len(seen)} points searched; smallest Ĉ {hat.c_hat:.3g} at draw {i_hat + 1}; C in "
               f"[{cert.c_lo:.3g}, {att.c_hi:.3g}] at the worst")
    if left_out:
        reason += f" ({left_out} drawn points that did not reach ε left out)"
    if scoped_:
        ok, why = scope_of([(s.config, s.record) for s in seen])
        return scoped(claim, ok, why, verdict, reason, key, rows)
    return Finding(claim, verdict, reason, key, evidence=rows)


# ---- the pointwise judges --------------------------------------------------------------------------------------

T43_BOUND = formulas.T43_BOUND.value()


def _t43_points(profile: Profile, around: RunConfig | None) -> st.SearchStrategy[RunConfig]:
    @st.composite
    def draw(d: st.DrawFn) -> RunConfig:
        # Theorem 4.3's radii τ ≥ ‖µ‖, up to 1.5‖µ‖
        if around is None:
            r = d(radii(1.0, 1.5))
        else:
            r = near_radius(d(neighbours()), around.eval_tau_rels[0], 1.0, 1.5)
        return d(trained_point(profile, eval_tau_rels=(r,), around=around))

    return draw()


def _t43_counts(c: RunConfig, rec: RunRecord) -> tuple[float, int, int, int]:
    """A Theorem 4.3 point's radius and robust error bracket there: (r, attacked, upper estimate, n)."""
    r = radius(c.eval_tau_rels[0])
    at, n = rec.result.at_tau_rel[r], rec.result.n_test
    cert = need(at.robust_errors_certified, "robust_errors_certified")
    attacked = attacked_errors(rec.result, r)
    return r, attacked, max(cert, attacked), n


def _judge_t43(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    r, k_lo, k_up, n = _t43_counts(c, rec)
    v = lower_bound_verdict(k_lo, k_up, n, T43_BOUND, level)
    rate = k_lo / n
    return (v.verdict, T43_BOUND / max(rate, 1 / n),
            f"robust error ≥ {rate:.3f} at τ/‖µ‖ = {radius_name(r)} (bound 1/4)")


def _judge_sharp(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    pairs = need(rec.result.midpoint_pairs_both_correct_at, "midpoint_pairs_both_correct_at")
    k = sum(pairs[r] for r in INSIDE)
    return ("refuted" if k else "confirmed", k + pairs[OUTSIDE] / rec.result.n_test,
            f"{k} coupled pairs survive at τ/‖µ‖ ≥ {radius_name(SHARP)} ({pairs[OUTSIDE]} at {OUTSIDE:.2f})")


def _judge_l55(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    lo = need(rec.result.drop_over_tau_u_max, "drop_over_tau_u_max") / c.M
    hi = need(rec.result.cert_drop_over_tau_u_max, "cert_drop_over_tau_u_max") / c.M
    verdict: Verdict = "refuted" if lo > 1 else "inconclusive" if hi > 1 else "confirmed"
    return verdict, lo, f"max Δ/(M·τ‖u‖) in [{lo:.3f}, {hi:.3f}] (τ/‖µ‖ = {c.tau_rel:g})"


def _ic1_points(profile: Profile, around: RunConfig | None) -> st.SearchStrategy[RunConfig]:
    @st.composite
    def draw(d: st.DrawFn) -> RunConfig:
        Ms = list(range(2, profile.dims["M"] + 1))
        M = d(st.sampled_from(Ms)) if around is None else near_choice(d(neighbours()), around.M, Ms, NEAR_KEEP)
        radii_ = ic1_radii(threshold_of(formulas.IC1_THRESHOLD), M)
        top = max(profile.snrs)
        return d(trained_point(profile, snr_range=(top, 2 * top), tau_rels=(0.02,), M=M, eval_tau_rels=radii_,
                               around=around))

    return draw()


def _judge_ic1(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    res, n = rec.result, rec.result.n_test
    if res.clean_errors / n > tol("CLEAN_FIT"):
        return "inconclusive", 0.0, f"M={c.M}: clean error {res.clean_errors}/{n} (does not fit: out of scope)"
    lo_r, hi_r = (radius(r) for r in c.eval_tau_rels)
    below, above = res.at_tau_rel[lo_r], res.at_tau_rel[hi_r]
    below_att, above_att = attacked_errors(res, lo_r), attacked_errors(res, hi_r)
    below_cert = max(need(below.robust_errors_certified, "robust_errors_certified"), below_att)
    above_cert = max(need(above.robust_errors_certified, "robust_errors_certified"), above_att)
    vb = bound_verdict(below_att, below_cert, n, 0.5, level)
    va = lower_bound_verdict(above_att, above_cert, n, 0.5, level)
    verdicts = {vb.verdict, va.verdict}
    verdict: Verdict = ("refuted" if "refuted" in verdicts else "confirmed" if verdicts == {"confirmed"}
                        else "inconclusive")
    ratio = max(below_cert / n / 0.5, 0.5 / max(above_att / n, 1 / n))
    return verdict, ratio, (f"M={c.M}: robust error {below_att}/{n} attacked, {below_cert}/{n} "
                            f"certified at {radius_name(lo_r)}; attacked {above_att}/{n} at "
                            f"{radius_name(hi_r)}")


# ---- the mutants' judges: each a false variant of a search's statement, on the same draws --------------------

def _judge_t43_at_most(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    """Theorem 4.3 reversed into an upper bound: robust error at most 1/4 at τ ≥ ‖µ‖."""
    r, k_lo, k_up, n = _t43_counts(c, rec)
    v = bound_verdict(k_lo, k_up, n, T43_BOUND, level)
    rate = k_lo / n
    return v.verdict, rate / T43_BOUND, f"robust error ≥ {rate:.3f} at τ/‖µ‖ = {radius_name(r)} (bound: at most 1/4)"


def _judge_sharp_survives(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    """The reverse of T4.3.sharp: some coupled pair survives the midpoint attack past ‖µ‖/√2."""
    pairs = need(rec.result.midpoint_pairs_both_correct_at, "midpoint_pairs_both_correct_at")
    k = sum(pairs[r] for r in INSIDE)
    return ("confirmed" if k else "refuted", 1.0 / (1 + k),
            f"{k} coupled pairs survive at τ/‖µ‖ ≥ {radius_name(SHARP)}")


def _judge_l55_over_m(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    """Lemma 5.5 with M inverted: Δ ≤ τ‖u‖/M."""
    lo = need(rec.result.drop_over_tau_u_max, "drop_over_tau_u_max") * c.M
    hi = need(rec.result.cert_drop_over_tau_u_max, "cert_drop_over_tau_u_max") * c.M
    verdict: Verdict = "refuted" if lo > 1 else "inconclusive" if hi > 1 else "confirmed"
    return verdict, lo, f"max Δ·M/(τ‖u‖) in [{lo:.3f}, {hi:.3f}] (bound 1)"


def _judge_ic1_early(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    """IC-1's jump moved to half its threshold: robust error already ≥ 1/2 at half of ‖µ‖/(√2·M)."""
    res, n = rec.result, rec.result.n_test
    if res.clean_errors / n > tol("CLEAN_FIT"):
        return "inconclusive", 0.0, f"M={c.M}: clean error {res.clean_errors}/{n} (does not fit: out of scope)"
    key = radius(c.eval_tau_rels[0])
    attacked = attacked_errors(res, key)
    cert = max(need(res.at_tau_rel[key].robust_errors_certified, "robust_errors_certified"), attacked)
    v = lower_bound_verdict(attacked, cert, n, CHANCE, level)
    return v.verdict, CHANCE / max(cert / n, 1 / n), (f"M={c.M}: certified robust error {cert}/{n} at "
                                                      f"{radius_name(radius(c.eval_tau_rels[0]))}")


# ---- the searches as claims -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    """A search: the claim it checks (``of``), where it draws, how it judges a point and summarises them.

    ``judge`` is (config, record, level) → Outcome; ``kinds`` the estimates per point the level is corrected
    for; ``constant`` (g, floor) makes it Theorem 4.2(3)'s implied-constant search (``summarise_constant``),
    otherwise it is pointwise (``summarise``); ``scoped`` puts it under Condition 4.1 (a mutant never is)."""

    id: str
    of: str
    points: Points
    judge: Judge
    kinds: int = 1
    constant: tuple[formulas.Formula, float] | None = None
    scoped: bool = False
    # a mutant judged on another search's draws (the same points, no training of its own): that search's ID
    draws_of: str | None = None

    def check(self, records: Records, profile: Profile) -> Finding:
        """The Finding on the points drawn (a pure function of their runs)."""
        level = search_level(profile, len(records), self.kinds)
        seen = [Drawn(c, rec, self.judge(c, rec, level)) for c, rec in records]
        if self.constant is not None:
            g, floor = self.constant
            return summarise_constant(self.id, seen, g, floor, level, scoped_=self.scoped)
        return summarise(self.id, seen, scoped_=self.scoped)

    def draw(self, profile: Profile, read: Callable[[RunConfig], RunRecord], *, seed: int = SEARCH_SEED,
             steer: bool = True) -> list[Drawn]:
        """The search at the profile: ``profile.search_examples`` points, judged at the level its check uses."""
        level = search_level(profile, profile.search_examples, self.kinds)
        return search(lambda around: self.points(profile, around), lambda c, rec: self.judge(c, rec, level), read,
                      profile.search_examples, seed=seed, steer=steer)


def drawn_configs(claim_id: str, profile: Profile, read: Callable[[RunConfig], RunRecord]) -> list[RunConfig]:
    """The runs a search claim reads at the profile: the points its search draws (``read`` gives each run,
    training it if it may), in the order drawn."""
    if claim_id not in SEARCHES:
        raise ValueError(f"claim_id must name a search ({', '.join(SEARCHES)}), got {claim_id!r}")
    s = SEARCHES[claim_id]
    return [d.config for d in SEARCHES[s.draws_of or claim_id].draw(profile, read)]


_BASE = {c.id: c for c in (*theorem42.CLAIMS, *theorem43.CLAIMS, *lemmas.CLAIMS, *derived.CLAIMS)}
_HOW = ("A hypothesis search (checks/search.py): the profile's search_examples points inside the regime, half "
        "drawn from all of it and the rest one by one near the worst point so far, seeded, each trained and "
        "judged at the Bonferroni level over the points. ")
# the unit constant a mutant pins: bounds takes every hidden constant as 1 unless told otherwise
UNIT_C = 1.0

_SEARCHES = (
    Search("T4.2.3.search", "T4.2.3", t42_point, constant_judge(formulas.G_ROBUST, 0.0), kinds=2,
           constant=(formulas.G_ROBUST, 0.0), scoped=True),
    Search("T4.3.search", "T4.3", _t43_points, _judge_t43),
    Search("T4.3.sharp.search", "T4.3.sharp", lambda p, a: trained_point(p, around=a), _judge_sharp),
    Search("L5.5.search", "L5.5", lambda p, a: trained_point(p, tau_rels=(0.02, 0.05, 0.1, 0.2), around=a),
           _judge_l55, scoped=True),
    Search("IC-1.jump.search", "IC-1.jump", _ic1_points, _judge_ic1),
)
_MUTANT_SEARCHES = (
    Search("T4.2.3.search.mutant.C-one", "T4.2.3.search", t42_point, constant_judge(formulas.G_ROBUST, UNIT_C),
           kinds=2, constant=(formulas.G_ROBUST, UNIT_C)),
    Search("T4.3.search.mutant.at-most", "T4.3.search", _t43_points, _judge_t43_at_most, draws_of="T4.3.search"),
    Search("T4.3.sharp.search.mutant.survives", "T4.3.sharp.search", lambda p, a: trained_point(p, around=a),
           _judge_sharp_survives, draws_of="T4.3.sharp.search"),
    Search("L5.5.search.mutant.over-M", "L5.5.search",
           lambda p, a: trained_point(p, tau_rels=(0.02, 0.05, 0.1, 0.2), around=a), _judge_l55_over_m,
           draws_of="L5.5.search"),
    Search("IC-1.jump.search.mutant.early", "IC-1.jump.search", _ic1_points, _judge_ic1_early,
           draws_of="IC-1.jump.search"),
)
SEARCHES: dict[str, Search] = {s.id: s for s in (*_SEARCHES, *_MUTANT_SEARCHES)}

_WHERE = {
    "T4.2.3": "Points of Theorem 4.2's Case 1 and Case 2 as bounds.regime classifies them nominally (N·SNR² ≥ 1 and "
              "τ/‖µ‖ ≤ 1/ln d_h; N·SNR² ≥ 1/ε and 1/ln d_h < τ/‖µ‖ < 1) at the profile's d, M, d_h: N, SNR, τ/‖µ‖ "
              "(trained and tested) and seed drawn, η with η·‖µ‖² = STABLE_ETA_MU2 (simulate.grid.stable_eta) so "
              "gradient descent does not diverge at any SNR drawn, ε and T_max of Theorem 4.2's grid. Steered "
              "toward the smallest upper limit of C (attack counts); C > 0 is confirmed when the smallest lower "
              "limit (certified counts) is above 0, refuted only if the smallest upper limit is at most 0.",
    "T4.3": "Trained models attacked at τ/‖µ‖ in [1, 1.5]; steered toward the smallest robust error over 1/4.",
    "T4.3.sharp": "Trained models' coupled pairs under the midpoint attack; steered toward surviving pairs.",
    "L5.5": "Trained models at τ/‖µ‖ in {0.02, 0.05, 0.1, 0.2}; steered toward the largest drop over M·τ‖u‖.",
    "IC-1.jump": "High-SNR models for M from 2 to the profile's M, attacked at half and twice ‖µ‖/(√2·M); steered "
                 "toward the largest ratio to 1/2.",
}


def _claim(s: Search) -> Claim:
    base = _BASE[s.of]
    return Claim(s.id, base.group, base.statement, f"{base.source}; searched points", _HOW + _WHERE[s.of], (),
                 s.check, hypotheses=base.hypotheses, formulas=base.formulas, kind=base.kind, quote=base.quote)


CLAIMS: tuple[Claim, ...] = tuple(_claim(s) for s in _SEARCHES)
MUTANTS: tuple[Claim, ...] = (
    Claim("T4.2.3.search.mutant.C-one", "theorem42",
          "Mutant (a pinned constant): L_D^rob(θ^(T)) ≤ exp(−d·SNR²·(1 − τ/‖µ‖)²) at every point of Case 1 and "
          "Case 2: Theorem 4.2(3) with C = 1, the unit constant bovit takes for every hidden one.",
          "T4.2.3.search with C ≥ 1 in place of some C > 0",
          "As T4.2.3.search (the same draws, judged on the data): refuted when the smallest upper limit of C over "
          "the points drawn is at most 1.",
          (), SEARCHES["T4.2.3.search.mutant.C-one"].check, mutant_of="T4.2.3.search",
          formulas=(formulas.G_ROBUST,)),
    Claim("T4.3.search.mutant.at-most", "theorem43",
          "Mutant (the direction reversed): for τ ≥ ‖µ‖ a trained model's robust error is at most 1/4.",
          "T4.3.search with its lower bound read as an upper bound",
          "T4.3.search's draws, each judged against 1/4 from above: a model whose attacked robust error is surely "
          "above 1/4 refutes.", (), SEARCHES["T4.3.search.mutant.at-most"].check, mutant_of="T4.3.search"),
    Claim("T4.3.sharp.search.mutant.survives", "theorem43",
          "Mutant (the conclusion reversed): past ‖µ‖/√2 some coupled pair (µ₊, ξ), (µ₋, ξ) survives the midpoint "
          "attack at every model.",
          "T4.3.sharp.search reversed",
          "T4.3.sharp.search's draws: a model at which no coupled pair survives refutes.",
          (), SEARCHES["T4.3.sharp.search.mutant.survives"].check, mutant_of="T4.3.sharp.search"),
    Claim("L5.5.search.mutant.over-M", "lemmas",
          "Mutant (the factor M inverted): Δ ≤ τ‖u‖/M at every searched point.",
          "L5.5.search with 1/M in place of M",
          "L5.5.search's draws: an attacked drop above τ‖u‖/M refutes.",
          (), SEARCHES["L5.5.search.mutant.over-M"].check, mutant_of="L5.5.search"),
    Claim("IC-1.jump.search.mutant.early", "derived",
          "Mutant (the jump moved to half its place): robust error is already at least 1/2 at half of "
          "τ = ‖µ‖/(√2·M).",
          "IC-1.jump.search with the jump at half the threshold",
          "IC-1.jump.search's draws: a fitting model whose certified robust error at half the threshold is surely "
          "below 1/2 refutes.", (), SEARCHES["IC-1.jump.search.mutant.early"].check, mutant_of="IC-1.jump.search"),
)
