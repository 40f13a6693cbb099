from pathlib import Path

from gates import profile, read_profile

p = profile("data/orders.parquet", correlations=True)
print(p.column("amount").quantiles["p99"])
Path("profiles").mkdir(exist_ok=True)
Path("profiles/orders.json").write_text(p.to_json())  # the baseline for drift
baseline = read_profile("profiles/orders.json")
print(baseline.column("amount").null_count, baseline.names[:3])
