"""The session key kept beside a SQLite database: owner-only from the start, the same key on
every start, and never committed by mistake (*.secret is git-ignored)."""

from __future__ import annotations

import os
import stat
from fnmatch import fnmatch
from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT, Settings
from engine.errors import ConfigurationError
from webui.secrets import secret_key


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("JTFLOW_SECRET_KEY", raising=False)
    return Settings(database_url=f"sqlite:///{tmp_path / 'city.sqlite'}")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_key_file_is_owner_only_even_under_a_permissive_umask(settings, tmp_path):
    previous = os.umask(0)  # a umask that would leave a plain new file world-readable
    try:
        key = secret_key(settings)
    finally:
        os.umask(previous)
    path = tmp_path / "city.sqlite.secret"
    assert mode_of(path) == 0o600 and len(key) > 40
    assert [p.name for p in tmp_path.iterdir()] == ["city.sqlite.secret"]  # no temporary left


def test_the_same_key_on_every_start(settings):
    assert secret_key(settings) == secret_key(settings)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_readable_key_file_is_made_owner_only(settings, tmp_path):
    path = tmp_path / "city.sqlite.secret"
    path.write_text("copied-key", encoding="utf-8")
    path.chmod(0o644)
    assert secret_key(settings) == "copied-key" and mode_of(path) == 0o600


def test_an_empty_key_file_says_what_to_do(settings, tmp_path):
    (tmp_path / "city.sqlite.secret").write_text("", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="是空的：请删除它"):
        secret_key(settings)


def test_key_files_are_git_ignored():
    patterns = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert any(fnmatch("jtflow.sqlite.secret", p) for p in patterns if p.startswith("*"))
