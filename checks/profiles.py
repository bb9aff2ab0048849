"""The profile a claim check runs at: a scale of ``simulate.grid`` (chosen by ``BOVIT_PROFILE`` or ``--scale``),
how hard the hypothesis searches look, and the image data set of the real-data claims."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulate.config import MAX_PERTURB
from simulate.grid import SCALES, Scale


@dataclass(frozen=True)
class Profile:
    """A scale for the claim checks: its sizes (``simulate.grid.SCALES``), search effort and image data."""

    name: str
    dims: dict[str, int] = field(default_factory=dict)
    N: int = 8
    snrs: tuple[float, ...] = (1.0, 4.0)
    seeds: tuple[int, ...] = (0, 1)
    T_max: int = 60
    n_test: int = 400
    search_examples: int = 4  # points each hypothesis search draws (checks/test_search.py)
    # the image data set of the real-data claims (checks/real.py): scikit-learn's bundled digits (offline, the
    # default, whose verdicts checks/expected.py records) or mnist / cifar10 / tiny-imagenet from ``data_root``
    images: str = "digits"
    data_root: str = ""
    # the stability check (checks.stability): each claim also evaluated on its runs with every initial weight
    # moved this many ulps; 0 = not checked (the ci smoke scale, where it would double CI's training)
    stability_ulps: int = 0

    def __post_init__(self) -> None:
        from simulate.images import DATASETS

        if self.images not in DATASETS:
            raise ValueError(f"images must be one of {', '.join(DATASETS)}, got {self.images!r}")
        if not isinstance(self.data_root, str):
            raise ValueError(f"data_root must be a string, got {self.data_root!r}")
        if self.images != "digits" and not self.data_root:
            raise ValueError(f"data_root must name the folder holding the {self.images} files, got ''")
        if isinstance(self.stability_ulps, bool) or not isinstance(self.stability_ulps, int) \
                or not 0 <= self.stability_ulps <= MAX_PERTURB:
            raise ValueError(f"stability_ulps must be an integer in [0, {MAX_PERTURB}], got {self.stability_ulps!r}")

    @classmethod
    def of(cls, s: Scale, search_examples: int, stability_ulps: int) -> Profile:
        """The profile of a scale."""
        return cls(s.name, s.dims, N=s.N, snrs=s.snrs, seeds=s.seeds, T_max=s.T_max, n_test=s.n_test,
                   search_examples=search_examples, stability_ulps=stability_ulps)


_SEARCH_EXAMPLES = {"ci": 4, "default": 10, "paper": 10, "thorough": 40}
# one ulp: the smallest difference the arithmetic can make (the ci smoke scale does not check it)
_STABILITY_ULPS = {"ci": 0, "default": 1, "paper": 1, "thorough": 1}
PROFILES: dict[str, Profile] = {name: Profile.of(s, _SEARCH_EXAMPLES[name], _STABILITY_ULPS[name])
                                for name, s in SCALES.items()}
