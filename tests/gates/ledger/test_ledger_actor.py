"""``actor_from_env`` with fake environments."""

from __future__ import annotations

import getpass

import pytest

from gates.ledger import actor_from_env


def test_github_actions() -> None:
    """GitHub metadata, with a link to the run."""
    env = {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_SHA": "a1b2c3",
        "GITHUB_RUN_ID": "991",
        "GITHUB_JOB": "gate",
        "GITHUB_REPOSITORY": "acme/churn",
        "GITHUB_ACTOR": "octocat",
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_SERVER_URL": "https://github.com",
    }
    assert actor_from_env(env) == {
        "kind": "ci",
        "provider": "github",
        "name": "octocat",
        "commit": "a1b2c3",
        "ref": "refs/heads/main",
        "job": "gate",
        "run_id": "991",
        "repository": "acme/churn",
        "url": "https://github.com/acme/churn/actions/runs/991",
    }


def test_gitlab_ci() -> None:
    """GitLab metadata; empty variables are dropped."""
    env = {
        "GITLAB_CI": "true",
        "CI_COMMIT_SHA": "deadbeef",
        "CI_JOB_ID": "77",
        "CI_JOB_NAME": "gate",
        "CI_PROJECT_PATH": "acme/fraud",
        "CI_PIPELINE_ID": "",
        "GITLAB_USER_LOGIN": "alice",
    }
    assert actor_from_env(env) == {
        "kind": "ci",
        "provider": "gitlab",
        "name": "alice",
        "commit": "deadbeef",
        "job": "gate",
        "job_id": "77",
        "repository": "acme/fraud",
    }


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_generic_ci(value: str) -> None:
    """A bare CI=true is a CI run by an unknown provider."""
    assert actor_from_env({"CI": value}) == {
        "kind": "ci",
        "provider": "unknown",
        "name": getpass.getuser(),
    }


def test_local_user() -> None:
    """No CI variables: the local user; CI=false does not count."""
    assert actor_from_env({"CI": "false"}) == {"kind": "user", "name": getpass.getuser()}


def test_token_wins_and_keeps_ci_metadata() -> None:
    """A token name is the actor; CI metadata rides along under "ci"."""
    assert actor_from_env({}, token_name="svc") == {"kind": "token", "name": "svc"}
    actor = actor_from_env({"GITHUB_SHA": "abc", "GITHUB_JOB": "gate"}, token_name="svc")
    assert actor == {
        "kind": "token",
        "name": "svc",
        "ci": {"kind": "ci", "provider": "github", "commit": "abc", "job": "gate"},
    }


def test_default_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``env`` the process environment is used."""
    for name in ("GITHUB_ACTIONS", "GITHUB_SHA", "GITLAB_CI", "CI_COMMIT_SHA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI", "true")
    assert actor_from_env()["kind"] == "ci"
