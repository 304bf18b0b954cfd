"""Alembic environment: runs on the connection `storage.db.migrate` hands over,
or on `sqlalchemy.url` when invoked from the command line."""

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
import storage.models_lessons  # noqa: F401
import storage.models_rhythm  # noqa: F401
import storage.models_scope  # noqa: F401
import storage.models_teams  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as conn:
        run(conn)
