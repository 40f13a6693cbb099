import gates

result = gates.check("data/orders.parquet", "suites/orders.yml")
print(result.verdict, [c.id for c in result.failed_checks])
result.raise_for_verdict()  # raises gates.GateFailed when the gate blocks
