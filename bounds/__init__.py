"""The paper's conditions, bounds and regimes as sympy expressions (no torch import).

Import what you need from the submodules, or the common names from here::

    from bounds import Params, Constants, regime, condition_4_1, answer
"""

from bounds.condition41 import CONDITION_4_1, DERIVED, condition_4_1, condition_holds
from bounds.params import Constants, Params
from bounds.query import answer, predictions
from bounds.regime import REGIMES, classify_many, regime

__all__ = [
    "CONDITION_4_1", "DERIVED", "REGIMES", "Constants", "Params", "answer", "classify_many",
    "condition_4_1", "condition_holds", "predictions", "regime",
]
