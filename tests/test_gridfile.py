"""Grids as TOML files (simulate.gridfile, ``bovit sweep --config`` and ``--dump-config``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cli.main import main
from simulate import grid, gridfile
from simulate.config import AttackSpec


def _presets() -> list[str]:
    # the presets that need no data folder (digits is bundled; mnist and the others read files)
    return [name for name in grid.PRESETS if not name.startswith(("mnist", "cifar10", "tiny-imagenet"))]


@pytest.mark.parametrize("name", _presets())
def test_every_preset_round_trips_through_its_file(name: str) -> None:
    spec = grid.preset(name, "ci")
    back = gridfile.load(gridfile.dump(spec, "ci"), f"{name}.toml")
    assert back.configs() == spec.configs()
    assert back.name == spec.name


# the sizes every block of the hand-written file repeats (a block's base is its own)
_SIZES = "d = 16\nM = 4\ndh = 4\ndv = 4"


def test_a_file_written_by_hand_gives_its_grid_and_attack_options() -> None:
    text = f"""
name = "mine"
[[block]]
[block.base]
{_SIZES}
T_max = 10
attack = {{ kind = "pgd", steps = 5, iterate = "last" }}
classes = [0, 1]
[block.axes]
N = [2, 4]
snr = [0.5, 2.0]

[[block]]
[block.base]
{_SIZES}
N = 8
snr = 1.0
[block.axes]
seed = [0, 1, 2]
"""
    spec = gridfile.load(text, "mine.toml")
    configs = spec.configs()
    assert len(configs) == 4 + 3
    assert configs[0].attack == AttackSpec(kind="pgd", steps=5, iterate="last")
    assert [(c.N, c.snr) for c in configs[:4]] == [(2, 0.5), (2, 2.0), (4, 0.5), (4, 2.0)]
    assert [c.seed for c in configs[4:]] == [0, 1, 2]


@pytest.mark.parametrize(("text", "named"), [
    ("name = 'x'\n", "block"),
    ("name = 'x'\ncolour = 1\n[[block]]\n[block.axes]\nN = [2]\n", "colour"),
    ("[[block]]\n[block.base]\nsnr = 1.0\nwidth = 3\n[block.axes]\nN = [2]\n", "width"),
    ("[[block]]\n[block.base]\nsnr = 1.0\n[block.axes]\nN = []\n", "N"),
    ("[[block]]\n[block.base]\nsnr = 1.0\n[block.axes]\nN = 2\n", "N"),
    ("[[block]]\n[block.base]\nsnr = 1.0\nattack = { kind = 'pgd', stepz = 3 }\n[block.axes]\nN = [2]\n", "stepz"),
    ("[[block]]\n[block.base]\nsnr = 1.0\nattack = { kind = 'fgsm' }\n[block.axes]\nN = [2]\n", "attack"),
    ("[[block]]\n[block.base]\nsnr = -1.0\n[block.axes]\nN = [2]\n", "snr"),
    ("[[block]]\n[block.base]\nsnr = 1.0\nM = 1\n[block.axes]\nN = [2]\n", "M"),
    ("name = 'x'\nscale = 'huge'\n[[block]]\n[block.axes]\nN = [2]\n", "scale"),
    ("name = [\n", "TOML"),
    ("[[block]]\n[block.base]\nsnr = 1.0\n[block.extra]\n", "block[0]"),
])
def test_bad_files_are_refused_in_one_line_naming_the_key(text: str, named: str) -> None:
    with pytest.raises(ValueError) as info:
        gridfile.load(text, "bad.toml")
    message = str(info.value)
    assert "\n" not in message and named in message and "bad.toml" in message, message


def test_cli_dumps_a_preset_and_sweeps_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t42.toml"
    assert main(["sweep", "--preset", "t42-ratio", "--scale", "ci", "--dump-config", str(path)]) == 0
    assert gridfile.read(path).configs() == grid.preset("t42-ratio", "ci").configs()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    capsys.readouterr()
    # an existing file is not overwritten, and nothing is trained by --dump-config
    assert main(["sweep", "--preset", "t42-ratio", "--scale", "ci", "--dump-config", str(path)]) == 2
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "dump-config" in err
    small = tmp_path / "small.toml"
    small.write_text("name = 'small'\n[[block]]\n[block.base]\nd = 16\nM = 4\ndh = 4\ndv = 4\nT_max = 3\n"
                     "n_test = 20\nsnr = 1.0\n[block.axes]\nN = [2, 4]\n", encoding="utf-8")
    assert main(["sweep", "--config", str(small), "--store", ":memory:", "--no-progress", "--json"]) == 0
    assert '"runs": 2' in capsys.readouterr().out


def test_cli_refuses_a_preset_and_a_config_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--preset", "fig1", "--config", str(tmp_path / "g.toml"), "--store", ":memory:"]) == 2
    assert main(["sweep", "--config", str(tmp_path / "missing.toml"), "--store", ":memory:"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "config" in err
