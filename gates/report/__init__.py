"""Reports of a gate run: console, JSON, JUnit XML, Markdown and HTML."""

from ._console import print_result as print_result
from ._console import verdict_line as verdict_line
from ._files import result_schema as result_schema
from ._files import to_json as to_json
from ._files import to_junit as to_junit
from ._files import to_markdown as to_markdown
from ._html import to_html as to_html
from ._write import check_target as check_target
from ._write import run_inputs as run_inputs
from ._write import write_text as write_text

__all__ = [
    "check_target",
    "print_result",
    "result_schema",
    "run_inputs",
    "to_html",
    "to_json",
    "to_junit",
    "to_markdown",
    "verdict_line",
    "write_text",
]
