"""The one way datagates writes a file a user sees: atomically, and never onto an input.

Every report (``--json/--junit/--markdown/--html``), ``gates suite schema --out``, the
profile/suggest/drift/labels/synth outputs and the ledger export are written here:

- into a temporary file in the target's own folder, then ``os.replace`` onto the target, so a
  reader sees the old file or the new one, never half of one, and a failed write leaves the old
  file as it was;
- never onto a file the run reads (data files, the suite and its includes, the drift baseline,
  the ledger): those are compared by device and inode, so a symlink or ``./x`` spelling of the
  same file is caught too;
- with one-line errors (:class:`~gates.InputError`, exit code 2) for a path under a file, a
  folder in the way, a full disk, an I/O error or a missing permission.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .._errors import InputError

__all__ = ["atomic_path", "check_target", "write_output"]

_WHAT_TO_DO = {
    errno.ENOSPC: "the disk is full; free space or write elsewhere",
    errno.EDQUOT: "the disk quota is exceeded; free space or write elsewhere",
    errno.EIO: "an I/O error on the device; check the disk or write elsewhere",
    errno.EROFS: "the file system is read-only; write elsewhere",
    errno.EACCES: "permission denied; check the folder's permissions or write elsewhere",
    errno.EPERM: "permission denied; check the folder's permissions or write elsewhere",
    errno.ENOTDIR: "a part of the path is a file, not a directory; choose another path",
    errno.EISDIR: "is a directory; give a file name",
    errno.ENAMETOOLONG: "the file name is too long; choose a shorter path",
}


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _os_error(target: Path, exc: OSError, what: str) -> InputError:
    fix = _WHAT_TO_DO.get(exc.errno or 0) or f"{exc.strerror or type(exc).__name__}"
    return InputError(f"{target}: could not write the {what}: {fix}", source=str(target))


def _parent_is_folder(target: Path, what: str) -> None:
    for p in (target.parent, *target.parent.parents):
        if p.exists():
            if not p.is_dir():
                raise InputError(
                    f"{target}: {p} is a file, not a directory; choose another path for the {what}",
                    source=str(target),
                )
            return


def _make_parent(target: Path, what: str) -> None:
    _parent_is_folder(target, what)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(target, exc, what) from exc


def check_target(
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    overwrite: bool = True,
    what: str = "report",
    force_flag: str = "--force",
) -> Path:
    """Refuse a target that is an input of the run, a folder, or (without ``overwrite``) a file.

    Args:
        path: where the output should go.
        inputs: every file the run reads (data, suite, includes, baseline, ledger).
        overwrite: whether an existing file may be replaced.
        what: the output in words, for messages ("JSON report", "schema").
        force_flag: the flag that allows replacing, named in the message.

    Returns:
        The target as a :class:`~pathlib.Path`.

    Raises:
        InputError: the target is an input, a directory, under a file, or exists.
    """
    target = Path(path)
    _parent_is_folder(target, what)
    me = _identity(target)
    if me is not None:
        for src in inputs:
            if _identity(Path(src)) == me:
                raise InputError(
                    f"{target}: is an input of this run ({src}); write the {what} to another file",
                    source=str(target),
                )
        if target.is_dir():
            raise InputError(
                f"{target}: is a directory; give a file name for the {what}", source=str(target)
            )
        if not overwrite:
            raise InputError(
                f"{target}: already exists; pass {force_flag} to replace it or choose another path",
                source=str(target),
            )
    return target


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    overwrite: bool = True,
    what: str = "report",
    force_flag: str = "--force",
) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    For writers that need a file name (``DataFrame.write_parquet``, DuckDB ``COPY``). On any
    error the temporary file is removed and ``path`` is left as it was.

    Raises:
        InputError: see :func:`check_target`; also a full disk, an I/O or permission error.
    """
    target = check_target(
        path, inputs=inputs, overwrite=overwrite, what=what, force_flag=force_flag
    )
    _make_parent(target, what)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _os_error(target, exc, what) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            yield tmp
            _keep_mode(target, tmp)
            os.replace(tmp, target)
        except OSError as exc:
            raise _os_error(target, exc, what) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _keep_mode(target: Path, tmp: Path) -> None:
    """Give the new file the old file's permissions, or the umask's default for a new one."""
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def write_output(
    path: str | os.PathLike[str],
    data: str | bytes | Callable[[Path], object],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    overwrite: bool = True,
    what: str = "report",
    force_flag: str = "--force",
) -> Path:
    """Write ``data`` (text as UTF-8, bytes, or a writer called with a path) to ``path`` atomically.

    Args:
        path: the output file; its folder is created.
        data: the content, or a function that writes the content to the path it is given.
        inputs: files of the run that must never be written (data, suite, includes, ledger).
        overwrite: replace an existing file (reports) or refuse it (``--force`` not given).
        what: the output in words, for messages.
        force_flag: the flag that allows replacing, named in the message.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        InputError: the target is an input, a directory, under a file, exists without
            ``overwrite``; or the disk is full, read-only, failing or not writable.
    """
    inputs = tuple(inputs)
    with atomic_path(
        path, inputs=inputs, overwrite=overwrite, what=what, force_flag=force_flag
    ) as tmp:
        if isinstance(data, str):
            _write_all(tmp, data.encode("utf-8"))
        elif isinstance(data, bytes):
            _write_all(tmp, data)
        else:
            data(tmp)
    return Path(path)


def _write_all(tmp: Path, blob: bytes) -> None:
    with tmp.open("wb") as fh:
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())
