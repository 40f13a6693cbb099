import gates
from gates.lineage import Lineage, resolve

# one run, events appended to a file
result = gates.check("data/orders.parquet", "suites/orders.yml", lineage="file:lineage.ndjson")

# one sender for many runs (e.g. in a long-lived process); `sent` counts delivered events
tracker = Lineage(resolve("file:lineage.ndjson"))
for day in ("data/orders.parquet", "data/orders.parquet"):
    gates.check(day, "suites/orders.yml", lineage=tracker)
print(tracker.sent)  # 4: START and COMPLETE of each run
