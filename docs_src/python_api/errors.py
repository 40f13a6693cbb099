import gates

try:
    gates.check("data/train.parquet", "suites/train.yml").raise_for_verdict()
except gates.GateFailed as failed:
    for check in failed.result.failed_checks:
        print(check.id, check.message)
except (gates.InputError, gates.SuiteDefinitionError) as problem:
    print("fix the input:", problem)
