"""``write``: the augmented data plus its manifest, never silently replacing a file."""

from __future__ import annotations

from pathlib import Path

from ._errors import OutputError, OutputExistsError
from ._result import FillResult

_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


def manifest_path(out_path: str | Path) -> Path:
    """Where ``write`` puts the manifest: ``<out>.manifest.json`` next to the data."""
    out = Path(out_path)
    return out.with_name(out.name + ".manifest.json")


def write(result: FillResult, out_path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the augmented data (real + synthetic, with the marker) and its manifest.

    The format follows the suffix: ``.parquet``/``.pq`` or ``.csv``. The manifest goes to
    ``<out_path>.manifest.json``.

    Args:
        result: What ``fill`` returned.
        out_path: Target data file.
        overwrite: Replace existing files; off by default.

    Returns:
        The manifest path.

    Raises:
        OutputError: The suffix is not ``.parquet``, ``.pq`` or ``.csv``.
        OutputExistsError: The data or manifest file exists and ``overwrite`` is False.
    """
    out = Path(out_path)
    kind = _FORMATS.get(out.suffix.lower())
    if kind is None:
        raise OutputError(
            f"cannot write '{out}': unknown suffix '{out.suffix}'; use .parquet, .pq or .csv"
        )
    manifest = manifest_path(out)
    if not overwrite:
        for target in (out, manifest):
            if target.exists():
                raise OutputExistsError(
                    f"'{target}' already exists; pass overwrite=True to replace it "
                    "or choose another path"
                )
    out.parent.mkdir(parents=True, exist_ok=True)
    augmented = result.augmented()
    if kind == "parquet":
        augmented.write_parquet(out)
    else:
        augmented.write_csv(out)
    manifest.write_text(result.manifest_json() + "\n", encoding="utf-8")
    return manifest
