import polars as pl

import synth

real = pl.read_parquet("transactions.parquet")
shortfalls = [
    synth.Shortfall({"label": "fraud"}, missing=900),
    synth.Shortfall({"region": "eu", "label": "fraud"}, missing=120),
]
plan = synth.plan_fill(real, shortfalls)  # optional: inspect before fitting
result = synth.fill(
    real,
    plan,  # or the shortfalls directly
    validator=lambda df: df["amount"] > 0,  # one pass flag per candidate row
    seed=42,
)
for o in result.outcomes:
    print(o.label, o.requested, o.filled, o.rejected_validation, o.rejected_copies, o.unfilled)
synth.write(result, "train_augmented.parquet")  # + train_augmented.parquet.manifest.json
