"""The benchmark table's shape and the 12-check suite, shared by every tool's form of it.

Stdlib only: child processes import this, and its cost lands in every measurement.
"""

from __future__ import annotations

from typing import Final

#: Bump when the generator's output changes; cached files carry it in their name.
GENERATOR_VERSION: Final = 1
#: The default seed of every generated table.
DEFAULT_SEED: Final = 20240611

#: The 21 columns of the generated table, in order.
COLUMNS: Final = (
    "order_id",
    "customer_id",
    "amount",
    "discount",
    "quantity",
    "age",
    "status",
    "country",
    "category",
    "product",
    "description",
    "email",
    "created_at",
    "updated_at",
    "is_active",
    "label",
    "score",
    "rating",
    "channel",
    "session_seconds",
    "zip_code",
)

STATUSES: Final = ("new", "paid", "shipped", "delivered", "cancelled", "returned")
#: 50 ISO country codes.
COUNTRIES: Final = (
    "US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "SE", "NO",
    "DK", "FI", "PL", "CZ", "AT", "CH", "PT", "IE", "GR", "HU",
    "RO", "BG", "HR", "SK", "SI", "LT", "LV", "EE", "CA", "MX",
    "BR", "AR", "CL", "CO", "PE", "JP", "KR", "CN", "IN", "SG",
    "AU", "NZ", "ZA", "EG", "NG", "KE", "MA", "TR", "IL", "AE",
)  # fmt: skip
CATEGORIES: Final = (
    "books", "electronics", "garden", "toys", "grocery",
    "fashion", "sports", "beauty", "home", "auto",
)  # fmt: skip
CHANNELS: Final = ("web", "app", "store", "phone")
LABELS: Final = ("good", "review", "fraud")
#: Imbalanced label distribution (matches LABELS).
LABEL_WEIGHTS: Final = (0.90, 0.08, 0.02)

# --- THE 12-CHECK SUITE ---------------------------------------------------------------------

AMOUNT_RANGE: Final = (0.0, 10_000.0)
AGE_RANGE: Final = (18, 100)
QUANTITY_RANGE: Final = (1, 100)
MEAN_AMOUNT_RANGE: Final = (10.0, 500.0)
MIN_ROWS: Final = 1000
EMAIL_PATTERN: Final = r"^[^@\s]+@[^@\s]+\.[a-z]+$"
#: The allowed statuses: the generator's defects add one outside this set.
ALLOWED_STATUSES: Final = STATUSES
#: The allowed countries: every generated code (this check passes).
ALLOWED_COUNTRIES: Final = COUNTRIES

#: The 12 checks, by the name every tool's runner reports failures under.
CHECK_NAMES: Final = (
    "order_id_not_null",
    "customer_id_not_null",
    "created_at_not_null",
    "amount_in_range",
    "age_in_range",
    "quantity_in_range",
    "status_in_set",
    "country_in_set",
    "order_id_unique",
    "email_matches",
    "row_count_min",
    "amount_mean_between",
)

#: Injected defects: the check they break, per 20,000 rows (at least 3 each).
DEFECT_CHECKS: Final = (
    "customer_id_not_null",
    "amount_in_range",
    "age_in_range",
    "status_in_set",
    "email_matches",
)


def defects_per_kind(n_rows: int) -> int:
    """How many rows each injected defect kind touches in a table of `n_rows` rows."""
    return min(n_rows, max(3, n_rows // 20_000))


def size_label(n_rows: int) -> str:
    """The short label of a row count: 1000 -> '1k', 1_000_000 -> '1M'."""
    for factor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n_rows >= factor and n_rows % factor == 0:
            return f"{n_rows // factor}{suffix}"
    return str(n_rows)


def parse_size(text: str) -> int:
    """Parse '100k', '1M', '10M' or '2500' into a row count.

    Raises:
        ValueError: if `text` is not a positive count with an optional k/M suffix.
    """
    raw = text.strip()
    factor = {"k": 1_000, "m": 1_000_000}.get(raw[-1:].lower(), 1)
    digits = raw[:-1] if factor != 1 else raw
    if not digits.isdigit() or int(digits) <= 0:
        msg = f"bad size {text!r}: use a positive row count such as 100k, 1M or 2500"
        raise ValueError(msg)
    return int(digits) * factor
