"""Hypothesis profiles of the fuzzing suite.

``fuzz`` (the default) keeps ``make test`` fast: a handful of examples per form. ``long`` throws
many more; select it with ``HYPOTHESIS_PROFILE=long`` or ``make fuzz-long``.
"""

import os

from hypothesis import HealthCheck, settings

COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                              HealthCheck.data_too_large],
    "database": None,
}
settings.register_profile("fuzz", max_examples=3, **COMMON)
settings.register_profile("long", max_examples=200, **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))
