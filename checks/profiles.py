"""The sizes each `pytest checks` profile simulates (chosen by ``BOVIT_PROFILE``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Profile:
    """A scale for the claim checks: model sizes, grid, seeds and test-set size."""

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

    def __post_init__(self) -> None:
        from simulate.images import DATASETS

        if self.images not in DATASETS:
            raise ValueError(f"images must be one of {', '.join(DATASETS)}, got {self.images!r}")
        if not isinstance(self.data_root, str):
            raise ValueError(f"data_root must be a string, got {self.data_root!r}")
        if self.images != "digits" and not self.data_root:
            raise ValueError(f"data_root must name the folder holding the {self.images} files, got ''")


PROFILES: dict[str, Profile] = {
    "ci": Profile("ci", {"d": 32, "M": 4, "dh": 6, "dv": 6}, N=8, snrs=(1.0, 4.0), seeds=(0, 1), T_max=60,
                  n_test=400, search_examples=4),
    "default": Profile("default", {"d": 256, "M": 8, "dh": 32, "dv": 32}, N=12, snrs=(0.5, 2.0, 8.0),
                       seeds=(0, 1, 2), T_max=300, n_test=2000,
                       search_examples=10),
    "paper": Profile("paper", {"d": 1024, "M": 16, "dh": 128, "dv": 128}, N=22, snrs=(0.5, 2.0, 8.0),
                     seeds=(0, 1, 2, 3, 4), T_max=1000, n_test=2000,
                     search_examples=10),
    "thorough": Profile("thorough", {"d": 256, "M": 8, "dh": 32, "dv": 32}, N=12,
                        snrs=(0.25, 0.5, 1.0, 2.0, 4.0, 8.0), seeds=tuple(range(5)), T_max=500, n_test=5000,
                        search_examples=40),
}
