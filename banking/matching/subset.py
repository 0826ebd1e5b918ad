"""Which few open entries of one party add up to a payment (a combined payment without numbers).

Bounded: at most `max_entries` entries (default 4) chosen among at most 30. Pair sums are sorted
once, so sizes 2, 3 and 4 are binary searches over pairs rather than an enumeration of
combinations (27,405 four-entry subsets of 30 entries; here 435 pairs).
"""
from __future__ import annotations

import bisect
from collections.abc import Sequence


def subset_sums(
    values: Sequence[int], low: int, high: int, *, max_entries: int = 4, max_solutions: int = 3
) -> list[tuple[int, ...]]:
    """Index tuples (ascending, 2..max_entries long) of `values` whose sum lies in [low, high].

    Smaller subsets first; stops after `max_solutions` (the caller only needs to know whether
    the combination is unique). Values and bounds are positive integer cents.
    """
    count = len(values)
    solutions: list[tuple[int, ...]] = []
    if count < 2 or max_entries < 2:
        return solutions
    # Cheap exits: even the largest entries cannot reach the amount, or the smallest two exceed it.
    ordered = sorted(values)
    if sum(ordered[-max_entries:]) < low or ordered[0] + ordered[1] > high:
        return solutions
    pairs = sorted(
        (values[i] + values[j], i, j) for i in range(count) for j in range(i + 1, count)
    )
    pair_sums = [pair[0] for pair in pairs]

    def pairs_between(lower: int, upper: int):
        start = bisect.bisect_left(pair_sums, lower)
        stop = bisect.bisect_right(pair_sums, upper)
        return pairs[start:stop]

    for _, i, j in pairs_between(low, high):
        solutions.append((i, j))
        if len(solutions) >= max_solutions:
            return solutions
    if max_entries >= 3:
        for k in range(count):
            for _, i, j in pairs_between(low - values[k], high - values[k]):
                if k < i:  # k < i < j: each triple once
                    solutions.append((k, i, j))
                    if len(solutions) >= max_solutions:
                        return solutions
    if max_entries >= 4:
        for first_sum, a, b in pairs:
            for _, c, d in pairs_between(low - first_sum, high - first_sum):
                if b < c:  # a < b < c < d: each quadruple once
                    solutions.append((a, b, c, d))
                    if len(solutions) >= max_solutions:
                        return solutions
    return solutions
