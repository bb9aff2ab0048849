"""Every claim declares its kind (checks/claim.py KINDS) and, where the paper states it, the paper's own words.

- every claim but a mutant has a kind in KINDS and a quote; a derived claim's statement says "Derived";
- every quoted segment of a claim's quote, after joining the PDF's broken lines and dropping its hyphenation
  (nothing else; text compared in Unicode's canonical form), occurs verbatim in the paper text within the
  lines it names; a paper claim and an audited item quote at least one. The paper is
  read from ../shared/paper/ beside the repository; a clone has none, and the test says so and skips;
- the claims true by construction are sanity checks and Condition 4.1's items are audits, not paper claims;
- Claim refuses a claim without a kind, a paper claim without the paper's words, a derived one that does not
  say so.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from checks.catalogue import CLAIMS, MUTANTS
from checks.claim import KINDS, Claim, Finding, no_runs, quote_segments

PAPER = Path(__file__).resolve().parent.parent.parent / "shared" / "paper" / "benign-overfitting-adversarial-vit.txt"
_BREAK = "\x00"  # where a line ended in a hyphen: the hyphen kept, or dropped (a word broken across lines)


def _paper_lines() -> list[str]:
    if not PAPER.is_file():
        pytest.skip(f"the paper's text is not at {PAPER} (a clone has no ../shared): quotes cannot be compared")
    return PAPER.read_text(encoding="utf-8").split("\n")


def _canonical(text: str) -> str:
    """Unicode's canonical form (NFC), in which the PDF's Ohm sign (U+2126) is the letter Ω it stands for."""
    return unicodedata.normalize("NFC", text)


def joined(lines: list[str]) -> str:
    """Lines as one text: broken lines joined with one space, a line-ending hyphen marked as _BREAK."""
    text = re.sub(r"-[ \t]*\n\s*", _BREAK, _canonical("\n".join(lines)))
    return re.sub(r"\s+", " ", text).strip()


def _pattern(words: str) -> re.Pattern[str]:
    """Words as a regex over ``joined`` text: each hyphen may be a kept line-end one, and a line-end hyphen
    may be dropped between any two characters; nothing else may differ."""
    parts = ["[-\x00]" if ch == "-" else re.escape(ch) for ch in re.sub(r"\s+", " ", _canonical(words)).strip()]
    return re.compile(f"{_BREAK}?".join(parts))


def found(lines: list[str], words: str, first: int, last: int) -> bool:
    """Whether ``words`` occur verbatim within lines first..last (1-based, inclusive); `` … `` separates
    verbatim pieces that must occur in order."""
    text = joined(lines[first - 1:last])
    at = 0
    for piece in (p.strip() for p in words.split("…")):
        if not piece:
            continue
        m = _pattern(piece).search(text, at)
        if m is None:
            return False
        at = m.end()
    return True


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_every_claim_declares_its_kind_and_where_it_comes_from(claim: Claim) -> None:
    assert claim.kind in KINDS, claim.id
    assert claim.quote.strip(), claim.id
    if claim.kind in ("paper", "audit"):
        assert quote_segments(claim.quote), f"{claim.id}: no \"…\" (Lfirst–last) segment in {claim.quote!r}"
    if claim.kind == "derived":
        assert claim.statement.startswith("Derived"), claim.id
    else:
        assert not claim.statement.startswith("Derived"), claim.id


@pytest.mark.parametrize("claim", [c for c in CLAIMS if quote_segments(c.quote)], ids=lambda c: c.id)
def test_a_claims_quoted_words_are_the_papers_at_their_lines(claim: Claim) -> None:
    """Every paper claim and audited item, and every derived or sanity claim that quotes the paper."""
    lines = _paper_lines()
    for words, first, last in quote_segments(claim.quote):
        assert 1 <= first <= last <= len(lines), (claim.id, first, last)
        assert found(lines, words, first, last), f"{claim.id}: not verbatim in L{first}–{last}: {words!r}"


def test_the_quote_comparison_catches_a_changed_word_and_a_wrong_line_range() -> None:
    lines = _paper_lines()
    # Theorem 4.3 (L701–704), as the paper writes it, across its broken lines
    words = "For any given classifier f(·;θ), when τ ≥ ∥µ∥2, the robust test error satisfies Lrob D (θ) ≥ 0.25."
    assert found(lines, words, 701, 704)
    assert not found(lines, words.replace("0.25", "0.5"), 701, 704)
    assert not found(lines, words, 705, 720)
    # a word broken across lines by a hyphen is one word ("exists", L1090–1092); a hyphen the paper lacks is not
    assert found(lines, "Then, there exists a universal constant C ≤ e/2", 1074, 1104)
    assert not found(lines, "Then, there exists a uni-versal constant C ≤ e/2", 1074, 1104)
    # a hyphen that ends a line may be kept where it belongs to the word ("state-of-the-art", L1277–1278)
    assert found(lines, "state-of-the-art APGD", 1272, 1287)
    # pieces apart: in order, within the range
    assert found(lines, "Theorem 4.3. … the robust test error satisfies", 701, 704)
    assert not found(lines, "the robust test error satisfies … Theorem 4.3.", 701, 704)


def test_the_claims_true_by_construction_are_sanity_checks_and_condition_41_is_audited() -> None:
    kinds = {c.id: c.kind for c in CLAIMS}
    for cid in ("S.robust-ge-clean", "S.monotone-tau", "E6.real.robust-ge-clean"):
        assert kinds[cid] == "sanity", cid
    audited = sorted(cid for cid, k in kinds.items() if k == "audit")
    assert audited and all(cid.startswith("C4.1.") for cid in audited)
    assert all(k == "audit" for cid, k in kinds.items() if cid.startswith("C4.1."))
    # the one thing the paper does say about Condition 4.1 and its settings is a paper claim
    assert kinds["S6.condition5"] == "paper"


def test_every_mutant_names_a_claim_and_may_omit_a_kind() -> None:
    ids = {c.id for c in CLAIMS}
    assert all(m.mutant_of in ids and m.kind in ("", *KINDS) for m in MUTANTS)


def _fixed(records: object, profile: object) -> Finding:
    return Finding("X.1", "confirmed", "fixed")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "kind must be one of paper, derived, sanity, audit, got ''"),
    ({"kind": "theorem", "quote": "q"}, "kind must be one of"),
    ({"kind": "paper"}, "quote must say where the claim comes from"),
    ({"kind": "paper", "quote": "Theorem 4.3, somewhere"}, "quote must hold the paper's words"),
    ({"kind": "audit", "quote": "the item"}, "quote must hold the paper's words"),
    ({"kind": "derived", "quote": "from the proof of Theorem 4.3 (L14960–15014)"},
     "statement must say it is bovit's derived claim"),
])
def test_a_claim_without_its_kind_or_words_is_refused(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Claim("X.1", "derived", "A statement.", "src", "how", no_runs, _fixed, **kwargs)
    # a mutant needs neither
    Claim("X.1.mutant", "derived", "A statement.", "src", "how", no_runs, _fixed, mutant_of="X.1")
    Claim("X.2", "derived", "Derived: a statement.", "src", "how", no_runs, _fixed, kind="derived",
          quote="from the proof of Theorem 4.3 (L14960–15014)")


def test_quote_segments_reads_each_segment_and_its_lines() -> None:
    quote = '"Theorem 4.3." (L701–704); "a phase transition" (L1554); "x" (L1-2)'
    assert quote_segments(quote) == [("Theorem 4.3.", 701, 704), ("a phase transition", 1554, 1554), ("x", 1, 2)]
    assert quote_segments("no quoted words") == []
