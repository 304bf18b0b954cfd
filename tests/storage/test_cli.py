"""`python -m storage upgrade|current`, run as an operator would: a separate process in a
working directory of its own, with no Slack tokens set."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.__main__ import head_revision


def run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith(("SLACK_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run([sys.executable, "-m", "storage", *args], cwd=cwd, env=clean, capture_output=True,
                          text=True, timeout=60)


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_default_database_is_created_and_migrated_without_slack_tokens(tmp_path: Path) -> None:
    before = run(tmp_path, "current")
    assert before.returncode == 0, before.stderr
    assert "none" in before.stdout
    assert not (tmp_path / "data").exists(), "looking at the revision must not create the database"

    up = run(tmp_path, "upgrade")
    assert up.returncode == 0, up.stderr
    db = tmp_path / "data" / "bot.db"
    assert db.is_file()
    assert {"risk", "feedback", "project", "alembic_version"} <= tables(db)

    now = run(tmp_path, "current")
    assert now.returncode == 0, now.stderr
    assert now.stdout.strip() == f"{head_revision()} (head)"


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-unused\nDATABASE_URL=sqlite:///from-env-file.db\n")
    up = run(tmp_path, "upgrade")
    assert up.returncode == 0, up.stderr
    assert (tmp_path / "from-env-file.db").is_file() and not (tmp_path / "data").exists()

    up = run(tmp_path, "upgrade", DATABASE_URL="sqlite:///from-environment.db")
    assert up.returncode == 0, up.stderr
    assert "alembic_version" in tables(tmp_path / "from-environment.db")


def test_upgrade_is_idempotent_on_each_database(tmp_path: Path, db_url: str) -> None:
    """The fixture's database is already at head (SQLite, and PostgreSQL where reachable)."""
    up = run(tmp_path, "upgrade", DATABASE_URL=db_url)
    assert up.returncode == 0, up.stderr
    assert f"{head_revision()} (head)" in up.stdout
    now = run(tmp_path, "current", DATABASE_URL=db_url)
    assert now.stdout.strip() == f"{head_revision()} (head)"


def test_bad_url_is_one_clear_line_and_status_2(tmp_path: Path) -> None:
    r = run(tmp_path, "upgrade", DATABASE_URL="not a url")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "DATABASE_URL" in r.stderr
    assert "Traceback" not in r.stderr


def test_unreachable_server_is_reported_without_traceback(tmp_path: Path) -> None:
    r = run(tmp_path, "current", DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert r.returncode == 1
    assert "cannot reach the database" in r.stderr and "Traceback" not in r.stderr


def test_unknown_action_shows_usage(tmp_path: Path) -> None:
    r = run(tmp_path, "downgrade")
    assert r.returncode == 2
    assert "upgrade" in r.stderr and "current" in r.stderr
