"""The committed catalogue and protocol (docs/) are what the code generates: they cannot drift from it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from checks.catalogue import CLAIMS, MUTANTS
from checks.tolerances import TOLERANCES
from reports.docs import DOCS, catalogue_markdown, identifiers, protocol_markdown, write_docs

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(DOCS))
def test_the_committed_docs_are_what_the_code_generates(name: str) -> None:
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == DOCS[name](), f"docs/{name} is stale: run `bovit docs`"


def test_the_catalogue_holds_every_claim_and_mutant_and_the_protocol_every_tolerance() -> None:
    text = catalogue_markdown()
    for c in CLAIMS:
        assert f"### {c.id}\n" in text and f"](#{c.id.replace('.', '-').lower()})" in text
    for m in MUTANTS:
        assert f"`{m.id}`" in text
    protocol = protocol_markdown()
    for t in TOLERANCES.values():
        assert f"| {t.name} | {t.value:g} |" in protocol


def test_write_docs_refuses_a_file_for_a_folder(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match="folder must be a directory"):
        write_docs(tmp_path / "f")
    assert sorted(p.name for p in write_docs(tmp_path / "d")) == sorted(DOCS)


# ID-shaped tokens the repository cites: the claim families of the catalogue (a letter group, a section number, then
# dotted parts), the context IDs, the statements of Condition 4.1. Paper lemma numbers (Lemma F.1, G.8) and sympy
# symbols (S.tau) are other things and are not matched; nor is a table cell cut with "…".
_CITED = re.compile(r"(?<![\w.\-/#`])((?:IC-\d+|C4\.1\.\w+|T4\.[23]|L5\.\d|E6\.\w+|EB\.\d|S6\.\w+|S3\.\w+|D5\.\d|"
                    r"S\.[a-z]+-[\w\-]+)(?:\.[\w\-]+)*)(?![\w…])")


def _cited() -> dict[str, str]:
    root = Path(__file__).resolve().parent.parent
    files = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=root, check=True).stdout.split()
    found: dict[str, str] = {}
    for f in files:
        if f.endswith((".py", ".md")) and not f.startswith("reports/evidence/") and f != "tests/test_docs.py":
            for m in _CITED.finditer((root / f).read_text(encoding="utf-8")):
                found.setdefault(m.group(1).rstrip(".-"), f)
    return found


def test_every_cited_id_is_in_the_catalogue() -> None:
    known = identifiers()
    # a family (EB.2 for EB.2.transition, EB.2.monotone, …) names the claims it prefixes
    unknown = {i: f for i, f in _cited().items() if i not in known and not any(k.startswith(i + ".") for k in known)}
    assert not unknown, f"cited but in no catalogue: {unknown}"


def test_the_citation_check_can_fail() -> None:
    """The world in which it fails: an ID the catalogue does not hold, cited in a file's text."""
    text = "see T4.2.7 and EB.9.fast, but not Lemma G.8 or S.tau"
    assert [m.group(1) for m in _CITED.finditer(text)] == ["T4.2.7", "EB.9.fast"]
    known = identifiers()
    assert "T4.2.7" not in known and not any(k.startswith("EB.9.") for k in known)
