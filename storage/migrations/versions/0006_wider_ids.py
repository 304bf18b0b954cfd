"""wider ids: room for Teams tenant, person and conversation ids and activity ids

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09 10:00:00.000000

Workspace and person ids go from 32 to 64 characters (an Entra GUID has 36), conversation ids and
message ids to 200 (a Teams conversation id such as `19:…@thread.tacv2` runs to some 200).

On PostgreSQL each column is altered in place: widening a VARCHAR rewrites neither the table nor
its indexes. On SQLite the lengths are only the declared types (never enforced, and VARCHAR(n) has
the same text affinity whatever n), so the stored CREATE TABLE text is edited and nothing on disk
changes. The usual way on SQLite, copying each table into a new one, would drop the old table, and
with foreign keys on that deletes its rows first: the ON DELETE CASCADE / SET NULL of the tables that
reference it (risks of a project, answers of a poll, members of a stand-up) would fire.

The downgrade goes back to 32 characters and refuses, changing nothing, while any of these columns
holds a longer value.
"""
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = 32
WORKSPACE, PERSON, PLACE, MESSAGE = 64, 64, 200, 200

# table -> [(column, nullable, new length)]
COLUMNS: dict[str, list[tuple[str, bool, int]]] = {
    'counter': [('team_id', False, WORKSPACE)],
    'project': [('team_id', False, WORKSPACE), ('channel_id', True, PLACE), ('created_by', False, PERSON)],
    'risk': [('team_id', False, WORKSPACE), ('owner_id', True, PERSON), ('created_by', False, PERSON)],
    'riskevent': [('team_id', False, WORKSPACE), ('actor_id', False, PERSON)],
    'feedback': [('team_id', False, WORKSPACE), ('author_id', True, PERSON), ('acted_by', True, PERSON)],
    'slackuser': [('team_id', False, WORKSPACE), ('user_id', False, PERSON)],
    'checkin_config': [('team_id', False, WORKSPACE), ('created_by', False, PERSON)],
    'stakeholder': [('team_id', False, WORKSPACE), ('user_id', False, PERSON), ('added_by', False, PERSON)],
    'checkin_poll': [('team_id', False, WORKSPACE), ('sent_by', True, PERSON)],
    'checkin_answer': [('team_id', False, WORKSPACE), ('user_id', False, PERSON)],
    'standup': [('team_id', False, WORKSPACE), ('channel_id', False, PLACE), ('created_by', False, PERSON)],
    'standup_member': [('team_id', False, WORKSPACE), ('user_id', False, PERSON)],
    'standup_answer': [('team_id', False, WORKSPACE), ('user_id', False, PERSON), ('post_channel', True, PLACE),
                       ('post_ts', True, MESSAGE)],
    'day_off': [('team_id', False, WORKSPACE), ('user_id', False, PERSON)],
    'summary_subscriber': [('team_id', False, WORKSPACE), ('user_id', False, PERSON)],
    'job_run': [('team_id', False, WORKSPACE)],
    # a delivery's recipient is a person (sent as a DM) or a conversation
    'delivery': [('team_id', False, WORKSPACE), ('recipient', False, PLACE), ('channel', True, PLACE),
                 ('ts', True, MESSAGE)],
    'pending_command': [('team_id', False, WORKSPACE), ('user_id', False, PERSON), ('channel_id', True, PLACE)],
}


def upgrade() -> None:
    _retype({t: [(c, nullable, OLD, new) for c, nullable, new in cols] for t, cols in COLUMNS.items()})


def downgrade() -> None:
    longer = [t for t, cols in COLUMNS.items() if _holds_longer(t, [c for c, _, _ in cols], OLD)]
    if longer:
        raise RuntimeError(f"cannot go back to {OLD}-character ids: longer ids are stored in {', '.join(longer)}")
    _retype({t: [(c, nullable, new, OLD) for c, nullable, new in cols] for t, cols in COLUMNS.items()})


def _holds_longer(table: str, columns: list[str], limit: int) -> bool:
    query = (sa.select(sa.literal(1)).select_from(sa.table(table, *(sa.column(c) for c in columns)))
             .where(sa.or_(*(sa.func.length(sa.column(c)) > limit for c in columns))).limit(1))
    return op.get_bind().execute(query).first() is not None


def _retype(changes: dict[str, list[tuple[str, bool, int, int]]]) -> None:
    """Each (column, nullable, from length, to length) of each table."""
    if op.get_bind().dialect.name == 'sqlite':
        _retype_sqlite(changes)
        return
    for table, cols in changes.items():
        for column, nullable, old, new in cols:
            op.alter_column(table, column, type_=sa.String(length=new), existing_type=sa.String(length=old),
                            existing_nullable=nullable)


def _retype_sqlite(changes: dict[str, list[tuple[str, bool, int, int]]]) -> None:
    """Edits the declared types in SQLite's stored CREATE TABLE text, as SQLite's own documentation
    describes for schema changes that leave the stored rows as they are."""
    bind = op.get_bind()
    version = int(bind.exec_driver_sql('PRAGMA schema_version').scalar_one())
    bind.exec_driver_sql('PRAGMA writable_schema=ON')
    try:
        for table, cols in changes.items():
            found = sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t")
            ddl = str(bind.execute(found, {'t': table}).scalar_one())
            for column, _, old, new in cols:
                pattern = rf'([(,]\s*"?{re.escape(column)}"?\s+)VARCHAR\({old}\)'
                ddl, n = re.subn(pattern, rf'\g<1>VARCHAR({new})', ddl, flags=re.IGNORECASE)
                if n != 1:
                    raise RuntimeError(f'{table}.{column} is not VARCHAR({old}) as expected')
            bind.execute(sa.text("UPDATE sqlite_master SET sql = :ddl WHERE type = 'table' AND name = :t"),
                         {'ddl': ddl, 't': table})
        bind.exec_driver_sql(f'PRAGMA schema_version={version + 1}')
    finally:
        bind.exec_driver_sql('PRAGMA writable_schema=OFF')
