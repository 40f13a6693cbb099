"""docs/history.md: read a metric's series and every series of a suite (run in a demo folder)."""

from gates.history import History, history_path, verify_history

history = History(history_path("demo/ledger.duckdb"))  # demo/ledger.history.duckdb
for point in history.series("row_count", suite="orders-feed")[-3:]:
    print(point.started_at.date(), point.verdict, point.value, point.lower, point.upper)
for series in history.list_series(suite="orders-feed", metric="amount.*"):
    print(series.metric, series.count, round(series.last_value, 2))
print(verify_history("demo/ledger.duckdb").summary())
