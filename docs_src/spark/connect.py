"""docs/spark.md: the same check through Spark Connect (what Databricks Connect uses)."""

import os

from pyspark.sql import SparkSession

import gates

# Databricks: spark = databricks.connect.DatabricksSession.builder.getOrCreate()
spark = SparkSession.builder.remote(os.environ["SPARK_REMOTE"]).getOrCreate()
orders = spark.read.parquet(os.path.abspath("data/orders.parquet"))  # read by the server

result = gates.check(orders, "suites/orders.yml")
print(result.backend, result.verdict.value, len(result.failed_checks))
