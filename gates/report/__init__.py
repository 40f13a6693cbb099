"""Reports of a gate run: console, JSON, JUnit XML, Markdown and HTML."""

from ._console import print_result as print_result
from ._files import result_schema as result_schema
from ._files import to_json as to_json
from ._files import to_junit as to_junit
from ._files import to_markdown as to_markdown
from ._files import write_text as write_text
from ._html import to_html as to_html

__all__ = [
    "print_result",
    "result_schema",
    "to_html",
    "to_json",
    "to_junit",
    "to_markdown",
    "write_text",
]
