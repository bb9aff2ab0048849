"""Input validators: each raises one ``ValueError`` that names the parameter and its value.

Every public entry point of bovit validates through these, so bad input fails at once with
``ValueError: tau must be >= 0, got -0.1`` instead of a NaN or a traceback from sympy/numpy.
"""

from __future__ import annotations

import math
import numbers

__all__ = [
    "as_float",
    "as_int",
    "choice",
    "nonnegative",
    "open_unit",
    "positive",
    "positive_int",
]


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def as_float(name: str, value: object) -> float:
    """``value`` as a finite float; strings such as ``"1e-3"`` are parsed."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {_show(value)}")
    given = value
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError(f"{name} must be a number, got {_show(value)}") from None
    if not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {_show(value)}")
    out = float(value)
    if not math.isfinite(out):
        value = given  # show what was typed ('1e400'), not what it parsed to (inf)
        raise ValueError(f"{name} must be finite, got {_show(value)}")
    return out


def as_int(name: str, value: object) -> int:
    """``value`` as an int; integral floats (``16.0``) are accepted, ``2.5`` is not."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
    out = as_float(name, value)
    if not out.is_integer():
        raise ValueError(f"{name} must be an integer, got {_show(value)}")
    return int(out)


def positive(name: str, value: object) -> float:
    out = as_float(name, value)
    if out <= 0:
        raise ValueError(f"{name} must be > 0, got {_show(value)}")
    return out


def nonnegative(name: str, value: object) -> float:
    out = as_float(name, value)
    if out < 0:
        raise ValueError(f"{name} must be >= 0, got {_show(value)}")
    return out


def positive_int(name: str, value: object, minimum: int = 1) -> int:
    out = as_int(name, value)
    if out < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {_show(value)}")
    return out


def open_unit(name: str, value: object) -> float:
    """A probability-like number strictly inside (0, 1)."""
    out = as_float(name, value)
    if not 0.0 < out < 1.0:
        raise ValueError(f"{name} must be in (0, 1), got {_show(value)}")
    return out


def choice(name: str, value: object, allowed: tuple[object, ...]) -> object:
    if value not in allowed:
        shown = ", ".join(_show(a) for a in allowed)
        raise ValueError(f"{name} must be one of {shown}, got {_show(value)}")
    return value
