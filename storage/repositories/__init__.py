"""Repository functions: queries and writes, each taking `*, session`."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel.sql.expression import SelectOfScalar

M = TypeVar("M")


def locked(stmt: SelectOfScalar[M], lock: bool = True) -> SelectOfScalar[M]:
    """With `lock`, the rows `stmt` reads are held until the unit of work ends, so a concurrent change
    waits and then reads what this one wrote (`populate_existing` refreshes rows the session already
    had). PostgreSQL needs it; SQLite runs one writer at a time and ignores FOR UPDATE."""
    return stmt.with_for_update().execution_options(populate_existing=True) if lock else stmt
