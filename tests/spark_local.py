"""One way for every test folder to get a local Spark session (tests/backends, peers, profile).

Without Java or PySpark a Spark test skips and says why, except when the environment variable
CI is set: CI must run them, so they fail instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import Any

import pytest


def spark_unavailable() -> str | None:
    """Why no local Spark session can start here (no Java, no PySpark), or None."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime: install openjdk-17-jre-headless (make java does it as root)"
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed: pip install 'datagates[spark]'"
    return None


def require_spark() -> Path:
    """PySpark's home; skips (fails when CI is set) without Java or PySpark."""
    why = spark_unavailable()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{why} (CI is set: the Spark tests must run there)", pytrace=False)
        pytest.skip(why)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def local_session(app: str, *, cores: int = 2, partitions: int = 2) -> Any:
    """A quiet classic `local[cores]` session on loopback (UTC, no UI, 1g driver).

    A Connect session earlier in this process (PySpark's ``builder.remote`` sets a flag for the
    whole process) would turn the builder into Connect's: the flag is hidden while it starts.
    """
    require_spark()
    from pyspark.sql import SparkSession

    hidden = {
        k: os.environ.pop(k)
        for k in ("SPARK_REMOTE", "SPARK_CONNECT_MODE_ENABLED")
        if k in os.environ
    }
    try:
        session = (
            SparkSession.builder.master(f"local[{cores}]")
            .appName(app)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.driver.memory", "1g")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
    finally:
        os.environ.update(hidden)
    session.sparkContext.setLogLevel("ERROR")
    return session
