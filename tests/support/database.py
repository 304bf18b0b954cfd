"""The PostgreSQL server the suite uses, and emptying a test database between tests."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def truncate_pg(url: str) -> None:
    """Empty every table of the PostgreSQL database at `url` but the migration record, restarting its ids."""
    eng = create_engine(url)
    with eng.begin() as c:
        tables = [r[0] for r in c.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        if tables:
            c.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    eng.dispose()
