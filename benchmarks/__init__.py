"""datagates benchmarks: datagates against one-pass floors and its peers, from 100k to 10M rows.

Run `python -m benchmarks` (quick) or `python -m benchmarks --full`; see docs/benchmarks.md.
Every module here imports numpy/polars lazily: the measured children import this package
too (`python -m benchmarks._peers ...`), and it must cost them nothing but the stdlib.
"""

from ._cli import main as main
from ._data import Dataset as Dataset
from ._data import Defects as Defects
from ._data import defect_rows as defect_rows
from ._data import ensure_dataset as ensure_dataset
from ._data import generate_frame as generate_frame
from ._data import iter_chunks as iter_chunks
from ._harness import Measurement as Measurement
from ._harness import Run as Run
from ._harness import measure as measure
from ._harness import run_once as run_once
from ._report import Result as Result
from ._report import render_report as render_report
from ._report import render_table as render_table
from ._spec import CHECK_NAMES as CHECK_NAMES
from ._spec import COLUMNS as COLUMNS
from ._spec import GENERATOR_VERSION as GENERATOR_VERSION
from ._tasks import Task as Task
from ._tasks import build_tasks as build_tasks

__all__ = [
    "CHECK_NAMES",
    "COLUMNS",
    "GENERATOR_VERSION",
    "Dataset",
    "Defects",
    "Measurement",
    "Result",
    "Run",
    "Task",
    "build_tasks",
    "defect_rows",
    "ensure_dataset",
    "generate_frame",
    "iter_chunks",
    "main",
    "measure",
    "render_report",
    "render_table",
    "run_once",
]
