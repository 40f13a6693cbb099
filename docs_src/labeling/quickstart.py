import polars as pl

from labeling import find_issues

frame = pl.read_parquet("train.parquet")
report = find_issues(frame, label="target", seed=0)

# {'label': 0.031, 'outlier': 0.012, 'near_duplicate': 0.0, 'class_imbalance': 0.0}
print(report.rates)
print(report.issues.filter(pl.col("issue_type") == "label").head(10))  # worst first
print(report.class_summary)  # rows, label issues, issue rate, share per class
report.to_dict()  # JSON-serialisable
