"""The committed catalogue and protocol (docs/) are what the code generates: they cannot drift from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.catalogue import CLAIMS, MUTANTS
from checks.tolerances import TOLERANCES
from reports.docs import DOCS, catalogue_markdown, protocol_markdown, write_docs

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
