"""The Teams people and conversations, on both databases: upserts on every activity that refresh the
service URL and never forget a 1:1 conversation or a time zone, where a message goes, who cannot be
reached yet, tenants kept apart, concurrent upserts, and the migration that adds the tables."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from storage.db import alembic_config, session_scope
from storage.models_teams import NAME_LEN, TeamsConversation, TeamsPerson
from storage.repositories import teams

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT = "0b5c1d3e-2f4a-4b6c-8d7e-9f0a1b2c3d4e"
ANA = "8d4a2f0e-1c3b-4e5d-9a6f-7b8c9d0e1f2a"
BEN = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"
URL = "https://smba.trafficmanager.net/emea/"
URL2 = "https://smba.trafficmanager.net/amer/"
DM_ANA = "a:1Xq7Zk3vTt9pQm2Lr8Wn5Yb4Hs6Jd0Fg"
CHANNEL = "19:9d4e2b7c1a8f4e3d@thread.tacv2"
TABLES = {"teams_person", "teams_conversation"}


def seen(engine: Engine, aad: str = ANA, *, tenant: str = TENANT, url: str = URL, tz: str | None = None,
         dm: str | None = None, name: str | None = "Ana Lima") -> TeamsPerson:
    with session_scope(engine) as s:
        return teams.seen_person(session=s, tenant_id=tenant, aad_object_id=aad, bot_scoped_id=f"29:{aad[:8]}",
                                 name=name, service_url=url, tz=tz, conversation_id=dm)


def reach(engine: Engine, recipient: str, tenant: str = TENANT) -> tuple[str, str] | None:
    with session_scope(engine) as s:
        return teams.where_to_reach(session=s, tenant_id=tenant, recipient_id=recipient)


def person(engine: Engine, aad: str = ANA, tenant: str = TENANT) -> TeamsPerson | None:
    with session_scope(engine) as s:
        return teams.person(session=s, tenant_id=tenant, aad_object_id=aad)


def count(engine: Engine, model: type[TeamsPerson] | type[TeamsConversation]) -> int:
    with session_scope(engine) as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


# ---- people ------------------------------------------------------------------------------------

def test_a_person_seen_for_the_first_time_is_stored_with_everything_the_activity_said(engine: Engine) -> None:
    at = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        row = seen(engine, tz="Europe/Lisbon", dm=DM_ANA)
    stored = person(engine)
    assert stored is not None and stored == row
    assert (stored.team_id, stored.aad_object_id, stored.bot_scoped_id) == (TENANT, ANA, "29:8d4a2f0e")
    assert (stored.name, stored.conversation_id, stored.service_url, stored.tz) == (
        "Ana Lima", DM_ANA, URL, "Europe/Lisbon")
    assert stored.seen_at == at
    assert person(engine, BEN) is None


def test_every_activity_refreshes_the_service_url_and_never_erases_the_dm_or_the_zone(engine: Engine) -> None:
    first, later = datetime(2026, 12, 7, 9, 0, tzinfo=UTC), datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    with time_machine.travel(first, tick=False):
        seen(engine, tz="Europe/Lisbon", dm=DM_ANA)
    with time_machine.travel(later, tick=False):
        row = seen(engine, url=URL2, tz=None, dm=None, name=None)  # e.g. a channel message, no localTimezone
    assert (row.service_url, row.conversation_id, row.tz, row.name, row.seen_at) == (
        URL2, DM_ANA, "Europe/Lisbon", "Ana Lima", later)
    assert person(engine) == row
    assert count(engine, TeamsPerson) == 1

    row = seen(engine, tz="America/New_York", dm="a:another-1to1", name="Ana L.")  # what is told replaces
    assert (row.service_url, row.conversation_id, row.tz, row.name) == (URL, "a:another-1to1", "America/New_York",
                                                                        "Ana L.")


def test_a_name_longer_than_the_column_is_cut_not_refused(engine: Engine) -> None:
    assert seen(engine, name="N" * (NAME_LEN + 40)).name == "N" * NAME_LEN


def test_the_dm_the_bot_created_is_remembered_for_a_person_it_has_seen(engine: Engine) -> None:
    seen(engine)
    assert reach(engine, ANA) is None  # seen (e.g. in a channel) but no 1:1 chat yet
    with session_scope(engine) as s:
        assert teams.set_dm(session=s, tenant_id=TENANT, aad_object_id=ANA, conversation_id=DM_ANA)
        assert not teams.set_dm(session=s, tenant_id=TENANT, aad_object_id=BEN, conversation_id="a:ben")
    assert reach(engine, ANA) == (URL, DM_ANA)
    assert person(engine, BEN) is None and count(engine, TeamsPerson) == 1


def test_a_person_is_reached_in_their_dm_at_the_service_url_last_seen(engine: Engine) -> None:
    seen(engine, dm=DM_ANA)
    assert reach(engine, ANA) == (URL, DM_ANA)
    seen(engine, url=URL2)
    assert reach(engine, ANA) == (URL2, DM_ANA)
    assert reach(engine, DM_ANA) == (URL2, DM_ANA)  # the 1:1 conversation's own id works too
    assert reach(engine, BEN) is None


# ---- conversations -----------------------------------------------------------------------------

def test_a_conversation_is_reached_at_the_service_url_last_seen(engine: Engine) -> None:
    with session_scope(engine) as s:
        row = teams.seen_conversation(session=s, tenant_id=TENANT, conversation_id=CHANNEL, kind="channel",
                                      service_url=URL, team_aad_group_id="group-1", name="Sales")
    assert (row.kind, row.team_aad_group_id, row.name, row.service_url) == ("channel", "group-1", "Sales", URL)
    assert reach(engine, CHANNEL) == (URL, CHANNEL)

    with session_scope(engine) as s:
        row = teams.seen_conversation(session=s, tenant_id=TENANT, conversation_id=CHANNEL, kind="channel",
                                      service_url=URL2)
    assert (row.team_aad_group_id, row.name, row.service_url) == ("group-1", "Sales", URL2)
    assert reach(engine, CHANNEL) == (URL2, CHANNEL)
    assert count(engine, TeamsConversation) == 1
    assert reach(engine, "19:never-seen@thread.v2") is None


def test_a_conversation_kind_teams_does_not_have_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="meeting"), session_scope(engine) as s:
        teams.seen_conversation(session=s, tenant_id=TENANT, conversation_id=CHANNEL, kind="meeting",
                                service_url=URL)
    assert count(engine, TeamsConversation) == 0


# ---- who cannot be reached ---------------------------------------------------------------------

def test_those_without_a_dm_are_named_in_order_each_once(engine: Engine) -> None:
    seen(engine, ANA, dm=DM_ANA)
    seen(engine, BEN)  # seen only in a channel
    seen(engine, "c0ffee00-0000-4000-8000-000000000001", tenant=OTHER_TENANT, dm="a:elsewhere")
    with session_scope(engine) as s:
        got = teams.unreachable(session=s, tenant_id=TENANT, aad_object_ids=[
            "c0ffee00-0000-4000-8000-000000000001", BEN, ANA, BEN, "never-seen"])
        assert teams.unreachable(session=s, tenant_id=TENANT, aad_object_ids=[]) == []
        assert teams.unreachable(session=s, tenant_id=TENANT, aad_object_ids=[ANA]) == []
    assert got == ["c0ffee00-0000-4000-8000-000000000001", BEN, "never-seen"]


# ---- tenants -----------------------------------------------------------------------------------

def test_one_object_id_in_two_tenants_is_two_people(engine: Engine) -> None:
    seen(engine, tenant=TENANT, url=URL, dm=DM_ANA, tz="Europe/Lisbon")
    seen(engine, tenant=OTHER_TENANT, url=URL2, name="Someone else")
    with session_scope(engine) as s:
        teams.seen_conversation(session=s, tenant_id=TENANT, conversation_id=CHANNEL, kind="channel",
                                service_url=URL)
    assert count(engine, TeamsPerson) == 2
    mine, theirs = person(engine, tenant=TENANT), person(engine, tenant=OTHER_TENANT)
    assert mine is not None and theirs is not None
    assert (mine.name, mine.tz, theirs.name, theirs.tz) == ("Ana Lima", "Europe/Lisbon", "Someone else", None)
    assert reach(engine, ANA, TENANT) == (URL, DM_ANA)
    assert reach(engine, ANA, OTHER_TENANT) is None
    assert reach(engine, DM_ANA, OTHER_TENANT) is None and reach(engine, CHANNEL, OTHER_TENANT) is None
    with session_scope(engine) as s:
        teams.set_dm(session=s, tenant_id=OTHER_TENANT, aad_object_id=ANA, conversation_id="a:theirs")
        assert teams.unreachable(session=s, tenant_id=TENANT, aad_object_ids=[ANA]) == []
    assert reach(engine, ANA, TENANT) == (URL, DM_ANA)
    assert reach(engine, ANA, OTHER_TENANT) == (URL2, "a:theirs")


# ---- concurrency -------------------------------------------------------------------------------

def test_concurrent_activities_of_one_person_end_with_one_row(engine: Engine) -> None:
    threads, per_thread = 6, 5
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                # One worker's first activity is the 1:1 chat's; the others never carry a DM id.
                dm = DM_ANA if (n, i) == (0, 0) else None
                seen(engine, url=f"https://smba.example/{n}/{i}/", dm=dm, tz="Europe/Lisbon" if n == 1 else None)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    assert count(engine, TeamsPerson) == 1
    row = person(engine)
    assert row is not None and row.conversation_id == DM_ANA and row.tz == "Europe/Lisbon"
    assert row.service_url.startswith("https://smba.example/")


# ---- the migration -----------------------------------------------------------------------------

def test_migration_0005_adds_the_tables_and_0004_takes_them_away(engine: Engine) -> None:
    cfg = alembic_config(engine)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
            conn.commit()
            assert not TABLES & set(inspect(conn).get_table_names())
            command.upgrade(cfg, "0005")
            conn.commit()
            found = inspect(conn)
            assert set(found.get_table_names()) >= TABLES
            assert found.get_pk_constraint("teams_person")["constrained_columns"] == ["team_id", "aad_object_id"]
            assert found.get_pk_constraint("teams_conversation")["constrained_columns"] == [
                "team_id", "conversation_id"]
    finally:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
    seen(engine, dm=DM_ANA)
    assert reach(engine, ANA) == (URL, DM_ANA)


def test_the_migrations_make_the_tables_the_models_describe(engine: Engine) -> None:
    """Every model's, these included: what autogenerate would still want to change is nothing."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
