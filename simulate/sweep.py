"""Run a list of RunConfigs into the store: skip what is stored, batch the rest, write as results come.

Each finished run is written at once, in its own transaction, keyed by the hash of its full
configuration and the code version; a sweep that is killed (even with SIGKILL) and started again
loses nothing that was written and duplicates nothing. Groups run in-process by default or on a
dask.distributed cluster (``scheduler="tcp://host:port"``), with results written by the client.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from simulate.config import RunConfig
from simulate.executor import run_all
from simulate.grid import GROUP_MEMBERS, group
from simulate.progress import Progress
from simulate.store import Store, code_version
from simulate.train import RunOutput, train_group

__all__ = ["SweepSummary", "check_memory", "memory_limit", "rates", "sweep", "train_work", "work_units"]


@dataclass(frozen=True)
class SweepSummary:
    total: int
    stored_before: int
    trained: int  # by this sweep
    groups: int
    wall_s: float
    by_others: int = 0  # stored meanwhile by another sweep into the same store, which held them
    left: int = 0  # not trained because the sweep's time budget ran out (the store lacks them)


@dataclass(frozen=True)
class WorkItem:
    """One batched group and the device to train it on (what an executor ships to a worker)."""

    configs: tuple[RunConfig, ...]
    device: str

    def __str__(self) -> str:
        c = self.configs[0]
        return f"group[N={c.N}, members={len(self.configs)}, first={c.label()}]"


def _provenance(device: str) -> dict[str, str]:
    """What produced a run besides its config: library versions, device, host and git revision."""
    import platform
    import subprocess
    from pathlib import Path

    import torch

    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        rev = "unknown"
    return {"torch": torch.__version__, "python": platform.python_version(), "device": device,
            "host": platform.node(), "git": rev}


def memory_limit() -> int:
    """The machine's physical memory in bytes (what a group may at most take), or 0 where it cannot be read."""
    import os

    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return 0


def check_memory(groups: Sequence[Sequence[RunConfig]]) -> None:
    """Refuse, before anything is allocated or stored, a grid whose largest group would not fit in memory."""
    limit = memory_limit()
    if not limit or not groups:
        return
    need, worst = max(((sum(c.memory_bytes() for c in g), g[0]) for g in groups), key=lambda pair: pair[0])
    if need > limit:
        raise ValueError(f"the grid's run {worst.label()} (d={worst.d}, M={worst.M}, dh={worst.dh}, N={worst.N}) "
                         f"needs about {need / 2**30:.3g} GiB in its group, more than this machine's "
                         f"{limit / 2**30:.3g} GiB: lower d, M, N or --max-members")


def train_work(item: WorkItem) -> list[RunOutput]:
    """Train one group (module level, so a dask worker can unpickle it)."""
    return train_group(list(item.configs), device=item.device)


def sweep(
    configs: Sequence[RunConfig],
    store: Store,
    *,
    scheduler: str | None = None,
    device: str = "cpu",
    max_members: int = GROUP_MEMBERS,
    show_progress: bool = True,
    budget_s: float | None = None,
) -> SweepSummary:
    """Train every config not yet in ``store`` and write each run as its group finishes.

    With ``budget_s`` (in-process only) no group starts once that many seconds have passed: the groups begun
    finish and are stored, the rest are left for a later sweep (``SweepSummary.left``)."""
    if budget_s is not None and (isinstance(budget_s, bool) or not isinstance(budget_s, int | float)
                                 or not budget_s > 0):
        raise ValueError(f"budget must be a positive number of seconds, got {budget_s!r}")
    if budget_s is not None and scheduler is not None:
        raise ValueError(f"budget applies to an in-process sweep only, got scheduler={scheduler!r}")
    start = time.perf_counter()
    code = code_version()
    keyed = {c.key(code): c for c in configs}
    todo = [c for k, c in keyed.items() if not store.has(k)]
    stored_before = len(keyed) - len(todo)
    groups = group(todo, max_members=max_members)
    check_memory(groups)
    # Progress is counted in member-iterations (each run's T_max budget), so groups of unequal size weigh right.
    # A run that reaches ε early credits the rest of its budget at once, and how much of it a grid's runs use
    # differs from grid to grid (Figure 1's runs stop at about a third of theirs, the τ sweep's at Case 2 and
    # beyond use all of it), so taken in grid order the bar's rate so far is the rate of the grids done, and the
    # ETA was too short (a fresh default job in grid order showed 0.60, 0.49, 0.31 and 0.24 of the true remaining
    # time at 9.5, 19, 28.5 and 37 of its 51 minutes). The groups run in a fixed random order instead, so that
    # the rate so far is an average over every grid's work.
    # Each group trains the same way in any order (its members' seeds decide their numbers).
    random.Random(0).shuffle(groups)
    items = [WorkItem(tuple(g), device) for g in groups]
    # Work is weighed by its estimated cost (work_units), not in member-iterations: a ViT iteration costs far more
    # than an eq. (1) one, and the evaluation after training (not counted in iterations) is a third of an eq. (1)
    # run. Each model is its own kind of work, whose remaining units the bar prices at the rate measured on it.
    units = [work_units(g[0]) for g in groups]
    weights = [sum(c.T_max for c in g) * u_train + len(g) * u_eval for g, (u_train, u_eval) in zip(groups, units,
                                                                                                   strict=True)]
    kinds: dict[str, float] = {}
    for g, w in zip(groups, weights, strict=True):
        kinds[g[0].model] = kinds.get(g[0].model, 0.0) + w

    provenance = _provenance(device)

    def on_result(item: WorkItem, outputs: list[RunOutput]) -> None:
        # the group a run trained in is recorded: in float32 a member's last bits depend on its group's size
        # (README, "What is deterministic"), so two stores' numbers can be compared knowing how each was batched
        batching = {"group_members": str(len(item.configs)), "max_members": str(max_members)}
        for out in outputs:
            result = dataclasses.replace(out.result, provenance={**provenance, **batching})
            store.put(out.config.key(code), out.config.as_dict(), result, out.trajectory, out.wall_s, code)

    # Runs are claimed in the store before they train (Store.claim), so that two sweeps into one store never
    # train the same run: a run another sweep holds is left to it, and waited for at the end (trained here after
    # all if that sweep ends without storing it).
    owner = Store.owner_id()
    trained = 0
    elsewhere: list[RunConfig] = []

    def mine(configs_: Sequence[RunConfig]) -> list[RunConfig]:
        held = set(store.claim([c.key(code) for c in configs_], owner))
        elsewhere.extend(c for c in configs_ if c.key(code) not in held and not store.has(c.key(code)))
        return [c for c in configs_ if c.key(code) in held]

    def train_here(item: WorkItem, bar: Progress) -> None:
        nonlocal trained
        keys = [c.key(code) for c in item.configs]
        u_train, u_eval = work_units(item.configs[0])
        kind = item.configs[0].model
        try:
            outputs = train_group(list(item.configs), device=item.device,
                                  tick=lambda k: bar.advance(k * u_train, kind=kind))
            on_result(item, outputs)
            trained += len(item.configs)
            # the evaluation, done when the group returns
            bar.advance(len(item.configs) * u_eval, kind=kind, note=f"{trained}/{len(todo)} runs stored")
        finally:
            store.release(keys, owner)

    # the bar's units are estimated multiply-adds (work_units), so it shows the share done and the runs stored
    with Progress(total=sum(weights), enabled=show_progress, label=f"{len(todo)} runs", show_amount=False) as bar:
        bar.set_kinds(kinds)
        if items and scheduler is None:
            # in-process: the bar moves with every iteration, not only when a group finishes
            for item, weight in zip(items, weights, strict=True):
                if budget_s is not None and time.perf_counter() - start > budget_s:
                    break  # the budget is spent: the groups left stay untrained and unclaimed
                claimed = mine(item.configs)
                if not claimed:
                    bar.advance(weight, note="held by another sweep")
                    continue
                train_here(WorkItem(tuple(claimed), device), bar)
        elif items:
            claimed_all = set(mine(todo))
            kept = [WorkItem(tuple(c for c in it.configs if c in claimed_all), device) for it in items]
            kept_weights = [w for it, w in zip(kept, weights, strict=True) if it.configs]
            bar.advance(sum(w for it, w in zip(kept, weights, strict=True) if not it.configs))
            try:
                run_all([it for it in kept if it.configs], train_work, on_result, scheduler=scheduler,
                        weights=kept_weights, progress=bar)
                trained += len(claimed_all)
            finally:
                store.release([c.key(code) for c in claimed_all], owner)
        if budget_s is None or time.perf_counter() - start <= budget_s:
            trained += _wait_for_others(elsewhere, store, code, owner, device, max_members,
                                        lambda it: train_here(it, bar))
    left = sum(not store.has(c.key(code)) for c in todo)
    return SweepSummary(len(keyed), stored_before, trained, len(groups), time.perf_counter() - start,
                        len(todo) - trained - left, left)


# The cost model of work_units, in multiply-adds: a member-iteration of training is the attack's steps (and the
# forward and backward pass of the step itself) over the N training inputs, an evaluation the test attack's steps
# (with the certificate, the midpoint attacks and the stronger attack, EVAL_EXTRA_STEPS step-equivalents) over
# n_test inputs, an input's pass costing M·d·width; every operation also has a fixed overhead, OVERHEAD_MACS per
# pass and input group (small groups are bound by it). A ViT's width counts its layers. OVERHEAD_MACS and VIT_OPS are
# set by hand, not fitted: with them a ViT unit and an eq. (1) unit took 0.61 and 0.47 ns on one mixed ci-sized grid
# (2 cores), and tests/test_eta.py holds the ETA they give to within 1.5× of the truth on another.
EVAL_EXTRA_STEPS = 12
OVERHEAD_MACS = 2e5
VIT_LAYERS = 2
VIT_OPS = 6  # a ViT pass runs about this many times the operations of an eq. (1) pass (layers, heads, MLP, norms)


def work_units(c: RunConfig) -> tuple[float, float]:
    """(the estimated cost of one member-iteration of training, that of the run's evaluation), in multiply-adds
    (see OVERHEAD_MACS): what the sweep's progress bar weighs a run's work by."""
    width: float
    if c.model == "eq1":
        width, overhead = float(c.H * (2 * c.dh + c.dv)), OVERHEAD_MACS
    else:  # the ViTs: an embedding to dh, then layers of attention (4·dh² per token) and an MLP (2·dh²)
        width, overhead = c.dh * (1 + VIT_LAYERS * 6 * c.dh / max(c.d, 1)), OVERHEAD_MACS * VIT_OPS
    per_input = c.M * c.d * width
    steps = c.attack.steps * c.attack.restarts + 2
    train = steps * (c.N * per_input + overhead)
    test_steps = c.test_attack.steps * c.test_attack.restarts + EVAL_EXTRA_STEPS
    evaluation = test_steps * (c.n_test * per_input + overhead * math.ceil(c.n_test / 250))
    return float(train), float(evaluation)


# how often a sweep looks again at runs another sweep is training
WAIT_POLL_S = 2.0


def _wait_for_others(configs: Sequence[RunConfig], store: Store, code: str, owner: str, device: str,
                     max_members: int, train: Callable[[WorkItem], None]) -> int:
    """Wait until every run of ``configs`` (held by other sweeps) is stored; a run whose claim lapses unstored is
    claimed and trained here. Returns how many runs were trained here."""
    waiting = {c.key(code): c for c in configs}
    trained = 0
    while waiting:
        for key in [k for k in waiting if store.has(k)]:
            del waiting[key]
        if not waiting:
            break
        orphans = [waiting[k] for k in store.claim(list(waiting), owner)]
        for g in group(orphans, max_members=max_members):
            train(WorkItem(tuple(g), device))
            trained += len(g)
        for c in orphans:
            waiting.pop(c.key(code), None)
        if waiting:
            time.sleep(WAIT_POLL_S)
    return trained


def rates(configs: Sequence[RunConfig], store: Store) -> list[dict[str, Any]]:
    """Each stored run of ``configs`` (in their order; runs not in the store are left out) with its error
    rates over its ``n_test`` points: clean, robust by the attack, and robust certified (an upper estimate;
    None for the ViT models, which have no certificate), with its label, grid values, iterations,
    whether it converged, and its key."""
    code = code_version()
    rows = []
    for c in configs:
        rec = store.get(c.key(code))
        if rec is None:
            continue
        r = rec.result
        n = r.n_test
        cert = r.robust_errors_certified
        rows.append({"id": c.label(), "N": c.N, "snr": c.snr, "tau_rel": c.tau_rel, "seed": c.seed,
                     "iterations": r.iterations, "converged": r.converged,
                     "clean_error": r.clean_errors / n, "robust_error_attack": r.robust_errors_attack / n,
                     "robust_error_certified": None if cert is None else cert / n, "key": rec.key})
    return rows
