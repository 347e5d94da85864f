"""Roll-up of initiative progress. Pure functions: no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Part:
    progress: Decimal | float | int  # the part's own total, 0-100
    weight: int | None = None


def rollup(own: Decimal | float | int, parts: Sequence[Part]) -> Decimal:
    """The progress of an initiative with sub-initiatives `parts` (own progress if none).

    Weighted where weights are set; a part without a weight counts with the mean of its
    siblings' weights (so one missing weight neither dominates nor vanishes), and with no
    weights at all every part counts equally. Rounded to one decimal.
    """
    if not parts:
        value = Decimal(str(own))
    else:
        given = [p.weight for p in parts if p.weight]
        default = Decimal(sum(given)) / len(given) if given else Decimal(1)
        weights = [Decimal(p.weight) if p.weight else default for p in parts]
        total = sum(weights)
        value = sum(
            (Decimal(str(p.progress)) * w for p, w in zip(parts, weights, strict=True)),
            Decimal(0),
        ) / total
    value = min(max(value, Decimal(0)), Decimal(100))
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
