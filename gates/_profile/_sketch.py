"""A mergeable quantile sketch (KLL) whose rank error is bounded, not just likely.

Karnin, Lang and Liberty's compactor sketch (FOCS 2016), as in Apache DataSketches' KLL:
level ``h`` holds items of weight ``2**h``; a level over its capacity (``k * (2/3)**depth``,
at least 2) is sorted and every other item, from an offset of 0 or 1, moves up a level with
twice the weight. Merging two sketches concatenates their levels and compacts again, so a
merge of partitions' sketches is a sketch of their concatenation.

Each compaction of a level of weight ``w`` moves the rank of any value by at most ``w``; the
sketch adds these up in :attr:`KLL.error`, a worst-case bound on every rank it reports (so
``rank_error = error / n`` is a guarantee, not a confidence level). Until the first
compaction the sketch holds every value and quantiles are exact, with the same linear
interpolation as Polars. The offsets come from a generator seeded by the level and the
count, so the same input always gives the same sketch.

Hand-written because no sketch library is a dependency yet; Apache DataSketches' KLL
(``datasketches``) would replace it behind the same four methods.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["DEFAULT_K", "KLL"]

#: Items kept on the top level; the sketch holds about 3k items in all.
DEFAULT_K = 1024
_DECAY = 2.0 / 3.0

Floats = NDArray[np.float64]


class KLL:
    """A KLL sketch of finite floats: :meth:`update`, :meth:`merge`, :meth:`quantiles`, :meth:`rank`."""

    def __init__(self, k: int = DEFAULT_K) -> None:
        self.k = k
        #: ``levels[h]``: items of weight ``2**h`` (unsorted).
        self.levels: list[Floats] = [np.empty(0, dtype=np.float64)]
        #: Values summarised (the sum of the weights).
        self.n = 0
        #: Worst-case absolute rank error of any query (sum of the compacted levels' weights).
        self.error = 0
        self.min = math.inf
        self.max = -math.inf

    @property
    def exact(self) -> bool:
        """True until the first compaction: the sketch holds every value."""
        return self.error == 0

    @property
    def rank_error(self) -> float:
        """The worst-case rank error as a share of ``n`` (0 when exact)."""
        return self.error / self.n if self.n else 0.0

    def _capacity(self, h: int) -> int:
        depth = len(self.levels) - 1 - h
        return max(2, math.ceil(self.k * _DECAY**depth))

    def update(self, values: Sequence[float] | Floats) -> KLL:
        """Add finite values (NaN and inf are the caller's to drop)."""
        arr = np.asarray(values, dtype=np.float64)
        if arr.size == 0:
            return self
        self.n += int(arr.size)
        self.min = min(self.min, float(arr.min()))
        self.max = max(self.max, float(arr.max()))
        self.levels[0] = np.concatenate([self.levels[0], arr])
        self._compact()
        return self

    def merge(self, other: KLL) -> KLL:
        """A new sketch of both inputs (neither is changed)."""
        out = KLL(max(self.k, other.k))
        out.n = self.n + other.n
        out.error = self.error + other.error
        out.min, out.max = min(self.min, other.min), max(self.max, other.max)
        depth = max(len(self.levels), len(other.levels))
        out.levels = [
            np.concatenate([s.levels[h] for s in (self, other) if h < len(s.levels)])
            for h in range(depth)
        ]
        out._compact()
        return out

    def _compact(self) -> None:
        while True:
            over = [h for h, lv in enumerate(self.levels) if lv.size > self._capacity(h)]
            if not over:
                return
            h = over[0]
            if h + 1 == len(self.levels):
                self.levels.append(np.empty(0, dtype=np.float64))
            level = np.sort(self.levels[h])
            # an odd item stays behind, so the level compacts an even count
            keep, pairs = (level[:1], level[1:]) if level.size % 2 else (level[:0], level)
            offset = int(np.random.default_rng([self.n, h, level.size]).integers(2))
            self.error += 2**h
            self.levels[h] = keep
            self.levels[h + 1] = np.concatenate([self.levels[h + 1], pairs[offset::2]])

    def _weighted(self) -> tuple[Floats, NDArray[np.int64]]:
        items = np.concatenate(self.levels)
        weights = np.concatenate(
            [np.full(lv.size, 2**h, dtype=np.int64) for h, lv in enumerate(self.levels)]
        )
        order = np.argsort(items, kind="stable")
        return items[order], weights[order]

    def quantiles(self, qs: Sequence[float]) -> list[float | None]:
        """The values at shares ``qs`` of the ranks (linear interpolation while exact)."""
        if self.n == 0:
            return [None for _ in qs]
        items, weights = self._weighted()
        if self.exact:  # Polars' linear interpolation, in its order of operations
            out_exact: list[float | None] = []
            for q in qs:
                at = (items.size - 1) * q
                base = int(at)
                upper = items[min(base + 1, items.size - 1)]
                out_exact.append(float((at - base) * (upper - items[base]) + items[base]))
            return out_exact
        cum = np.cumsum(weights)
        out: list[float | None] = []
        for q in qs:
            i = int(np.searchsorted(cum, q * self.n, side="left"))
            out.append(float(items[min(i, items.size - 1)]))
        return out

    def rank(self, x: float) -> int:
        """The estimated number of values ``<= x`` (within :attr:`error` of the true count)."""
        items, weights = self._weighted()
        i = int(np.searchsorted(items, x, side="right"))
        return int(weights[:i].sum())

    def counts(self, edges: Sequence[float]) -> tuple[list[int], int, int]:
        """Estimated counts in ``[e_i, e_i+1)`` (the last bin closed), below and above the edges."""
        items, weights = self._weighted()
        e = np.asarray(edges, dtype=np.float64)
        below = int(weights[items < e[0]].sum())
        above = int(weights[items > e[-1]].sum())
        idx = np.searchsorted(e, items, side="right") - 1
        idx = np.where(items == e[-1], e.size - 2, idx)
        inside = (items >= e[0]) & (items <= e[-1])
        bins = np.bincount(idx[inside], weights=weights[inside], minlength=e.size - 1)
        return [round(float(b)) for b in bins[: e.size - 1]], below, above

    # --- serialisation ---

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; items are base64 of little-endian float64."""
        return {
            "k": self.k,
            "n": self.n,
            "error": self.error,
            "min": self.min if self.n else None,
            "max": self.max if self.n else None,
            "levels": [
                base64.b64encode(lv.astype("<f8").tobytes()).decode("ascii") for lv in self.levels
            ],
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> KLL:
        """Rebuild a sketch from :meth:`to_dict` output."""
        out = cls(int(doc["k"]))
        out.n, out.error = int(doc["n"]), int(doc["error"])
        out.min = math.inf if doc["min"] is None else float(doc["min"])
        out.max = -math.inf if doc["max"] is None else float(doc["max"])
        out.levels = [
            np.frombuffer(base64.b64decode(s), dtype="<f8").astype(np.float64)
            for s in doc["levels"]
        ]
        return out
