"""RunConfig: everything that determines one simulated training run, frozen and validated; RunOutput: what it produced.

A run is one point of the paper's parameter space (d, M, N, d_h, d_v, H, ‖µ‖, σ_p, τ, η, ε, σ_h,
σ_V, ‖w_O‖, seed) plus the simulation choices the paper leaves open (CLAIMS.md IC-10): the noise
law, the signal orientation, the initialisation, the direction of w_O, the attack and whether the
stopping rule looks at the robust or the clean loss. Each choice is a named option with a
documented default; the store keys a run by the hash of all of it plus the code version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Literal

import torch

from bounds.validate import as_int, choice, nonnegative, positive, positive_int
from simulate import images
from simulate.results import RunResult

__all__ = [
    "ATTACKS",
    "DTYPES",
    "GROUP_FIELDS",
    "MEMBER_FIELDS",
    "MODELS",
    "NORMS",
    "UNION_NORMS",
    "AttackSpec",
    "RunConfig",
    "RunOutput",
    "run_device",
]

Norm = Literal["2", "inf", "1", "multi", "multi-image"]
AttackKind = Literal["pgd", "apgd", "apgd-paper", "random", "none"]
# "multi" is Appendix B.3's union of per-token ℓ₂, ℓ∞ and ℓ₁ balls (Section 3 defines every ball per token);
# "multi-image" reads B.3's ℓ₁ radius as one budget for the whole input instead (ℓ₂ and ℓ∞ per token as before):
# the paper does not say which, and per token the ℓ₁ radius 20·τ at τ = ‖µ‖/20 is the whole image's norm
NORMS: tuple[str, ...] = ("2", "inf", "1", "multi", "multi-image")
UNION_NORMS: tuple[str, ...] = ("multi", "multi-image")
# "apgd" follows the step-size schedule of Croce & Hein's published code (checkpoints as integer floors of
# 0.22·n, 0.03·n and 0.06·n, its two conditions as that code applies them); "apgd-paper" is the schedule as their
# paper writes it (w_j = ⌈p_j·n⌉ with exact p_j, condition 1 strict). simulate.attacks says where they differ.
ATTACKS: tuple[str, ...] = ("pgd", "apgd", "apgd-paper", "random", "none")
# the attacks that iterate on the margin's gradient ("random" draws one point of the ball, "none" leaves the input)
ITERATIVE_ATTACKS: tuple[str, ...] = ("pgd", "apgd", "apgd-paper")
ITERATES = ("best", "last")
NOISES = ("isotropic", "projected")
SIGNALS = ("basis", "random")
INITS = ("pytorch16", "theory", "pytorch")
# The model trained: "eq1" is the analysed eq. (1) ViT (simulate/model.py); "simplevit" is Section 6's simplified
# ViT for real data, every parameter trained (simulate/vit.py, E6.real); "vit-last-qkv" is Appendix B.4's
# setting, the same ViT with only its last attention layer's Q/K/V trained (EB.4). The latter two are not the
# analysed model (CLAIMS.md IC-18) and train on image data only. simulate.train.TRAINERS maps each to its trainer.
MODELS = ("eq1", "simplevit", "vit-last-qkv")
W_O_DIRS = ("ones", "random")
STOP_ON = ("robust", "clean")
# The floating-point types a run computes in, by name (RunConfig.dtype): every simulated tensor's dtype comes from here.
DTYPES: dict[str, torch.dtype] = {"float32": torch.float32, "float64": torch.float64}
# "synthetic" is Definition 3.1's data; the others are real images (simulate/images.py, E6.real).
DATASET_CHOICES: tuple[str, ...] = ("synthetic", *images.DATASETS)
# Section 6 scales every image to this ℓ2 norm: for an image run ‖µ‖ is this signal norm.
IMAGE_SIGNAL_NORM = images.SIGNAL_NORM
_DEFAULT_SIGMA_P = math.sqrt(0.4)
# fields whose synthetic defaults are left out of the store key, so keys of synthetic runs stay as they were
_IMAGE_FIELDS = {"dataset": "synthetic", "data_root": "", "classes": (0, 1)}
# ... and the model fields' defaults, left out of every run's key (so eq. (1) runs keep theirs)
_MODEL_FIELDS = {"model": "eq1", "checkpoint": ""}
# fields a run's key leaves out at their default, so that runs made before the field existed keep their keys
_KEYLESS_DEFAULTS: dict[str, object] = {**_MODEL_FIELDS, "perturb": 0, "init_scale": 1.0, "tokens": "patches",
                                         "log_ratio": False}
MAX_PERTURB = 1000  # a perturbation of the initial weights is a few ulps, not a new initialisation
# How the training attack's inner loop is computed. "direct" is the textbook computation on
# d-dimensional tokens; "subspace" is the exact reformulation of ℓ2 PGD in span(W_Q, W_K, W_V w_O)
# (equal to "direct" up to rounding, tested to 1e-9 in float64); "auto" (the default) is
# "subspace" where it applies (ℓ2 PGD) and "direct" elsewhere; "bf16" runs the attack's matmuls in
# bfloat16 (opt-in, not exact; its benchmark checks the attack is as strong).
ENGINES = ("auto", "direct", "subspace", "bf16")


@dataclass(frozen=True)
class AttackSpec:
    """An inner maximiser over the per-token balls ‖x̃_m − x_m‖_p ≤ τ (every token m, no clamp).

    ``steps`` iterations of size ``step_rel``·τ (Section 6: 20 steps of 0.2τ), ``restarts`` random
    restarts (the first start is zero unless ``random_start``), and for APGD the schedule of
    Croce & Hein (2020). ``kind="random"`` takes one uniformly random point of each ball
    (a falsifiable corollary of Appendix G, CLAIMS.md S3.alg1); ``"none"`` is clean training.
    """

    kind: AttackKind = "pgd"
    steps: int = 20
    step_rel: float = 0.2
    random_start: bool = False
    restarts: int = 1
    # which iterate a PGD run returns: "best", the one of lowest margin seen (bovit's default), or "last", the final
    # one, as standard PGD training does (Section 6 does not say); APGD always returns its best point
    iterate: str = "best"

    def __post_init__(self) -> None:
        choice("attack", self.kind, ATTACKS)
        choice("attack iterate", self.iterate, ITERATES)
        if self.iterate != "best" and self.kind != "pgd":
            raise ValueError(f"attack iterate='last' applies to PGD only, got kind={self.kind!r}")
        object.__setattr__(self, "steps", positive_int("attack steps", self.steps))
        object.__setattr__(self, "step_rel", positive("attack step_rel", self.step_rel))
        if not isinstance(self.random_start, bool):
            raise ValueError(f"random_start must be a bool, got {self.random_start!r}")
        object.__setattr__(self, "restarts", positive_int("attack restarts", self.restarts))

    def derived(self, steps: int, step_rel: float, random_start: bool, restarts: int, iterate: str) -> AttackSpec:
        """A spec of this kind with these fields, which the caller derives from this valid spec's own (more steps
        of a positive size, say): made without validating them again, so that code that trusts its validated
        configs (the evaluation) does not enter validation."""
        spec = object.__new__(AttackSpec)
        for name, value in (("kind", self.kind), ("steps", steps), ("step_rel", step_rel),
                            ("random_start", random_start), ("restarts", restarts), ("iterate", iterate)):
            object.__setattr__(spec, name, value)
        return spec

    def describe(self) -> str:
        if self.kind in ("none", "random"):
            return self.kind
        rs = ", random start" if self.random_start else ""
        rr = f", {self.restarts} restarts" if self.restarts > 1 else ""
        it = ", last iterate" if self.iterate == "last" else ""
        return f"{self.kind}({self.steps} steps of {self.step_rel:g}τ{rs}{rr}{it})"


@dataclass(frozen=True)
class RunConfig:
    """One simulated run of Algorithm 1. Defaults are Section 6's (E6.1–E6.4)."""

    # the paper's parameters
    N: int
    snr: float | None = None  # give snr, or mu; sigma_p defaults to √0.4 (Section 6)
    mu: float | None = None
    sigma_p: float = math.sqrt(0.4)
    tau_rel: float = 0.05  # τ/‖µ‖ for p = 2; for other norms the radius is tau_rel·‖µ‖ in that norm
    d: int = 1024
    M: int = 16
    dh: int = 128
    dv: int = 128
    H: int = 1
    norm: Norm = "2"
    eta: float = 0.1
    eps: float = 0.01
    T_max: int = 2000
    seed: int = 0
    # choices the paper leaves open (IC-10), each named
    noise: str = "isotropic"  # Section 6: N(0, 0.4·I); "projected" is Definition 3.1
    signal: str = "basis"  # µ₊ = ‖µ‖e₁, µ₋ = ‖µ‖e₂; "random": a random orthonormal pair
    init: str = "pytorch16"  # PyTorch Linear default × 1/16 (Section 6); "theory": N(0, σ_h²), N(0, σ_V²)
    sigma_h: float | None = None
    sigma_V: float | None = None
    w_O_norm: float = 1.0
    w_O_dir: str = "ones"  # w_O = ‖w_O‖·1/√d_v; "random": a Gaussian direction from the seed
    init_scale: float = 1.0  # W_Q, W_K, W_V times this after the init's draw (the initialisation's scale, IC-10)
    stop_on: str = "robust"  # stop when the robust (or clean) training loss < ε
    attack: AttackSpec = field(default_factory=AttackSpec)
    test_attack: AttackSpec = field(default_factory=lambda: AttackSpec(kind="pgd", steps=20, restarts=1))
    n_test: int = 2000
    # extra radii τ/‖µ‖ at which the final model's robust test error is also measured (test attack
    # and certified bound), e.g. to locate the uniform-attention threshold of IC-1
    eval_tau_rels: tuple[float, ...] = ()
    log_every: int = 10
    # Lemma 5.3's attention ratio (an attack per query/key pair, costly: at the paper's sizes three quarters of a
    # Figure-1 run's training): with log_ratio, estimated on one training example at t = 0, at the final iteration
    # and, if ratio_every > 0, every ratio_every iterations; off where no claim reads it
    log_ratio: bool = False
    ratio_every: int = 0
    dtype: str = "float32"
    engine: str = "auto"
    # the data: "synthetic" (Definition 3.1) or real images (one of images.DATASETS, Section 6 / E6.real).
    # For images, snr is required (not mu), ‖µ‖ is the image norm 5 (so τ = tau_rel·5), sigma_p is derived:
    # it is the pixel noise σ = 5/(snr·√(M·d)) (M·d = C·H·W), and d must be C·H·W/M; the binary task is
    # ``classes`` = (positive, negative) class index; ``data_root`` is the folder of mnist/cifar10/tiny-imagenet
    dataset: str = "synthetic"
    data_root: str = ""
    classes: tuple[int, int] = (0, 1)
    # how an image becomes M tokens (images.TOKENISATIONS; the paper does not say, IC-10): a √M × √M grid of
    # patches, or M strips of whole rows (eq. (1) on images only: the ViT models cut their own patches)
    tokens: str = "patches"
    # the model (MODELS). For "simplevit" and "vit-last-qkv" the ViT's hidden size is dh (= dv) and its
    # heads are H (Section 6: 128 and 4); ``init`` is "pytorch16" (Section 6's 1/16 scaling) or "pytorch"
    # (unscaled, standing in for a pretrained backbone); ``checkpoint`` names a local state_dict of that ViT
    # to start from (Appendix B.4's pretrained backbone; nothing is downloaded).
    model: str = "eq1"
    checkpoint: str = ""
    # the stability check (checks.stability): every initial weight moved by this many units in the last
    # place of the run's dtype, toward +∞, after it is drawn from the seed. 0 (the default) leaves the
    # weights as drawn; 1 is a last-bit difference, which a verdict must not turn on
    perturb: int = 0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        self._check_dataset()
        self._check_model()
        if self.dataset != "synthetic":
            self._set_image_scales()
        set_(self, "N", positive_int("N", self.N))
        set_(self, "sigma_p", positive("sigma_p", self.sigma_p))
        for name in ("d", "M", "dh", "dv", "H", "T_max", "n_test", "log_every"):
            set_(self, name, positive_int(name, getattr(self, name)))
        if isinstance(self.eval_tau_rels, str) or not isinstance(self.eval_tau_rels, tuple | list):
            raise ValueError(f"eval_tau_rels must be a tuple of numbers, got {self.eval_tau_rels!r}")
        set_(self, "eval_tau_rels", tuple(nonnegative("eval_tau_rels", r) for r in self.eval_tau_rels))
        set_(self, "ratio_every", as_int("ratio_every", self.ratio_every))
        if self.ratio_every < 0:
            raise ValueError(f"ratio_every must be >= 0, got {self.ratio_every}")
        if not isinstance(self.log_ratio, bool):
            raise ValueError(f"log_ratio must be a bool, got {self.log_ratio!r}")
        if self.ratio_every and not self.log_ratio:
            raise ValueError(f"ratio_every applies with log_ratio=True only, got ratio_every={self.ratio_every} "
                             f"with log_ratio=False")
        if self.d < 2:
            raise ValueError(f"d must be an integer >= 2 (µ₊ ⊥ µ₋ needs two dimensions), got {self.d}")
        if self.M < 2:
            raise ValueError(f"M must be an integer >= 2 (Definition 3.1: one signal token and M − 1 noise tokens), "
                             f"got {self.M}")
        if self.dataset != "synthetic":
            pass  # snr, mu and sigma_p were set by _set_image_scales
        elif self.snr is None and self.mu is None:
            raise ValueError("give snr or mu")
        elif self.snr is not None and self.mu is not None:
            snr, mu = positive("snr", self.snr), positive("mu", self.mu)
            # both are accepted only when they agree (as in a stored config); then µ is the one used
            if not math.isclose(mu, snr * self.sigma_p * math.sqrt(self.d), rel_tol=1e-9):
                raise ValueError(f"give snr or mu, not both (got snr={self.snr}, mu={self.mu})")
            set_(self, "snr", snr)
            set_(self, "mu", mu)
        elif self.mu is None:
            snr = positive("snr", self.snr)
            set_(self, "snr", snr)
            set_(self, "mu", snr * self.sigma_p * math.sqrt(self.d))
        else:
            mu = positive("mu", self.mu)
            set_(self, "mu", mu)
            set_(self, "snr", mu / (self.sigma_p * math.sqrt(self.d)))
        set_(self, "tau_rel", nonnegative("tau_rel", self.tau_rel))
        choice("norm", self.norm, NORMS)
        set_(self, "eta", positive("eta", self.eta))
        set_(self, "eps", positive("eps", self.eps))
        if self.eps >= 1:
            raise ValueError(f"eps must be in (0, 1) (the stopping rule's loss level; Condition 4.1 takes ε < 1), "
                             f"got {self.eps}")
        self._check_range()
        set_(self, "seed", as_int("seed", self.seed))
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")
        set_(self, "perturb", as_int("perturb", self.perturb))
        if not 0 <= self.perturb <= MAX_PERTURB:
            raise ValueError(f"perturb must be an integer number of ulps in [0, {MAX_PERTURB}], got {self.perturb}")
        choice("noise", self.noise, NOISES)
        choice("signal", self.signal, SIGNALS)
        choice("init", self.init, INITS)
        if self.init == "theory":
            if self.sigma_h is None or self.sigma_V is None:
                raise ValueError("init='theory' needs sigma_h and sigma_V")
            set_(self, "sigma_h", positive("sigma_h", self.sigma_h))
            set_(self, "sigma_V", positive("sigma_V", self.sigma_V))
        elif self.sigma_h is not None or self.sigma_V is not None:
            raise ValueError(f"sigma_h/sigma_V are used only with init='theory', got init={self.init!r}")
        set_(self, "w_O_norm", positive("w_O_norm", self.w_O_norm))
        set_(self, "init_scale", positive("init_scale", self.init_scale))
        choice("w_O_dir", self.w_O_dir, W_O_DIRS)
        choice("stop_on", self.stop_on, STOP_ON)
        for name in ("attack", "test_attack"):
            if not isinstance(getattr(self, name), AttackSpec):
                raise ValueError(f"{name} must be an AttackSpec, got {getattr(self, name)!r}")
        choice("dtype", self.dtype, tuple(DTYPES))
        choice("engine", self.engine, ENGINES)
        if self.engine in ("subspace", "bf16") and self.norm != "2":
            raise ValueError(f"engine={self.engine!r} applies to the ℓ2 attack only, got norm={self.norm!r}")
        if self.engine == "subspace" and self.attack.kind != "pgd":
            raise ValueError(f"engine='subspace' implements PGD only, got attack={self.attack.kind!r}")

    def _check_range(self) -> None:
        """‖µ‖, τ and σ_p must be representable with their squares in the run's dtype: the model and the attacks
        compute squared norms, so a value outside [√tiny, √max] (float32: about 1e-19 to 1.8e19) would make a run
        that trains on zeros or infinities and stores numbers that are not finite."""
        info = torch.finfo(DTYPES.get(self.dtype, torch.float32))
        lo, hi = math.sqrt(info.tiny), math.sqrt(info.max)
        assert self.mu is not None
        checked = (("mu", self.mu, f" (snr={self.snr:g}, sigma_p={self.sigma_p:g}, d={self.d})"),
                   ("tau = tau_rel·mu", self.tau, f" (tau_rel={self.tau_rel:g}, mu={self.mu:g})"),
                   ("sigma_p", self.sigma_p, ""))
        for name, value, inputs in checked:
            if value == 0 and name.startswith("tau"):
                continue  # clean training
            if not lo <= value <= hi:
                raise ValueError(f"{name} must lie in [{lo:.3g}, {hi:.3g}] for dtype={self.dtype!r} (its square must "
                                 f"be a normal number), got {value:.6g}{inputs}")

    def memory_bytes(self) -> int:
        """An estimate of the memory one run of this config takes while it trains and is evaluated, in bytes (the
        training set and a few copies of it for the attack, the weights with their gradients, one test chunk of
        250 points with its attack): what the sweep checks against the machine's memory before allocating."""
        item = 8 if self.dtype == "float64" else 4
        tokens = self.M * self.d
        data = (self.N + 250) * tokens * 6  # the points, the attacked points, the gradient and work arrays
        weights = (self.d * (2 * self.dh + self.dv) * self.H + self.H * self.dv) * 3  # values, gradients, copies
        return int((data + weights) * item)

    def _check_dataset(self) -> None:
        choice("dataset", self.dataset, DATASET_CHOICES)
        if not isinstance(self.data_root, str):
            raise ValueError(f"data_root must be a string (a folder, or '' for none), got {self.data_root!r}")
        classes = self.classes
        if isinstance(classes, str) or not isinstance(classes, tuple | list) or len(classes) != 2:
            raise ValueError(f"classes must be a pair (positive, negative) of class indices, got {classes!r}")
        pair = tuple(as_int("classes", k) for k in classes)
        if min(pair) < 0 or pair[0] == pair[1]:
            raise ValueError(f"classes must be two distinct class indices >= 0, got {classes!r}")
        if self.dataset in ("digits", "mnist", "cifar10") and max(pair) > 9:
            raise ValueError(f"classes must be class indices in [0, 10) for {self.dataset}, got {classes!r}")
        object.__setattr__(self, "classes", pair)
        choice("tokens", self.tokens, images.TOKENISATIONS)
        if self.dataset == "synthetic":
            if self.data_root or pair != (0, 1) or self.tokens != "patches":
                raise ValueError(f"data_root, classes and tokens apply to image datasets only, got dataset='synthetic' "
                                 f"with data_root={self.data_root!r}, classes={pair!r}, tokens={self.tokens!r}")
            return
        if self.dataset != "digits" and not self.data_root:
            raise ValueError(f"data_root must name the folder holding the {self.dataset} files, got ''")
        for name, default in (("noise", "isotropic"), ("signal", "basis")):
            if getattr(self, name) != default:
                raise ValueError(f"{name} does not apply to image datasets (the data are the images), "
                                 f"got {name}={getattr(self, name)!r} for dataset={self.dataset!r}")

    def _check_model(self) -> None:
        """The model fields, and the options a ViT model cannot honour (refused, never silently ignored)."""
        choice("model", self.model, MODELS)
        if not isinstance(self.checkpoint, str):
            raise ValueError(f"checkpoint must be a string (a file, or '' for none), got {self.checkpoint!r}")
        if self.model == "eq1":
            if self.checkpoint:
                raise ValueError(f"checkpoint applies to the ViT models only, got model='eq1' with "
                                 f"checkpoint={self.checkpoint!r}")
            if self.init == "pytorch":
                raise ValueError("init='pytorch' applies to the ViT models only (eq. (1) uses 'pytorch16' or "
                                 "'theory'), got model='eq1'")
            return
        if self.dataset == "synthetic":
            raise ValueError(f"model={self.model!r} trains on image data (a dataset of {images.DATASETS}), "
                             f"got dataset='synthetic'")
        if self.init not in ("pytorch16", "pytorch"):
            raise ValueError(f"init must be 'pytorch16' or 'pytorch' for model={self.model!r}, got {self.init!r}")
        if self.dh != self.dv:
            raise ValueError(f"dv must equal dh (the ViT's hidden size) for model={self.model!r}, "
                             f"got dh={self.dh}, dv={self.dv}")
        if isinstance(self.H, int) and self.H > 0 and isinstance(self.dh, int) and self.dh % self.H:
            raise ValueError(f"dh (the ViT's hidden size) must be divisible by H (its heads), "
                             f"got dh={self.dh}, H={self.H}")
        if self.norm in UNION_NORMS:
            raise ValueError(f"norm={self.norm!r} is implemented for model='eq1' only, got model={self.model!r}")
        for name in ("attack", "test_attack"):
            spec = getattr(self, name)
            kinds = ("pgd", "none") if name == "attack" else ("pgd",)
            if isinstance(spec, AttackSpec) and (spec.kind not in kinds or spec.random_start or spec.restarts != 1
                                                 or spec.iterate != "best"):
                raise ValueError(f"{name} must be Section 6's PGD ({' or '.join(kinds)}, zero start, one restart) "
                                 f"for model={self.model!r}, got {spec.describe()}")
        # (noise and signal are refused for every image run by _check_dataset, sigma_h/sigma_V with any init
        # but "theory" by __post_init__)
        fixed = {"stop_on": "robust", "engine": "auto", "ratio_every": 0, "log_ratio": False, "w_O_norm": 1.0,
                 "w_O_dir": "ones",
                 "init_scale": 1.0, "tokens": "patches"}
        for name, default in fixed.items():
            if getattr(self, name) != default:
                raise ValueError(f"{name} applies to model='eq1' only, got {name}={getattr(self, name)!r} "
                                 f"for model={self.model!r}")

    def _set_image_scales(self) -> None:
        """snr → (‖µ‖ = 5, σ_p = 5/(snr·√(M·d))) for an image run, after checking d = C·H·W/M."""
        set_ = object.__setattr__
        M = positive_int("M", self.M)
        d = positive_int("d", self.d)
        try:
            want = images.image_dims(self.dataset, M, self.data_root or None, self.tokens)
        except FileNotFoundError as exc:
            raise ValueError(f"data_root must hold the {self.dataset} files, got {self.data_root!r} ({exc})") from None
        if d != want:
            raise ValueError(f"d must be C·H·W/M = {want} for {self.dataset} with M = {M}, got {d}")
        if self.snr is None:
            raise ValueError(f"an image run needs snr (not mu: ‖µ‖ is the image norm {IMAGE_SIGNAL_NORM:g}), "
                             f"got snr=None, mu={self.mu!r}")
        snr = positive("snr", self.snr)
        if self.mu is not None and not math.isclose(positive("mu", self.mu), IMAGE_SIGNAL_NORM, rel_tol=1e-12):
            raise ValueError(f"mu is the image norm {IMAGE_SIGNAL_NORM:g} for an image run; give snr only, "
                             f"got mu={self.mu!r}")
        sigma = images.noise_sigma(snr, M * d, IMAGE_SIGNAL_NORM)
        sp = self.sigma_p
        if sp != _DEFAULT_SIGMA_P and not (isinstance(sp, int | float) and math.isclose(sp, sigma, rel_tol=1e-9)):
            raise ValueError(f"sigma_p is derived for an image run (5/(snr·√(M·d)) = {sigma:.6g}); "
                             f"give snr only, got sigma_p={sp!r}")
        set_(self, "snr", snr)
        set_(self, "mu", IMAGE_SIGNAL_NORM)
        set_(self, "sigma_p", sigma)

    @property
    def attack_engine(self) -> str:
        """The engine the training attack runs on ("auto" resolved)."""
        if self.engine != "auto":
            return self.engine
        return "subspace" if self.norm == "2" and self.attack.kind == "pgd" else "direct"

    @property
    def test_attack_engine(self) -> str:
        """The engine the test attack runs on: "subspace" where the test attack is ℓ2 PGD and the run's engine
        is "auto" or "subspace" (the exact reformulation), else "direct". Never "bf16": the test attack's
        counts are the reported lower estimate of the robust error, so it is always computed faithfully."""
        exact = self.engine in ("auto", "subspace")
        return "subspace" if exact and self.norm == "2" and self.test_attack.kind == "pgd" else "direct"

    # ---- derived -------------------------------------------------------------------------
    @property
    def tau(self) -> float:
        """The per-token radius τ = tau_rel·‖µ‖ (in the attack's norm)."""
        assert self.mu is not None
        return self.tau_rel * self.mu

    @property
    def signal_norm(self) -> float:
        """‖µ‖ (the field ``mu``, which __post_init__ sets for every config)."""
        assert self.mu is not None
        return self.mu

    def replace(self, **changes: object) -> RunConfig:
        """A copy with ``changes``; SNR stays fixed (and ‖µ‖ follows) unless ``mu`` is changed."""
        data = self.as_dict()
        data.pop("snr" if "mu" in changes else "mu")
        if "sigma_p" not in changes and (changes.get("dataset", self.dataset) != "synthetic"):
            data.pop("sigma_p")  # derived from snr, M and d for images
        data.update(changes)
        return RunConfig.from_dict(data)

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> RunConfig:
        data = dict(data)
        if isinstance(classes := data.get("classes"), list):
            data["classes"] = tuple(classes)  # JSON has no tuples
        if isinstance(radii := data.get("eval_tau_rels"), list):
            data["eval_tau_rels"] = tuple(radii)
        for name in ("attack", "test_attack"):
            if isinstance(data.get(name), dict):
                data[name] = AttackSpec(**data[name])  # type: ignore[arg-type]  # __post_init__ validates
        return cls(**data)  # type: ignore[arg-type]  # __post_init__ validates each field

    def key(self, code_version: str) -> str:
        """A stable hash of the full configuration and the code version (the store's key)."""
        config = self.as_dict()
        if self.dataset == "synthetic":  # a synthetic run keeps the key it had before images existed
            for name, default in _IMAGE_FIELDS.items():
                if config[name] == default:
                    del config[name]
        for name, value in _KEYLESS_DEFAULTS.items():
            if config[name] == value:
                del config[name]
        for name in ("attack", "test_attack"):  # an attack's iterate rule at its default, likewise
            spec = config[name]
            if isinstance(spec, dict) and spec.get("iterate") == "best":
                del spec["iterate"]
        payload = json.dumps({"config": config, "code": code_version}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:24]

    def group_key(self) -> tuple[object, ...]:
        """Runs with equal group keys share tensor shapes and code paths and train as one batch."""
        return tuple(getattr(self, f) for f in GROUP_FIELDS)

    def label(self) -> str:
        """A short stable id, ``run[N=…,snr=…,…]``, for progress lines and test ids."""
        strips = ",strips" if self.tokens == "strips" else ""
        data = "" if self.dataset == "synthetic" else f"{self.dataset}{self.classes[0]}v{self.classes[1]}{strips},"
        if self.model != "eq1":
            data = f"{self.model},{data}"
        nudged = f",perturb={self.perturb}" if self.perturb else ""
        return f"run[{data}N={self.N},snr={self.snr:.4g},tau_rel={self.tau_rel:g},seed={self.seed}{nudged}]"


# Fields that may differ inside one batched group (one scalar per member) ...
MEMBER_FIELDS: tuple[str, ...] = (
    "N", "snr", "mu", "sigma_p", "tau_rel", "eta", "eps", "T_max", "seed", "sigma_h", "sigma_V", "w_O_norm",
)
# ... and those every member of a group shares.
GROUP_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(RunConfig) if f.name not in MEMBER_FIELDS
)


@dataclass
class RunOutput:
    """What one run produced, whichever its model: the final result row, its trajectory and its wall time."""

    config: RunConfig
    result: RunResult
    trajectory: list[dict[str, float]]
    wall_s: float


def run_device(device: object) -> torch.device:
    """The torch device a run trains on, from its name (``"cpu"``, ``"cuda"``, ``"cuda:1"``), if it is available."""
    try:
        dev = torch.device(device)  # type: ignore[call-overload]  # any object; its TypeError is caught
    except (RuntimeError, TypeError):
        raise ValueError(f"device must name a torch device such as 'cpu' or 'cuda', got {device!r}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device must be available, got {device!r} (torch sees no CUDA device)")
    return dev
