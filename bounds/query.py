"""The answer to a parameter-feasibility query: the point, its regime, every Condition 4.1 item
with its margin, and what the theorems predict there (the ``bovit query`` payload)."""

from __future__ import annotations

from bounds.condition41 import CONDITION_4_1, DERIVED
from bounds.lemmas import (
    GUIDELINE,
    L53_TIME,
    L55_TIME,
    T_MINIMUM,
    T_PAPER_REMARK,
    convergence_time_wang,
    convergence_times,
)
from bounds.params import Constants, Params
from bounds.regime import RegimeResult, regime
from bounds.symbolic import evaluate_many, json_number, point_values, share, values_many
from bounds.theorem42 import (
    CASE1,
    CASE2,
    CLEAN_ERROR,
    LOG_CLEAN_ERROR,
    LOG_ROBUST_ERROR,
    PROBABILITY,
    ROBUST_ERROR,
    T_CASE1,
    T_CASE2,
    T_G8,
)
from bounds.theorem43 import LOWER_BOUNDS, THM43, UNIFORM_ATTENTION

__all__ = ["answer", "predictions"]

_STATEMENTS = (*CONDITION_4_1, *DERIVED, *CASE1, *CASE2, THM43, *(st for st, _ in LOWER_BOUNDS.values()),
               UNIFORM_ATTENTION, GUIDELINE)
_PREDICTED = (CLEAN_ERROR, ROBUST_ERROR, LOG_CLEAN_ERROR, LOG_ROBUST_ERROR, T_CASE1, T_CASE2, T_G8,
              L53_TIME, L55_TIME, PROBABILITY)
# Everything one query evaluates, lambdified together once.
share((*(e for st in _STATEMENTS for e in (st.lhs, st.rhs)), *_PREDICTED,
       T_MINIMUM, T_PAPER_REMARK, convergence_time_wang()))


def predictions(params: Params, consts: Constants | None = None, result: RegimeResult | None = None) -> dict:
    """What the theorems say at ``params``: the error bounds, T, and the robust-error lower bounds.

    ``T`` is the theorem's iteration count for the point's (nominal) case: Case 1's
    Θ(η⁻¹ε⁻¹‖µ‖⁻²‖w_O‖⁻²), or M times it in Case 2; ``T_G8`` is Lemma G.8's form with (‖µ‖+τ)².
    ``robust_error_lower`` is Theorem 4.3 as stated (1/4 when τ ≥ ‖µ‖, else None); the
    ``_construction`` and ``_sharp`` variants are derived in :mod:`bounds.theorem43`.
    """
    consts = consts or Constants()
    result = result or regime(params, consts)
    values = point_values(params, consts)
    clean, robust, log_clean, log_robust, t1, t2, tg8, t53, t55, prob = values_many(_PREDICTED, values)
    *held, uniform, guideline = evaluate_many(
        (*(st for st, _ in LOWER_BOUNDS.values()), UNIFORM_ATTENTION, GUIDELINE), values)
    lower = {name: float(bound) if item.holds else None
             for (name, (_, bound)), item in zip(LOWER_BOUNDS.items(), held, strict=True)}
    t_case = {"case1": t1, "case2": t2}.get(result.nominal)
    return {
        "clean_error": json_number(clean),
        "robust_error": json_number(robust),
        "log_clean_error": json_number(log_clean),
        "log_robust_error": json_number(log_robust),
        "probability": json_number(prob),
        "T": json_number(t_case),
        "T_case1": json_number(t1),
        "T_case2": json_number(t2),
        "T_G8": json_number(tg8),
        "lemma53_time": json_number(t53),
        "lemma55_time": json_number(t55),
        "robust_error_lower": lower["paper"],
        "robust_error_lower_construction": lower["construction"],
        "robust_error_lower_sharp": lower["sharp"],
        "uniform_attention_fails": uniform.holds,
        "uniform_attention_threshold_rel": (None if uniform.rhs is None or params.mu is None
                                            else uniform.rhs / params.mu),
        "guideline_tau_max": json_number(guideline.rhs),
        "guideline_holds": guideline.holds,
        "applies": result.regime in ("case1", "case2"),
    }


def answer(params: Params, consts: Constants | None = None) -> dict:
    """The whole ``bovit query`` payload (JSON-able)."""
    consts = consts or Constants()
    result = regime(params, consts)
    point = {k: json_number(v) if isinstance(v, float) else v for k, v in params.as_dict().items()}
    point.update(snr=json_number(params.snr), tau_rel=json_number(params.tau_rel), tau_l2=json_number(params.tau_l2))
    return {
        "point": point,
        "snr": json_number(params.snr),
        "tau_rel": json_number(params.tau_rel),
        "N_snr2": json_number(None if params.snr is None or params.N is None else params.N * params.snr**2),
        "regime": result.regime,
        "regime_reason": result.reason,
        "nominal_regime": result.nominal,
        "nominal_reason": result.nominal_reason,
        "condition_4_1_holds": result.condition_holds,
        "condition_4_1": [i.as_json() for i in result.condition],
        "case_hypotheses": {
            "case1": [i.as_json() for i in result.case1],
            "case2": [i.as_json() for i in result.case2],
        },
        "bounds": predictions(params, consts, result),
        "convergence_time_remark": {k: json_number(v) for k, v in convergence_times(params, consts).items()},
        "constants": consts.as_dict(),
    }
