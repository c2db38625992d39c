"""Hypothesis profiles and the fuzz case counter (loaded by tests/conftest.py).

- "ci" (the default): few examples per property, derandomized, so `make test` is quick and
  deterministic;
- "fuzz": `JIXIAO_FUZZ=1` (or `HYPOTHESIS_PROFILE=fuzz`), what `make fuzz` runs: many random
  examples per property (`JIXIAO_FUZZ_EXAMPLES`, default 6000; slow properties run a share).

Every property in tests/test_fuzz.py is wrapped by `counted`, so the session can report how
many cases (calls of a property body, shrinking included) it executed.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

CASES: Counter[str] = Counter()
F = TypeVar("F", bound=Callable[..., Any])

_QUIET_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "ci",
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=_QUIET_CHECKS,
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("JIXIAO_FUZZ_EXAMPLES", "6000")),
    derandomize=False,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=_QUIET_CHECKS,
)


def load_profile() -> str:
    name = "fuzz" if os.environ.get("JIXIAO_FUZZ") else os.environ.get("HYPOTHESIS_PROFILE", "ci")
    settings.load_profile(name)
    return name


def scaled(share: float) -> settings:
    """The current profile with `share` of its examples (slow properties: whole documents)."""
    return settings(max_examples=max(10, int(settings.default.max_examples * share)))


def counted(test: F) -> F:
    """Count each call of a property body in CASES (apply below @given)."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        CASES[test.__name__] += 1
        return test(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def summary(verbose: bool) -> list[str]:
    """Lines for the end of the session: the total, and per property when verbose."""
    if not CASES:
        return []
    lines = [f"fuzz: {sum(CASES.values()):,} cases over {len(CASES)} properties"]
    if verbose:
        lines += [f"  {count:>9,}  {name}" for name, count in sorted(CASES.items())]
    return lines
