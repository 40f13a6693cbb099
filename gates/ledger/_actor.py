"""Who ran a gate: CI metadata from the environment, an API token, or the local user."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from typing import Any

__all__ = ["actor_from_env"]

_TRUTHY = frozenset({"1", "true", "yes", "on"})


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUTHY


def _drop_empty(values: Mapping[str, str | None]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value}


def _github(env: Mapping[str, str]) -> dict[str, Any]:
    server, repo, run = (
        env.get("GITHUB_SERVER_URL"),
        env.get("GITHUB_REPOSITORY"),
        env.get("GITHUB_RUN_ID"),
    )
    url = f"{server}/{repo}/actions/runs/{run}" if server and repo and run else None
    return {
        "kind": "ci",
        "provider": "github",
        **_drop_empty(
            {
                "name": env.get("GITHUB_ACTOR"),
                "commit": env.get("GITHUB_SHA"),
                "ref": env.get("GITHUB_REF"),
                "job": env.get("GITHUB_JOB"),
                "run_id": run,
                "workflow": env.get("GITHUB_WORKFLOW"),
                "repository": repo,
                "url": url,
            }
        ),
    }


def _gitlab(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "kind": "ci",
        "provider": "gitlab",
        **_drop_empty(
            {
                "name": env.get("GITLAB_USER_LOGIN"),
                "commit": env.get("CI_COMMIT_SHA"),
                "ref": env.get("CI_COMMIT_REF_NAME"),
                "job": env.get("CI_JOB_NAME"),
                "job_id": env.get("CI_JOB_ID"),
                "pipeline_id": env.get("CI_PIPELINE_ID"),
                "repository": env.get("CI_PROJECT_PATH"),
                "url": env.get("CI_JOB_URL"),
            }
        ),
    }


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no USER/LOGNAME (bare containers)
        return "unknown"


def _ci_actor(env: Mapping[str, str]) -> dict[str, Any] | None:
    if _truthy(env.get("GITHUB_ACTIONS")) or "GITHUB_SHA" in env:
        return _github(env)
    if _truthy(env.get("GITLAB_CI")) or "CI_COMMIT_SHA" in env:
        return _gitlab(env)
    if _truthy(env.get("CI")):
        return {"kind": "ci", "provider": "unknown", "name": _local_user()}
    return None


def actor_from_env(
    env: Mapping[str, str] | None = None, token_name: str | None = None
) -> dict[str, Any]:
    """Describe who is running a gate, for the ``actor`` field of a run record.

    Precedence: an API token name (the service passes it; CI metadata, if any, is kept under
    ``"ci"``), then GitHub Actions, then GitLab CI, then a generic ``CI=true``, then the
    local user. Empty variables are left out.

    Args:
        env: The environment to read; ``os.environ`` when omitted.
        token_name: The name of the API token the run was authenticated with, if any.

    Returns:
        A JSON-ready dict with at least ``kind`` (``"token"``, ``"ci"`` or ``"user"``) and,
        when known, ``name``.

    Example:
        >>> actor_from_env({"GITHUB_ACTIONS": "true", "GITHUB_SHA": "abc", "GITHUB_JOB": "gate"})
        {'kind': 'ci', 'provider': 'github', 'commit': 'abc', 'job': 'gate'}
        >>> actor_from_env({}, token_name="ci-bot")
        {'kind': 'token', 'name': 'ci-bot'}
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    ci = _ci_actor(environ)
    if token_name is not None:
        actor: dict[str, Any] = {"kind": "token", "name": token_name}
        if ci is not None:
            actor["ci"] = ci
        return actor
    if ci is not None:
        return ci
    return {"kind": "user", "name": _local_user()}
