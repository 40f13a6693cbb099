"""A mergeable quantile sketch: Apache DataSketches' KLL, behind the four methods states use.

Karnin, Lang and Liberty's compactor sketch (FOCS 2016), as implemented by Apache DataSketches
(``datasketches.kll_doubles_sketch``). Merging two sketches gives a sketch of both inputs, so a
merge of partitions' sketches is a sketch of their concatenation, with the same error bound
however many partitions were merged.

:attr:`KLL.rank_error` is DataSketches' a-priori normalised rank error for one quantile at 99%
confidence (0.1385% with k = 2048): the rank of each reported quantile is within
``q ± rank_error`` of the asked share with probability 0.99. It depends on k alone (a merge
keeps the smaller k), so it does not grow with rows or merges. :attr:`KLL.pmf_error` is the
two-sided error of a bin's mass (0.184%), the bound on each histogram count read off
:meth:`KLL.counts`. Until the sketch first compacts
(at most ``k`` values) it holds every value and quantiles are exact, with the same linear
interpolation as Polars. DataSketches' compactions flip their own coins, so two sketches of
the same values may differ within that bound.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from datasketches import kll_doubles_sketch

__all__ = ["DEFAULT_K", "KLL"]

#: DataSketches' k: about 3k values are kept; rank error 0.14% at 99% confidence.
DEFAULT_K = 2048

Floats = NDArray[np.float64]


class KLL:
    """A KLL sketch of finite floats: :meth:`update`, :meth:`merge`, :meth:`quantiles`, :meth:`rank`."""

    def __init__(self, k: int = DEFAULT_K, *, sketch: kll_doubles_sketch | None = None) -> None:
        if sketch is None:
            from datasketches import kll_doubles_sketch  # 0.3 s to import: only when sketching

            sketch = kll_doubles_sketch(k)
        self._s = sketch

    @property
    def k(self) -> int:
        """The sketch's size parameter."""
        return int(self._s.k)

    @property
    def n(self) -> int:
        """Values summarised."""
        return int(self._s.n)

    @property
    def min(self) -> float:
        """The smallest value (inf when empty)."""
        return math.inf if self._s.is_empty() else float(self._s.get_min_value())

    @property
    def max(self) -> float:
        """The largest value (-inf when empty)."""
        return -math.inf if self._s.is_empty() else float(self._s.get_max_value())

    @property
    def exact(self) -> bool:
        """True until the first compaction: the sketch holds every value."""
        return not self._s.is_estimation_mode()

    @property
    def rank_error(self) -> float:
        """The normalised rank error of one quantile at 99% confidence (0 when exact)."""
        return 0.0 if self.exact else float(self._s.normalized_rank_error(False))

    @property
    def pmf_error(self) -> float:
        """The error of one bin's share (:meth:`counts`) at 99% confidence (0 when exact)."""
        return 0.0 if self.exact else float(self._s.normalized_rank_error(True))

    def update(self, values: Sequence[float] | Floats) -> KLL:
        """Add finite values (NaN and inf are the caller's to drop)."""
        arr = np.array(values, dtype=np.float64)  # a writable copy: the binding refuses views
        if arr.size:
            self._s.update(arr)
        return self

    def merge(self, other: KLL) -> KLL:
        """A new sketch of both inputs (neither is changed)."""
        out = type(self._s).deserialize(self._s.serialize())
        out.merge(other._s)
        return KLL(sketch=out)

    def _items(self) -> Floats:
        """Every value, sorted (only while :attr:`exact`: each then has weight 1)."""
        return np.sort(np.fromiter((p[0] for p in self._s), dtype=np.float64))

    def quantiles(self, qs: Sequence[float]) -> list[float | None]:
        """The values at shares ``qs`` of the ranks (linear interpolation while exact)."""
        if self.n == 0:
            return [None for _ in qs]
        if not self.exact:
            return [float(v) for v in self._s.get_quantiles(list(qs), True)]
        items = self._items()
        out: list[float | None] = []
        for q in qs:  # Polars' linear interpolation, in its order of operations
            at = (items.size - 1) * q
            base = int(at)
            upper = items[min(base + 1, items.size - 1)]
            out.append(float((at - base) * (upper - items[base]) + items[base]))
        return out

    def rank(self, x: float) -> int:
        """The estimated number of values ``<= x``."""
        if self.n == 0:
            return 0
        return round(float(self._s.get_rank(x, True)) * self.n)

    def counts(self, edges: Sequence[float]) -> tuple[list[int], int, int]:
        """Estimated counts in ``[e_i, e_i+1)`` (the last bin closed), below and above the edges.

        Read off the sketch's CDF (its iterator does not report merged weights).
        """
        if self.n == 0:
            return [0] * (len(edges) - 1), 0, 0
        points = [float(e) for e in edges]
        # DataSketches wants strictly increasing split points: edges of a range narrower than
        # the floats between them repeat (0 … 5e-324 in 20 bins), so ask once per distinct edge
        unique = sorted(set(points))
        cdf = dict(zip(unique, self._s.get_cdf(unique, False)[:-1], strict=True))
        below = [round(cdf[p] * self.n) for p in points]
        top = round(self._s.get_cdf(points[-1:], True)[0] * self.n)
        cum = [*below[1:-1], top]  # values < e_1, ..., < e_last-1, then <= e_last
        bins = [b - a for a, b in zip([below[0], *cum[:-1]], cum, strict=True)]
        return bins, below[0], self.n - top

    # --- serialisation ---

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: DataSketches' own serialisation, in base64."""
        return {"kll": base64.b64encode(self._s.serialize()).decode("ascii")}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> KLL:
        """Rebuild a sketch from :meth:`to_dict` output."""
        from datasketches import kll_doubles_sketch

        return cls(sketch=kll_doubles_sketch.deserialize(base64.b64decode(doc["kll"])))
