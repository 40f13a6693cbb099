from gates.ledger import Ledger, actor_from_env

ledger = Ledger(".gates/ledger.duckdb")  # nothing is created until the first append
run = ledger.append(
    {
        "started_at": "2024-05-01T10:00:00Z",
        "finished_at": "2024-05-01T10:00:07Z",
        "dataset": {"source": "data/train.parquet", "fingerprint": "sha256:9c1e…", "rows": 120_000},
        "suite": {"name": "churn", "hash": "sha256:51ab…"},
        "versions": {"gates": "0.1.0", "polars": "2.1.0"},
        "verdict": "block",
        "checks": [{"name": "not_null:age", "ok": False, "failures": 12}],
        "actor": actor_from_env(),
    }
)
print(run.seq, run.short_id, run.hash[:12])  # 1 3f9a1c0b e1d0…
ledger.list(verdict="block", since="2024-05-01")  # newest first
ledger.get(run.short_id[:4])  # a unique prefix is enough
print(ledger.verify().ok)  # True
ledger.export("runs.parquet")  # or runs.jsonl
