"""Deterministic sample data with known defects, for ``make demo``, docs and tests.

``python -m gates._sample OUT.parquet [--rows N] [--seed S] [--clean]`` writes an orders
table of realistic mixed columns. Unless ``--clean``, it carries these defects, each at a
fixed count: out-of-range amounts, nulls in ``customer_id``, an unknown ``status``,
duplicate ``order_id``s, and malformed e-mail addresses.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

__all__ = ["DEFECTS", "make_orders"]

#: How many rows carry each defect (for rows >= 1000).
DEFECTS = {
    "amount_out_of_range": 7,
    "customer_id_null": 12,
    "status_unknown": 5,
    "order_id_duplicate": 4,
    "email_malformed": 6,
}

_STATUSES = ["new", "paid", "shipped", "delivered", "returned"]
_COUNTRIES = ["DE", "FR", "NL", "ES", "IT", "PL", "SE", "US", "GB", "CA"]
_CATEGORIES = ["books", "electronics", "garden", "toys", "fashion", "grocery", "sports", "beauty"]


def make_orders(rows: int = 5000, *, seed: int = 7, clean: bool = False) -> pl.DataFrame:
    """An orders table: ids, money, categories, e-mails, timestamps and a fraud label.

    Args:
        rows: number of rows (at least 100).
        seed: the random seed; the same seed gives the same bytes.
        clean: leave the defects out.

    Returns:
        The frame; ``DEFECTS`` says how many rows carry each defect unless ``clean``.
    """
    rng = np.random.default_rng(seed)
    order_id = np.arange(100_000, 100_000 + rows, dtype=np.int64)
    customer = rng.integers(1, max(rows // 3, 2), rows).astype(np.int64)
    category = rng.choice(_CATEGORIES, rows, p=[0.18, 0.2, 0.08, 0.1, 0.16, 0.14, 0.08, 0.06])
    base = {
        "books": 18,
        "electronics": 220,
        "garden": 60,
        "toys": 30,
        "fashion": 55,
        "grocery": 25,
        "sports": 70,
        "beauty": 22,
    }
    amount = np.round(np.array([base[c] for c in category]) * rng.lognormal(0, 0.45, rows), 2)
    quantity = rng.integers(1, 6, rows)
    status = rng.choice(_STATUSES, rows, p=[0.1, 0.25, 0.35, 0.25, 0.05])
    country = rng.choice(_COUNTRIES, rows)
    start = dt.datetime(2024, 1, 1)
    created = [start + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 60 * 24 * 365, rows)]
    names = rng.choice(
        ["ana", "ben", "chen", "dara", "eli", "fatima", "gus", "hana", "ivo", "jo"], rows
    )
    email = [
        f"{n}.{int(c)}@example.{'com' if c % 3 else 'org'}"
        for n, c in zip(names, customer, strict=True)
    ]
    # fraud is rare (about 3%) and more likely for large electronics orders
    p_fraud = 0.015 + 0.08 * (category == "electronics") * (amount > 300)
    label = np.where(rng.random(rows) < p_fraud, "fraud", "ok")
    frame = pl.DataFrame(
        {
            "order_id": order_id,
            "customer_id": customer,
            "created_at": created,
            "country": country,
            "category": category,
            "status": status,
            "quantity": quantity.astype(np.int64),
            "amount": amount,
            "email": email,
            "label": label,
        }
    ).with_columns(pl.col("created_at").cast(pl.Datetime("us")))
    if clean:
        return frame
    idx = rng.permutation(rows)
    pos = 0

    def take(n: int) -> list[int]:
        nonlocal pos
        out = [int(v) for v in idx[pos : pos + n]]
        pos += n
        return out

    bad_amount = take(DEFECTS["amount_out_of_range"])
    null_customer = take(DEFECTS["customer_id_null"])
    bad_status = take(DEFECTS["status_unknown"])
    dup = take(DEFECTS["order_id_duplicate"])
    bad_email = take(DEFECTS["email_malformed"])
    amounts = frame["amount"].to_numpy().copy()
    amounts[bad_amount] = [-12.5, -3.0, 25_000.0, 48_000.0, -0.01, 99_999.0, 31_000.0][
        : len(bad_amount)
    ]
    customers = frame["customer_id"].to_list()
    for i in null_customer:
        customers[i] = None
    statuses = frame["status"].to_list()
    for i in bad_status:
        statuses[i] = "lost"
    ids = frame["order_id"].to_list()
    for i in dup:
        ids[i] = ids[(i + 1) % rows]
    emails = frame["email"].to_list()
    for n, i in enumerate(bad_email):
        emails[i] = [
            "no-at-sign.example.com",
            "two@@example.com",
            "",
            "trailing@",
            "@missing.user",
            "spaces in@example.com",
        ][n % 6]
    return frame.with_columns(
        pl.Series("amount", amounts),
        pl.Series("customer_id", customers, dtype=pl.Int64),
        pl.Series("status", statuses),
        pl.Series("order_id", ids, dtype=pl.Int64),
        pl.Series("email", emails),
    )


def main(argv: list[str] | None = None) -> None:
    """Write sample orders to a file (Parquet, CSV or NDJSON by suffix)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clean", action="store_true", help="leave the defects out")
    args = parser.parse_args(argv)
    frame = make_orders(args.rows, seed=args.seed, clean=args.clean)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    suffix = args.out.suffix.lower()
    if suffix == ".csv":
        frame.write_csv(args.out)
    elif suffix in (".ndjson", ".jsonl"):
        frame.write_ndjson(args.out)
    else:
        frame.write_parquet(args.out)
    print(
        f"wrote {args.out}: {frame.height:,} rows x {frame.width} columns"
        + ("" if args.clean else f" with known defects {DEFECTS}")
    )


if __name__ == "__main__":
    main()
