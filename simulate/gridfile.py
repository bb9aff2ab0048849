"""Grids as files: a :class:`simulate.grid.GridSpec` written as TOML and read back (``bovit sweep --config``).

The file is a list of blocks, each a base of fixed RunConfig fields and axes whose product is the block's runs;
a grid is the union of its blocks in order (a preset that is one block gives one)::

    name = "fig1"
    scale = "default"          # informational: the scale the preset was expanded at
    description = "Figure 1a-b ..."

    [[block]]
    [block.base]
    d = 256
    tau_rel = 0.05
    attack = { kind = "pgd", steps = 20, step_rel = 0.2, random_start = false, restarts = 1, iterate = "best" }

    [block.axes]
    N = [2, 4, 6]
    snr = [0.25, 1.0, 4.0]

Fields left out take RunConfig's defaults; a field that is None (``mu`` when the grid gives ``snr``) is left
out. Reading uses the standard library's ``tomllib``; writing is done here (plain values, arrays and inline
tables only). Every problem in a file is one ValueError naming the file, the key and the value.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path

from simulate.config import AttackSpec, RunConfig
from simulate.grid import SCALE_NAMES, GridSpec

__all__ = ["dump", "load", "read"]

_FIELDS = {f.name for f in dataclasses.fields(RunConfig)}
_ATTACK_FIELDS = [f.name for f in dataclasses.fields(AttackSpec)]
_TOP_KEYS = ("name", "scale", "description", "block")


def _value(v: object, where: str) -> str:
    """One TOML value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        escaped = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(v, AttackSpec):
        inner = ", ".join(f"{k} = {_value(getattr(v, k), where)}" for k in _ATTACK_FIELDS)
        return "{ " + inner + " }"
    if isinstance(v, tuple | list):
        return "[" + ", ".join(_value(x, where) for x in v) + "]"
    raise ValueError(f"{where} must be a number, string, bool, list or AttackSpec to be written as TOML, got {v!r}")


def _blocks(spec: GridSpec) -> list[GridSpec]:
    if spec.parts:
        return [b for p in spec.parts for b in _blocks(p)]
    return [spec]


def dump(spec: GridSpec, scale: str = "") -> str:
    """``spec`` as the text of a grid file (``scale``: the scale it was expanded at, recorded for the reader)."""
    if not isinstance(spec, GridSpec):
        raise ValueError(f"spec must be a simulate.grid.GridSpec, got {spec!r}")
    if scale and scale not in SCALE_NAMES:
        raise ValueError(f"scale must be one of {', '.join(SCALE_NAMES)} or '', got {scale!r}")
    lines = [f"name = {_value(spec.name, 'name')}"]
    if scale:
        lines.append(f"scale = {_value(scale, 'scale')}")
    if spec.description:
        lines.append(f"description = {_value(spec.description, 'description')}")
    for i, block in enumerate(_blocks(spec)):
        lines += ["", "[[block]]", "[block.base]"]
        lines += [f"{k} = {_value(v, f'block[{i}].base.{k}')}" for k, v in block.base.items() if v is not None]
        lines.append("[block.axes]")
        lines += [f"{k} = {_value(list(v), f'block[{i}].axes.{k}')}" for k, v in block.axes.items()]
    return "\n".join(lines) + "\n"


def _field(source: str, where: str, key: str, value: object) -> object:
    """A RunConfig field's value as read from TOML: attack tables become AttackSpecs, arrays tuples."""
    if key not in _FIELDS:
        raise ValueError(f"{source}: {where}.{key} is not a RunConfig field, got {key!r} = {value!r:.60}")
    if key in ("attack", "test_attack"):
        if not isinstance(value, Mapping):
            raise ValueError(f"{source}: {where}.{key} must be an inline table such as {{ kind = \"pgd\" }}, "
                             f"got {value!r:.60}")
        unknown = [k for k in value if k not in _ATTACK_FIELDS]
        if unknown:
            raise ValueError(f"{source}: {where}.{key}.{unknown[0]} is not an attack option "
                             f"({', '.join(_ATTACK_FIELDS)}), got {unknown[0]!r}")
        try:
            return AttackSpec(**value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{source}: {where}.{key}: {exc}") from None
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, Mapping):
        raise ValueError(f"{source}: {where}.{key} must be a value, got a table {value!r:.60}")
    return value


def load(text: str, source: str = "<grid>") -> GridSpec:
    """The grid of a grid file's ``text`` (``source`` names it in messages); every run is checked by RunConfig."""
    if not isinstance(text, str):
        raise ValueError(f"text must be the file's text, got {type(text).__name__}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{source} is not valid TOML: {exc}") from None
    unknown = [k for k in data if k not in _TOP_KEYS]
    if unknown:
        raise ValueError(f"{source}: unknown key {unknown[0]!r} (a grid file has {', '.join(_TOP_KEYS)})")
    name = data.get("name", Path(source).stem)
    if not isinstance(name, str) or not name:
        raise ValueError(f"{source}: name must be a non-empty string, got {name!r}")
    scale = data.get("scale", "")
    if scale and scale not in SCALE_NAMES:
        raise ValueError(f"{source}: scale must be one of {', '.join(SCALE_NAMES)}, got {scale!r}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ValueError(f"{source}: description must be a string, got {description!r:.60}")
    blocks = data.get("block")
    if not isinstance(blocks, list) or not blocks:
        raise ValueError(f"{source}: a grid file needs at least one [[block]], got block = {blocks!r:.60}")
    parts = []
    for i, block in enumerate(blocks):
        where = f"block[{i}]"
        if not isinstance(block, Mapping) or any(k not in ("base", "axes") for k in block):
            raise ValueError(f"{source}: {where} must hold only [block.base] and [block.axes], got {block!r:.60}")
        base_in, axes_in = block.get("base", {}), block.get("axes", {})
        base = {k: _field(source, f"{where}.base", k, v) for k, v in base_in.items()}
        axes: dict[str, tuple[object, ...]] = {}
        for k, v in axes_in.items():
            if not isinstance(v, list) or not v:
                raise ValueError(f"{source}: {where}.axes.{k} must be a non-empty array of values, got {v!r:.60}")
            axes[k] = tuple(_field(source, f"{where}.axes", k, x) for x in v)
        try:
            spec = GridSpec(name, base=base, axes=axes, description=description)
            spec.configs()  # every run is a valid RunConfig, checked before anything is trained
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{source}: {where}: {exc}") from None
        parts.append(spec)
    if len(parts) == 1:
        return parts[0]
    return GridSpec(name, description=description, parts=tuple(parts))


def read(path: str | Path) -> GridSpec:
    """The grid in the file at ``path``."""
    if not isinstance(path, str | Path) or not str(path):
        raise ValueError(f"path must name a grid file, got {path!r}")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"config must be a readable UTF-8 grid file, got {str(path)!r} ({exc.__class__.__name__})"
                         ) from None
    return load(text, str(path))
