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
from scipy.stats import chi2_contingency, fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportions_ztest)

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


# Groups (rows) by answers (columns). The first is the 2019 most-important
# split in the proportions published for the two boroughs' sizes; the rest
# are small or lopsided on purpose.
CHI_SQUARE_CASES = [
    [[47, 27, 24, 12, 8], [116, 67, 56, 25, 25]],
    [[10, 20, 30], [30, 20, 10], [5, 5, 5]],
    [[12, 5], [7, 9]],
    [[0, 5, 9], [3, 0, 4]],
    [[120, 1], [290, 9]],
]

FISHER_CASES = [
    [[3, 1], [1, 3]],
    [[8, 2], [1, 5]],
    [[0, 5], [5, 0]],
    [[10, 0], [10, 0]],
    [[2, 7], [8, 2]],
    [[24, 5], [13, 16]],
]

# (x1, n1, x2, n2)
TWO_PROPORTION_CASES = [
    (52, 100, 38, 100),
    (65, 154, 20, 80),
    (24, 29, 13, 29),
    (1, 342, 9, 299),
    (121, 420, 299, 420),
]

# Change between waves, (x1, n1, x2, n2): this wave against an earlier one.
NEWCOMBE_CASES = [
    (52, 100, 38, 100),
    (163, 407, 140, 380),
    (24, 29, 13, 29),
    (0, 50, 3, 60),
    (10, 10, 7, 12),
    (1, 342, 9, 299),
]

HOLM_CASES = [
    [0.01, 0.04, 0.03, 0.005],
    [0.2, 0.5, 0.001, 0.049, 0.3, 0.02],
    [1.0, 0.9],
]


def chi_square():
    out = []
    for table in CHI_SQUARE_CASES:
        statistic, p, df, expected = chi2_contingency(table, correction=False)
        out.append({"table": table, "statistic": float(statistic), "p": float(p),
                    "df": int(df), "min_expected": float(expected.min())})
    return out


def fisher():
    return [{"table": t, "p": float(fisher_exact(t, alternative="two-sided").pvalue)} for t in FISHER_CASES]


def two_proportions():
    out = []
    for x1, n1, x2, n2 in TWO_PROPORTION_CASES:
        z, p = proportions_ztest([x1, x2], [n1, n2])
        out.append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "z": float(z), "p": float(p)})
    return out


def holm():
    return [{"raw": raw, "corrected": [float(c) for c in multipletests(raw, method="holm")[1]]} for raw in HOLM_CASES]


def newcombe():
    out = []
    for x1, n1, x2, n2 in NEWCOMBE_CASES:
        low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
        out.append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "low": float(low), "high": float(high)})
    return out


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
        "chi_square": chi_square(),
        "fisher": fisher(),
        "two_proportions": two_proportions(),
        "holm": holm(),
        "newcombe": newcombe(),
    }, indent=2))
