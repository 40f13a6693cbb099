"""A deterministic, realistic 21-column orders table, generated in chunks and cached on disk.

numpy's `Generator` draws the values, polars assembles them; a table of any size is built
one chunk at a time (chunk `i` is seeded by `[seed, i]`), so 10M rows never sit in memory
at once. A few known defects are injected so the 12-check suite fails realistically.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ._spec import (
    CATEGORIES,
    CHANNELS,
    COUNTRIES,
    DEFAULT_SEED,
    GENERATOR_VERSION,
    LABEL_WEIGHTS,
    LABELS,
    STATUSES,
    defects_per_kind,
    size_label,
)

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

#: Rows per generated chunk.
CHUNK_ROWS: Final = 500_000
#: Where the cached tables live (gitignored).
DATA_DIR: Final = Path(__file__).resolve().parent / "data"

_WORDS: Final = (
    "fast",
    "delivery",
    "great",
    "quality",
    "broken",
    "box",
    "refund",
    "late",
    "arrived",
    "gift",
    "small",
    "large",
    "blue",
    "red",
    "cheap",
    "expensive",
    "works",
    "fine",
    "stopped",
    "working",
    "after",
    "week",
    "recommend",
    "would",
    "buy",
    "again",
    "poor",
    "packaging",
    "excellent",
    "service",
    "missing",
    "parts",
    "color",
    "size",
    "fits",
    "perfectly",
    "returned",
    "item",
)
_FIRST: Final = (
    "ana",
    "ben",
    "chen",
    "dana",
    "eli",
    "fatima",
    "george",
    "hana",
    "ivan",
    "julia",
    "kofi",
    "lena",
    "mateo",
    "nora",
    "omar",
)
_LAST: Final = (
    "smith",
    "garcia",
    "mueller",
    "rossi",
    "kim",
    "nguyen",
    "silva",
    "khan",
    "novak",
    "jones",
)
_DOMAINS: Final = ("example.com", "mail.org", "shop.net", "corp.io")
_EPOCH_US: Final = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z in microseconds


@dataclass(frozen=True)
class Defects:
    """Row positions (0-based, sorted) of each injected defect kind."""

    #: Rows whose customer_id is null.
    customer_id_null: tuple[int, ...]
    #: Rows whose amount is below 0 or above 10,000.
    amount_out_of_range: tuple[int, ...]
    #: Rows whose age is below 18 or above 100.
    age_out_of_range: tuple[int, ...]
    #: Rows whose status is 'unknown'.
    status_unknown: tuple[int, ...]
    #: Rows whose email is not an address.
    email_invalid: tuple[int, ...]


def defect_rows(n_rows: int, *, seed: int = DEFAULT_SEED) -> Defects:
    """The rows each defect kind touches in the table of `n_rows` rows made with `seed`.

    Args:
        n_rows: The table's row count.
        seed: The generator seed.

    Returns:
        Sorted row positions per defect kind; each kind has `defects_per_kind(n_rows)` rows.
    """
    import numpy as np

    rng = np.random.default_rng([seed, 999_999_999])
    k = defects_per_kind(n_rows)
    picks = [
        tuple(int(i) for i in np.sort(rng.choice(n_rows, size=k, replace=False))) for _ in range(5)
    ]
    return Defects(*picks)


def _weights(n: int, skew: float) -> np.ndarray:
    import numpy as np

    w: np.ndarray = 1.0 / np.arange(1, n + 1) ** skew
    out: np.ndarray = w / w.sum()
    return out


def _pick(
    rng: np.random.Generator, values: tuple[str, ...], m: int, p: np.ndarray | None = None
) -> pl.Series:
    import polars as pl

    return pl.Series(values, dtype=pl.String).gather(rng.choice(len(values), size=m, p=p))


def _nullify(s: pl.Series, mask: np.ndarray) -> pl.Series:
    import numpy as np

    return s.scatter(np.flatnonzero(mask), None)


def _concat(parts: Sequence[pl.Series | pl.Expr], *, separator: str) -> pl.Series:
    import polars as pl

    return pl.select(pl.concat_str(parts, separator=separator, ignore_nulls=True)).to_series()


def _chunk(n_rows: int, start: int, m: int, *, seed: int, defects: Defects) -> pl.DataFrame:
    """Rows `start` .. `start + m` of the table."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng([seed, start // CHUNK_ROWS])
    idx = np.arange(start, start + m, dtype=np.int64)
    amount = np.round(np.clip(rng.lognormal(4.0, 1.0, m), 0.5, 9_999.0), 2)
    words = [pl.Series(_WORDS).gather(rng.integers(0, len(_WORDS), m)) for _ in range(10)]
    n_words = rng.integers(3, 11, m)
    words = [w if i < 3 else _nullify(w, n_words <= i) for i, w in enumerate(words)]
    created = _EPOCH_US + rng.integers(0, 365 * 86_400, m) * 1_000_000
    df = pl.DataFrame(
        {
            "order_id": 10_000_000 + idx,
            "customer_id": rng.integers(1, max(1_000, n_rows // 10), m),
            "amount": _nullify(pl.Series(amount), rng.random(m) < 0.02),
            "discount": _nullify(
                pl.Series(np.round(rng.uniform(0, 0.5, m), 3)), rng.random(m) < 0.3
            ),
            "quantity": np.minimum(rng.geometric(0.4, m), 100).astype(np.int64),
            "age": rng.integers(18, 91, m),
            "status": _pick(rng, STATUSES, m, np.array([0.1, 0.3, 0.25, 0.25, 0.06, 0.04])),
            "country": _pick(rng, COUNTRIES, m, _weights(len(COUNTRIES), 1.1)),
            "category": _pick(rng, CATEGORIES, m),
            "product": _pick(rng, tuple(f"P{i:04d}" for i in range(1000)), m, _weights(1000, 0.8)),
            "description": _concat(words, separator=" "),
            "email": _concat(
                [
                    _pick(rng, _FIRST, m),
                    pl.lit("."),
                    _pick(rng, _LAST, m),
                    pl.Series(rng.integers(1, 10_000, m)).cast(pl.String),
                    pl.lit("@"),
                    _pick(rng, _DOMAINS, m),
                ],
                separator="",
            ),
            "created_at": pl.Series(created).cast(pl.Datetime("us")),
            "updated_at": pl.Series(created + rng.integers(0, 30 * 86_400, m) * 1_000_000).cast(
                pl.Datetime("us")
            ),
            "is_active": rng.random(m) < 0.8,
            "label": _pick(rng, LABELS, m, np.array(LABEL_WEIGHTS)),
            "score": np.round(rng.beta(2.0, 5.0, m), 4),
            "rating": rng.integers(1, 6, m).astype(np.int8),
            "channel": _pick(rng, CHANNELS, m, np.array([0.5, 0.3, 0.15, 0.05])),
            "session_seconds": np.round(rng.exponential(300.0, m), 1),
            "zip_code": pl.Series(rng.integers(0, 100_000, m)).cast(pl.String).str.zfill(5),
        }
    )
    return _inject(df, start, defects)


def _inject(df: pl.DataFrame, start: int, defects: Defects) -> pl.DataFrame:
    """Overwrite the defect rows that fall in this chunk."""
    import numpy as np

    def local(rows: tuple[int, ...]) -> np.ndarray:
        arr = np.asarray(rows, dtype=np.int64)
        return arr[(arr >= start) & (arr < start + df.height)] - start

    cols: dict[str, pl.Series] = {}
    at = local(defects.customer_id_null)
    cols["customer_id"] = df["customer_id"].scatter(at, None) if at.size else df["customer_id"]
    at = local(defects.amount_out_of_range)
    cols["amount"] = df["amount"].scatter(at, np.where(at % 2 == 0, -5.0, 25_000.0))
    at = local(defects.age_out_of_range)
    cols["age"] = df["age"].scatter(at, np.where(at % 2 == 0, 7, 150))
    at = local(defects.status_unknown)
    cols["status"] = df["status"].scatter(at, ["unknown"] * at.size)
    at = local(defects.email_invalid)
    cols["email"] = df["email"].scatter(at, [f"user{i + start}@nowhere" for i in at])
    return df.with_columns(**cols)


def iter_chunks(n_rows: int, *, seed: int = DEFAULT_SEED) -> Iterator[pl.DataFrame]:
    """Yield the table of `n_rows` rows made with `seed`, `CHUNK_ROWS` rows at a time.

    Args:
        n_rows: The table's row count.
        seed: The generator seed; the same seed gives the same table.

    Yields:
        Consecutive polars DataFrames with the 21 columns.
    """
    defects = defect_rows(n_rows, seed=seed)
    for start in range(0, n_rows, CHUNK_ROWS):
        yield _chunk(n_rows, start, min(CHUNK_ROWS, n_rows - start), seed=seed, defects=defects)


def generate_frame(n_rows: int, *, seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """The whole table of `n_rows` rows in memory (small sizes; tests)."""
    import polars as pl

    return pl.concat(list(iter_chunks(n_rows, seed=seed)))


@dataclass(frozen=True)
class Dataset:
    """A generated table on disk."""

    #: Row count.
    n_rows: int
    #: The Parquet file.
    parquet: Path
    #: The CSV file (same rows).
    csv: Path


def dataset_paths(n_rows: int, *, seed: int = DEFAULT_SEED, data_dir: Path = DATA_DIR) -> Dataset:
    """Where the table of `n_rows` rows lives, whether or not it was written yet."""
    stem = f"orders-{size_label(n_rows)}-g{GENERATOR_VERSION}-s{seed}"
    return Dataset(n_rows, data_dir / f"{stem}.parquet", data_dir / f"{stem}.csv")


def ensure_dataset(n_rows: int, *, seed: int = DEFAULT_SEED, data_dir: Path = DATA_DIR) -> Dataset:
    """Write the table as Parquet and CSV under `data_dir`, or reuse the cached files.

    Args:
        n_rows: The table's row count.
        seed: The generator seed.
        data_dir: The cache folder (created if missing).

    Returns:
        The two files' paths.
    """
    import polars as pl

    ds = dataset_paths(n_rows, seed=seed, data_dir=data_dir)
    if ds.parquet.exists() and ds.csv.exists():
        return ds
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".gen-", dir=data_dir))
    try:
        parts = []
        for i, chunk in enumerate(iter_chunks(n_rows, seed=seed)):
            part = tmp / f"part-{i:05d}.parquet"
            chunk.write_parquet(part)
            parts.append(part)
        scan = pl.scan_parquet(parts)
        scan.sink_parquet(tmp / "all.parquet", row_group_size=CHUNK_ROWS)
        scan.sink_csv(tmp / "all.csv")
        (tmp / "all.csv").replace(ds.csv)
        (tmp / "all.parquet").replace(ds.parquet)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ds
