"""Suite load time: a 5 MB suite (29,000 columns, 87,000 checks) through ``load_suite``.

Prints the CPU seconds of the whole load and of its phases (the line reader that reads the
common suite shape; libyaml's path that reads any other text: compose, then building the values
with their line:col; the pydantic model), best of ``--repeat`` runs in this process:

    python -m benchmarks.suite_load                 # best of 3
    python -m benchmarks.suite_load --columns 5000 --repeat 5

CPU time (``time.process_time``), not wall time: the machine is shared, and a load is one
thread. Goal (issue #12): about a second for 5 MB.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def suite_text(columns: int) -> str:
    """The suite: ``columns`` int64 columns with three checks each (the hostile test's suite)."""
    body = "".join(
        f"  c{i}:\n    dtype: int64\n    checks:\n      - in_range: {{min_value: 0, max_value: 9}}\n"
        "      - isin: [1, 2, 3]\n      - str_length: {min_value: 1, max_value: 9}\n"
        for i in range(columns)
    )
    return "name: big\ncolumns:\n" + body


def _best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print one line per phase."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.suite_load", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--columns", type=int, default=29_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import yaml

    from gates.suite import load_suite
    from gates.suite._model import Suite
    from gates.suite._yaml import _Builder, _Loader, paused_gc, read_yaml
    from gates.suite._yaml_lines import _fast_read

    text = suite_text(args.columns)
    with tempfile.TemporaryDirectory(prefix="gates-suite-load-") as tmp:
        path = Path(tmp) / "big.yml"
        path.write_text(text, encoding="utf-8")
        size = path.stat().st_size
        load_suite(path)  # imports, caches

        def compose() -> Any:
            with paused_gc():
                return yaml.compose(text, Loader=_Loader)  # type: ignore[arg-type]

        root = compose()

        def fast() -> Any:
            with paused_gc():
                return _fast_read(text)

        assert fast() is not None, "the suite is no longer read by the line reader"

        def build() -> Any:
            with paused_gc():
                return _Builder(aliases="&" in text).build(root, ())

        value = read_yaml(text).value

        def model() -> Any:
            with paused_gc():
                return Suite.model_validate(dict(value))

        total = _best(lambda: load_suite(path), args.repeat)
        phases = {
            "read_yaml (the line reader, and the collector)": _best(
                lambda: read_yaml(text), args.repeat
            ),
            "line reader alone (gates/suite/_yaml_lines.py _fast_read)": _best(fast, args.repeat),
            "libyaml path, for other texts: compose (libyaml + resolver)": _best(
                compose, args.repeat
            ),
            "libyaml path: build values + line:col": _best(build, args.repeat),
            "pydantic model (gates/suite/_model.py)": _best(model, args.repeat),
        }
    print(
        f"suite load: {size / 1e6:.1f} MB, {args.columns:,} columns, {3 * args.columns:,} checks; "
        f"best of {args.repeat}; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  load_suite total: {total:.2f} s CPU")
    for name, seconds in phases.items():
        print(f"  {name}: {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
