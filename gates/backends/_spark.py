"""The Spark backend: plans lowered by narwhals to ``pyspark.sql`` Columns, classic or Connect.

Nothing here needs an RDD or a ``SparkContext``, so the same code runs on a local session, a
standalone or YARN cluster, and Spark Connect. :func:`session` builds the session from a
master URL, ``GATES_SPARK_MASTER`` or Spark's own ``SPARK_REMOTE``.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import InputError, MissingExtraError
from ._spark_passes import SparkBackend

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from .._io._dataset import Dataset
    from .._result import CheckResult
    from ..engines._base import RunContext

__all__ = [
    "BACKEND",
    "CONNECT_TIMEOUT_S",
    "EXECUTOR_WAIT_S",
    "SparkBackend",
    "catalog_table",
    "frame_master_kind",
    "master_kind",
    "master_url",
    "not_translated",
    "read",
    "session",
    "session_master",
]

#: Seconds to wait for a TCP connection to a standalone master or a Connect server.
CONNECT_TIMEOUT_S = 5.0
#: Seconds a standalone cluster has to give the application its first executor.
EXECUTOR_WAIT_S = 60.0

#: Master URL prefix → what it names (``local`` is ``local``, ``local[N]``, ``local[N,F]``).
_KINDS = (
    ("local", "local"),
    ("spark://", "standalone"),
    ("yarn", "yarn"),
    ("k8s://", "kubernetes"),
    ("sc://", "connect"),
)

#: Variables that make PySpark's builder build a Connect session instead of a classic one.
_CONNECT_ENV = ("SPARK_REMOTE", "SPARK_CONNECT_MODE_ENABLED")

_NOT_TRANSLATED = "could not run on spark: not translated, use --engine polars"

#: Spark reads these formats by name; the suffix picks one.
_FORMATS = {"parquet": "parquet", "csv": "csv", "tsv": "csv", "json": "json", "ndjson": "json"}


def master_url(master: str | None = None) -> str:
    """The master a run uses: ``master``, else ``GATES_SPARK_MASTER``, else ``SPARK_REMOTE``, else ``local[2]``."""
    url = master or os.environ.get("GATES_SPARK_MASTER") or os.environ.get("SPARK_REMOTE")
    return (url or "local[2]").strip()


def master_kind(url: str) -> str:
    """What a master URL names: ``local``, ``standalone``, ``yarn``, ``kubernetes`` or ``connect``."""
    for prefix, kind in _KINDS:
        if url == prefix or url.startswith(prefix):
            return kind
    raise InputError(
        f"unknown Spark master {url!r}: use local[N], spark://HOST:PORT, yarn, k8s://HOST:PORT"
        " or sc://HOST:PORT (Spark Connect)"
    )


def _endpoints(url: str) -> list[tuple[str, int]]:
    """``(host, port)`` of every master in a ``spark://`` or ``sc://`` URL (a list for HA)."""
    rest = url.split("://", 1)[1].split("/", 1)[0].split(";", 1)[0]
    out = []
    for part in rest.split(","):
        host, _, port = part.rpartition(":")
        if not host or not port.isdigit():
            raise InputError(f"Spark master {url!r}: {part!r} is not HOST:PORT")
        out.append((host.strip("[]"), int(port)))
    return out


def _reachable(url: str, what: str) -> None:
    """Refuse, within :data:`CONNECT_TIMEOUT_S`, a master no TCP connection reaches."""
    failures = []
    for host, port in _endpoints(url):
        try:
            socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
            return
        except OSError as exc:
            failures.append(f"{host}:{port}: {exc.strerror or exc}")
    raise InputError(
        f"cannot reach the {what} at {url} ({'; '.join(failures)}); start it, or pass another"
        " --spark-master (local[2] runs Spark in this process)"
    )


def _java() -> None:
    home = os.environ.get("JAVA_HOME")
    if (home and (Path(home) / "bin" / "java").exists()) or shutil.which("java"):
        return
    raise InputError(
        "the Spark backend needs a Java runtime (17 or 21) and finds none: no `java` on PATH and"
        " JAVA_HOME is unset; install one (Debian: apt-get install openjdk-17-jre-headless) or"
        " use --spark-master sc://HOST:PORT (Spark Connect needs no local Java)"
    )


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def session(master: str | None = None) -> SparkSession:
    """A Spark session for ``master``: ``local[N]``, ``spark://HOST:PORT``, ``yarn`` or ``sc://HOST:PORT``.

    A master that cannot be reached is refused within :data:`CONNECT_TIMEOUT_S` seconds, and a
    standalone cluster that gives the application no executor within
    :data:`EXECUTOR_WAIT_S`, so a run never hangs on a cluster that is not there.

    Args:
        master: the master URL; default ``GATES_SPARK_MASTER``, else ``SPARK_REMOTE`` (a Spark
            Connect server, as Spark itself reads it), else ``local[2]``. An ``sc://`` URL
            builds a Spark Connect session.

    Returns:
        The active session with that master, or a new one.

    Raises:
        MissingExtraError: PySpark (or its Connect client) is not installed.
        InputError: no Java runtime for a classic session, an unknown or unreachable master,
            or Spark refused to start.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MissingExtraError("the Spark backend", "spark") from exc
    given = master or os.environ.get("GATES_SPARK_MASTER") or os.environ.get("SPARK_REMOTE")
    active = SparkSession.getActiveSession()
    if active is not None and not given:
        return active  # a notebook's or a job's own session: run where the caller runs
    url = master_url(master)
    kind = master_kind(url)
    if kind == "connect":
        return _connect(url)
    if active is not None and (running := session_master(active)) != url:
        raise InputError(
            f"a Spark session on {running} is already running in this process;"
            f" stop it first, or pass that master instead of {url}"
        )
    _java()
    if kind == "standalone":
        _reachable(url, "Spark master")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # SPARK_REMOTE (or an earlier Connect session's flag) would turn this builder into Connect's
    hidden = {k: os.environ.pop(k) for k in _CONNECT_ENV if k in os.environ}
    try:
        spark: Any = (
            SparkSession.builder.master(url)
            .appName("datagates")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
    except Exception as exc:  # a JVM that did not start, a refused master
        raise InputError(f"Spark ({url}) did not start: {_one_line(exc)}") from exc
    finally:
        os.environ.update(hidden)
    spark.sparkContext.setLogLevel("ERROR")
    if kind == "standalone":
        _wait_for_executor(spark, url)
    return spark  # type: ignore[no-any-return]


def _connect(url: str) -> SparkSession:
    """A Spark Connect session on ``url``, refused quickly when the server is not there."""
    try:
        import grpc  # noqa: F401  # the Connect client's transport
        from pyspark.sql.connect.session import SparkSession as ConnectSession
    except ImportError as exc:
        raise MissingExtraError("Spark Connect", "spark") from exc
    _reachable(url, "Spark Connect server")
    # as PySpark's own builder.remote() does: pyspark.sql.functions then build Connect columns
    os.environ["SPARK_CONNECT_MODE_ENABLED"] = "1"
    try:
        return ConnectSession.builder.remote(url).getOrCreate()  # type: ignore[return-value]
    except Exception as exc:  # the client's errors are many; one line names the server
        raise InputError(f"Spark Connect at {url}: {_one_line(exc)}") from exc


def _wait_for_executor(spark: Any, url: str) -> None:
    """A standalone application with no executor would wait forever for its first job."""
    deadline = time.monotonic() + EXECUTOR_WAIT_S
    while spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() < 2:  # driver + one
        if time.monotonic() > deadline:
            spark.stop()
            raise InputError(
                f"the Spark master at {url} gave no executor within {EXECUTOR_WAIT_S:g} s: is a"
                " worker registered with free cores and memory? (its web UI lists them)"
            )
        time.sleep(0.2)


def frame_master_kind(df: Any) -> str:
    """The kind of master a DataFrame's session runs on (:func:`master_kind`), for the record."""
    return master_kind(session_master(df.sparkSession))


def session_master(spark: Any) -> str:
    """The master URL of a session (``sc://HOST:PORT`` for Spark Connect)."""
    if type(spark).__module__.startswith("pyspark.sql.connect"):
        client = spark.client
        endpoint = getattr(getattr(client, "_builder", None), "endpoint", None)
        return f"sc://{endpoint or client.host}"
    return str(spark.sparkContext.master)


def read(
    spark: Any, source: str | list[str], *, format: str | None = None, table: str | None = None
) -> Any:
    """A Spark DataFrame for a file, glob or folder (Parquet, CSV, JSON), or a catalog table.

    Raises:
        InputError: Spark cannot read it (no such path or table, not that format).
    """
    from pyspark.errors import PySparkException

    try:
        return _read(spark, source, format=format, table=table)
    except PySparkException as exc:
        what = f"table {table}" if table is not None else str(source)
        raise InputError(f"{what}: Spark cannot read it: {_one_line(exc)}", source=what) from exc


def _read(spark: Any, source: str | list[str], *, format: str | None, table: str | None) -> Any:
    if table is not None:
        return spark.table(table)
    first = source if isinstance(source, str) else source[0]
    suffix = first.rstrip("/").rsplit(".", 1)[-1].lower() if "." in first else "parquet"
    fmt = _FORMATS.get((format or suffix).lower(), "parquet")
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = reader.option("header", "true").option("inferSchema", "true")
        if (format or suffix) == "tsv":
            reader = reader.option("sep", "\t")
    return reader.load(source)


def catalog_table(name: str, master: str | None = None) -> Dataset:
    """A Dataset over ``spark.table(name)``: a table in the session's catalog, or a path-based
    one (``parquet.`/data/orders```, ``delta.`s3a://lake/orders```), read by Spark.

    Raises:
        InputError: no such table, or Spark cannot read it.
    """
    from .._io._dataset import from_native

    return from_native(read(session(master), name, table=name), "spark", source=name)


def not_translated(ctx: RunContext) -> list[CheckResult]:
    """A failed result for every check the Spark backend did not run (never silently dropped)."""
    from ..engines._base import unrunnable
    from ..engines._items import column_check_id, expectation_ids, gx_items

    suite = ctx.suite.suite
    left: list[tuple[str, str, str | None, Any]] = []  # (id, name, column, severity)
    for column, spec in suite.columns.items():
        if column not in ctx.dataset.columns:
            continue  # the schema engine reported it
        for name, on in (("not_nullable", not spec.nullable), ("unique", spec.unique)):
            if on and ("column", column, name) not in ctx.handled:
                left.append((f"{column}::{name}", name, column, suite.severity))
        for i, check in enumerate(spec.checks):
            if ("column", column, str(i)) not in ctx.handled:
                cid = column_check_id(column, spec, check, i)
                left.append((cid, check.check, column, suite.severity_of(check, spec)))
    items = gx_items(ctx)
    for (key, espec, _), cid in zip(items, expectation_ids([s for _, s, _ in items]), strict=True):
        if key not in ctx.handled:
            left.append((cid, espec.type, espec.column, espec.severity or suite.severity))
    seen: dict[str, int] = {}
    for i, tspec in enumerate(suite.checks):
        n = seen[tspec.check] = seen.get(tspec.check, 0) + 1
        if ("table", str(i)) not in ctx.handled:
            cid = f"table::{tspec.check}" + (f"#{n}" if n > 1 else "")
            left.append((cid, tspec.check, None, suite.severity_of(tspec)))
    for section in ("drift", "labels", "coverage"):
        if getattr(suite, section, None):
            left.append((f"{section}::spark", section, None, suite.severity))
    return [
        unrunnable(
            id=cid,
            name=name,
            engine="spark",
            column=column,
            severity=severity,
            error=_NOT_TRANSLATED,
        )
        for cid, name, column, severity in left
    ]


BACKEND = SparkBackend()
