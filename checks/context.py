"""Identifiers bovit cites that are not claims: the parts of the paper a claim's setting comes from, and the
issues bovit found in the paper's text that its claims and choices refer to.

Together with the claims, the mutants, the parts of a claim (Appendix B.1's EB.1.a–d) and the statements and
formulas of ``bounds`` and ``checks`` (C4.1.1a, T4.2.T.case1, …), they are every ID the repository cites;
``docs/CLAIMS.md`` lists them all, and a test fails when the code, the tests, the README or the docs cite an ID
that is none of these.
"""

from __future__ import annotations

__all__ = ["CONTEXT"]

CONTEXT: dict[str, str] = {
    # the paper's setting, section by section
    "S3.1": "Definition 3.1's data: one signal token y·µ_y and M − 1 noise tokens per input (Section 3)",
    "S3.SNR": "the signal-to-noise ratio SNR = ‖µ‖/(σ_p·√d) (Section 4)",
    "S3.model": "the analysed two-layer model, eq. (1): softmax attention over the tokens, then W_V and w_O",
    "S3.loss": "the logistic loss, the robust training loss over the per-token balls, clean and robust test error",
    "S3.alg1": "Algorithm 1: full-batch gradient descent on the robust loss, each step after an inner attack",
    "S3.init": "the initialisation: Gaussian W_Q, W_K (σ_h) and W_V (σ_V) in the theory; PyTorch's × 1/16 in "
               "Section 6",
    "D5.1": "the scalarised value quantities V± = µ±ᵀu, u = Σ_h W_V w_O (Section 5)",
    "E6.1": "Section 6.1's synthetic setting: d = 1024, M = 16, d_h = d_v = 128, noise N(0, 0.4·I)",
    "E6.4": "Section 6's attack: PGD with 20 steps of 0.2τ per token, in training and at test",
    # issues bovit found in the paper's text
    "IC-2": "Theorem 4.2's Case-2 radius range is wider than the proof in Appendix H covers",
    "IC-6": "Case 2's time T₃ is stated with (‖µ‖ + τ)² while the proved growth rate has (‖µ‖ − τ)²/M",
    "IC-8": "the paper's experiments (unit constants, no logs) do not meet Condition 4.1 at its own settings",
    "IC-10": "quantities the paper does not report (‖w_O‖ and its direction, robust or clean stopping loss, the "
             "attack's iterate, η's role): each is a named option in bovit with a stated default",
    "IC-11": "the remark T ∼ N·max{SNR², SNR⁻⁴} omits the ε⁻² factor",
    "IC-12": "a factor M: Lemma 5.5 has M·‖u‖τ, Lemma 5.6 has ‖u‖τ (eq. (102) drops the model's 1/M)",
    "IC-13": "the margin V₊ − V₋ is used for every test point where the per-class margin is y·V_y",
    "IC-14": "Lemma G.5's arithmetic: (N + 30M²) should be N(1 + 30M²) for its dominance claim",
    "IC-18": "the real-data models (a 4-head ViT with an MLP; ViT-B with its last QKV trained) are not the "
             "analysed eq. (1)",
}
