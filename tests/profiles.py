"""How long the property-based tests search, by HYPOTHESIS_PROFILE (README, Tests):

- unset or `default`: what the suite runs, sized so that `scripts/test` stays near ten
  minutes on two cores;
- `nightly`: a longer search (several times the examples, longer sequences), for a run
  that has the time, e.g. `HYPOTHESIS_PROFILE=nightly scripts/test`.

Tests with counts of their own take them from `search()`; @given tests without any get the
profile's max_examples (Hypothesis' 100 by default)."""
from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.register_profile("nightly", max_examples=1000)
settings.load_profile(PROFILE)  # an unknown name fails here, rather than searching as by default
NIGHTLY = PROFILE == "nightly"


def search(default: int, nightly: int) -> int:
    """A count (examples, steps) for the profile in use."""
    return nightly if NIGHTLY else default
