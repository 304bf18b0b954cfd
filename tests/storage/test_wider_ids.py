"""Ids as Teams makes them fit every table, on both databases: a 36-character tenant and person id and a
180-character conversation and activity id are stored and read back whole; migration 0006 widens the
columns without losing a row (on SQLite no foreign-key cascade fires), and its downgrade goes back to 32
characters only while every stored id fits; what the command parser accepts fits the columns."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from alembic import command
from sqlalchemy import insert, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError
from sqlmodel import select

from bot import parsing
from bot import text as core_text
from storage import clock
from storage.db import alembic_config, session_scope
from storage.models import MESSAGE_ID_LEN, PERSON_ID_LEN, PLACE_ID_LEN, WORKSPACE_ID_LEN, Project, Risk
from storage.models_rhythm import Delivery, Stakeholder, Standup, StandupAnswer

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"  # 36 characters
ANA = "8d4a2f0e-1c3b-4e5d-9a6f-7b8c9d0e1f2a"
CHANNEL = "19:" + "9d4e2b7c1a8f4e3d" * 10 + "x" * 4 + "@thread.tacv2"  # 180 characters
ACTIVITY = "1:" + "7" * 178  # 180 characters
assert (len(TENANT), len(ANA), len(CHANNEL), len(ACTIVITY)) == (36, 36, 180, 180)

# (table, column, length before 0006, length from 0006)
WIDENED = [("counter", "team_id", 32, 64), ("project", "team_id", 32, 64), ("project", "channel_id", 32, 200),
           ("risk", "owner_id", 32, 64), ("riskevent", "actor_id", 32, 64), ("feedback", "author_id", 32, 64),
           ("slackuser", "user_id", 32, 64), ("stakeholder", "user_id", 32, 64), ("standup", "channel_id", 32, 200),
           ("standup_answer", "post_ts", 32, 200), ("summary_subscriber", "user_id", 32, 64),
           ("job_run", "team_id", 32, 64), ("delivery", "recipient", 32, 200), ("delivery", "ts", 32, 200),
           ("pending_command", "channel_id", 32, 200)]
REFUSED = "cannot go back to 32-character ids: longer ids are stored in project, risk, stakeholder, standup, "
REFUSED += "standup_answer, delivery$"
KEPT = [("counter", "name", 32), ("pending_command", "command", 32), ("delivery", "occurrence", 64),
        ("delivery", "what", 96)]


@contextmanager
def migrating(engine: Engine) -> Iterator[tuple[Connection, Any]]:
    """A connection to run migrations on; the database is back at the newest one afterwards."""
    cfg = alembic_config(engine)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            yield conn, cfg
    finally:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()


def lengths(conn: Connection, columns: list[tuple[str, str, int, int]] | list[tuple[str, str, int]],
            ) -> list[int | None]:
    """The declared length of each (table, column, …) in `columns`, as the database reports it."""
    found = inspect(conn)
    by_table = {t: {c["name"]: getattr(c["type"], "length", None) for c in found.get_columns(t)} for t, *_ in columns}
    return [by_table[t][c] for t, c, *_ in columns]


def version(conn: Connection) -> str:
    return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def write_everything(engine: Engine, team: str, person: str, channel: str, ts: str) -> None:
    with session_scope(engine) as s:
        # Only the columns 0005 already had: this runs on the schema before and after 0006 (later
        # migrations add columns of their own).
        s.execute(insert(Project).values(team_id=team, name="Apollo", name_key="apollo", channel_id=channel,
                                         created_by=person, created_at=clock.now()))
        project = s.exec(select(Project.id).where(Project.team_id == team, Project.name_key == "apollo")).one()
        s.add(Risk(team_id=team, number=1, project_id=project, title="Vendor may slip", probability=3, impact=4,
                   score=12, owner_id=person, created_by=person))
        s.add(Stakeholder(team_id=team, project_id=project, user_id=person, added_by=person))
        s.add(Delivery(team_id=team, what="standup:1", recipient=channel, occurrence="2026-12-09", channel=channel,
                       ts=ts))
        standup = Standup(team_id=team, channel_id=channel, created_by=person)
        s.add(standup)
        s.flush()
        assert standup.id is not None
        s.add(StandupAnswer(team_id=team, standup_id=standup.id, user_id=person, day=date(2026, 12, 9),
                            today="Call the vendor", post_channel=channel, post_ts=ts))


# ---- round trips -------------------------------------------------------------------------------

def test_teams_ids_are_stored_and_read_back_whole(engine: Engine) -> None:
    write_everything(engine, TENANT, ANA, CHANNEL, ACTIVITY)
    with session_scope(engine, write=False) as s:
        project = s.exec(select(Project).where(Project.team_id == TENANT)).one()
        risk = s.exec(select(Risk).where(Risk.team_id == TENANT, Risk.number == 1)).one()
        delivery = s.exec(select(Delivery).where(Delivery.team_id == TENANT, Delivery.recipient == CHANNEL)).one()
        standup = s.exec(select(Standup).where(Standup.team_id == TENANT, Standup.channel_id == CHANNEL)).one()
        answer = s.exec(select(StandupAnswer).where(StandupAnswer.standup_id == standup.id)).one()
        assert (project.channel_id, project.created_by) == (CHANNEL, ANA)
        assert (risk.project_id, risk.owner_id, risk.created_by) == (project.id, ANA, ANA)
        assert (delivery.recipient, delivery.channel, delivery.ts) == (CHANNEL, CHANNEL, ACTIVITY)
        assert (standup.channel_id, standup.created_by) == (CHANNEL, ANA)
        assert (answer.user_id, answer.post_channel, answer.post_ts) == (ANA, CHANNEL, ACTIVITY)


def test_postgresql_still_refuses_an_id_longer_than_its_column(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not enforce lengths")
    with pytest.raises(DataError), session_scope(engine) as s:
        s.add(Project(team_id=TENANT, name="Gemini", name_key="gemini", channel_id="c" * (PLACE_ID_LEN + 1),
                      created_by=ANA))
    with pytest.raises(DataError), session_scope(engine) as s:
        s.add(Project(team_id="t" * (WORKSPACE_ID_LEN + 1), name="Gemini", name_key="gemini", created_by=ANA))


# ---- the migration -----------------------------------------------------------------------------

def test_0006_widens_the_id_columns_and_keeps_every_row_and_the_others(engine: Engine) -> None:
    with migrating(engine) as (conn, cfg):
        command.downgrade(cfg, "0005")
        conn.commit()
        assert lengths(conn, WIDENED) == [old for *_, old, _ in WIDENED]
        assert lengths(conn, KEPT) == [n for *_, n in KEPT]
        conn.rollback()
        write_everything(engine, "T0SLACK", "U0ANA", "C0APOLLO", "1765270800.000100")  # Slack ids fit 32

        command.upgrade(cfg, "0006")
        conn.commit()
        assert version(conn) == "0006"
        assert lengths(conn, WIDENED) == [new for *_, new in WIDENED]
        assert lengths(conn, KEPT) == [n for *_, n in KEPT]
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        found = inspect(conn)
        assert found.get_pk_constraint("slackuser")["constrained_columns"] == ["team_id", "user_id"]
        assert {u["name"] for u in found.get_unique_constraints("delivery")} == {"uq_delivery_key"}
        conn.rollback()
    with session_scope(engine, write=False) as s:  # the rows that reference a project are all still there
        project = s.exec(select(Project).where(Project.team_id == "T0SLACK")).one()
        assert s.exec(select(Risk.project_id).where(Risk.team_id == "T0SLACK")).all() == [project.id]
        assert s.exec(select(Stakeholder.user_id).where(Stakeholder.project_id == project.id)).all() == ["U0ANA"]
        assert s.exec(select(StandupAnswer.post_ts).where(StandupAnswer.team_id == "T0SLACK")).all() == [
            "1765270800.000100"]
    write_everything(engine, TENANT, ANA, CHANNEL, ACTIVITY)


def test_0006_goes_back_to_32_characters_while_the_ids_fit(engine: Engine) -> None:
    write_everything(engine, "T0SLACK", "U0ANA", "C0APOLLO", "1765270800.000100")
    with migrating(engine) as (conn, cfg):
        command.downgrade(cfg, "0005")
        conn.commit()
        assert version(conn) == "0005"
        assert lengths(conn, WIDENED) == [old for *_, old, _ in WIDENED]
        assert conn.execute(text("SELECT count(*) FROM risk WHERE project_id IS NOT NULL")).scalar_one() == 1
        assert conn.execute(text("SELECT post_ts FROM standup_answer")).scalar_one() == "1765270800.000100"
        conn.rollback()


def test_0006_refuses_to_go_back_while_a_longer_id_is_stored(engine: Engine) -> None:
    write_everything(engine, TENANT, ANA, CHANNEL, ACTIVITY)
    with migrating(engine) as (conn, cfg):
        command.downgrade(cfg, "0006")  # from the newest migration, whichever it is
        conn.commit()
        head = version(conn)  # the refused downgrade leaves it as it was
        with pytest.raises(RuntimeError, match=REFUSED):
            command.downgrade(cfg, "0005")
        conn.rollback()
        assert version(conn) == head
        assert lengths(conn, WIDENED) == [new for *_, new in WIDENED]
        conn.rollback()
    with session_scope(engine, write=False) as s:
        assert s.exec(select(Project.channel_id).where(Project.team_id == TENANT)).all() == [CHANNEL]


# ---- what the parser accepts -------------------------------------------------------------------

def test_the_parser_accepts_the_ids_the_columns_hold_and_no_longer() -> None:
    assert parsing.MAX_ID == PERSON_ID_LEN and parsing.MAX_PLACE_ID == PLACE_ID_LEN <= MESSAGE_ID_LEN
    assert parsing.person(core_text.person(ANA)) == ANA
    assert parsing.person(core_text.person("p" * PERSON_ID_LEN)) == "p" * PERSON_ID_LEN
    assert parsing.person(core_text.person("p" * (PERSON_ID_LEN + 1))) is None
    assert parsing.place(core_text.place(CHANNEL)) == CHANNEL
    assert parsing.place(core_text.place("c" * PLACE_ID_LEN)) == "c" * PLACE_ID_LEN
    assert parsing.place(core_text.place("c" * (PLACE_ID_LEN + 1))) is None
