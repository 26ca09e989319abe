"""The difference of two rates and its 95% interval, given only where the groups are large enough to tell."""

from __future__ import annotations

import math

Z95 = 1.959964
# The normal approximation holds when each group has at least this many who did and who did not (np >= 5 and
# n(1 - p) >= 5); with fewer, its interval is a false certainty (three customers who all did nothing: 0 to 0).
MIN_EACH_WAY = 5


def enough(hits: int, n: int) -> bool:
    return hits >= MIN_EACH_WAY and n - hits >= MIN_EACH_WAY


def difference(hits_a: int, n_a: int, hits_b: int, n_b: int) -> tuple[float | None, float | None, float | None]:
    """Rate a minus rate b, and the 95% interval of that difference: all None where a group is empty, the
    interval None where either group is too small to tell (see MIN_EACH_WAY)."""
    if not n_a or not n_b:
        return None, None, None
    p_a, p_b = hits_a / n_a, hits_b / n_b
    if not (enough(hits_a, n_a) and enough(hits_b, n_b)):
        return round(p_a - p_b, 4), None, None
    spread = Z95 * math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    return round(p_a - p_b, 4), round(p_a - p_b - spread, 4), round(p_a - p_b + spread, 4)
