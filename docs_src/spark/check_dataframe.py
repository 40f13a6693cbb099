"""docs/spark.md: gates.check on a PySpark DataFrame (runs on Spark; nothing is collected)."""

from pyspark.sql import SparkSession

import gates

spark = SparkSession.builder.master("local[2]").getOrCreate()
orders = spark.read.parquet("data/orders.parquet")

result = gates.check(orders, "suites/orders.yml")  # the fused checks run on Spark
print(result.backend, result.verdict.value)
for check in result.failed_checks:
    print(check.id, check.failing_count)
