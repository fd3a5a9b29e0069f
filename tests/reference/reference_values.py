#!/usr/bin/env python3
"""Reference values for civic-survey's statistics, from an independent
implementation (statsmodels and scipy, from PyPI). The Rust unit tests in
src/stats compare against the JSON this writes, to within 1e-9.

    pip install scipy statsmodels
    python3 tests/reference/reference_values.py > tests/reference/values.json

Every case is stated here, so the values can be checked by anyone with
Python; nothing is random.
"""
import json

import scipy
import statsmodels
from statsmodels.stats.proportion import proportion_confint

# (count, base): the 2019 figures the strategy published, and edge cases.
WILSON_CASES = [
    (163, 407), (94, 407), (80, 407), (37, 407), (33, 407),   # most important issue
    (65, 154), (62, 154), (61, 154),                          # ASB follow-up
    (81, 85), (49, 85),                                       # property crime
    (24, 29), (17, 29), (13, 29),                             # substance misuse: a small base
    (121, 420), (299, 420),                                   # borough
    (227, 342), (301, 342), (1, 342),                         # gender, ethnicity
    (20, 50), (5, 8),                                         # a scale's positive end
    (0, 10), (10, 10), (0, 1), (1, 1), (1, 2), (3, 7),        # edges
]


def wilson():
    out = []
    for count, base in WILSON_CASES:
        low, high = proportion_confint(count, base, alpha=0.05, method="wilson")
        out.append({"count": count, "base": base, "low": low, "high": high})
    return out


if __name__ == "__main__":
    print(json.dumps({
        "generated_by": "tests/reference/reference_values.py",
        "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "wilson_95": wilson(),
    }, indent=2))
