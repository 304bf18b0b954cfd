"""The console: Slack's commands typed in a terminal, carried out by the same core."""

from __future__ import annotations

import logging

import pytest

from handlers.console import commands
from tests.handlers.console.driving import Drive

ACME = '/project new Acme client="Acme Corp" channel=#sales'


def test_project_risk_and_list(drive: Drive) -> None:
    out = drive([ACME, "/risk add Vendor may slip p=4 i=5 project=Acme", "/risk list", "/project list"])
    assert "Created project Acme · client Acme Corp · #sales." in out
    assert "Logged R-1.\nR-1 Vendor may slip — Critical 20 (p4×i5) · open · Acme" in out
    assert "[#sales] New risk: R-1 Vendor may slip — Critical 20 (p4×i5) · open · Acme — by @manager" in out
    assert "Open risks: 1 (page 1 of 1)\n  R-1 Vendor may slip" in out
    assert "Projects (1):\n  Acme · client Acme Corp · #sales" in out


def test_the_risk_form_by_number(drive: Drive) -> None:
    answers = ["Server room floods", "", "4", "5", "@ann", "2", "Move racks", "", ""]  # title … review date
    out = drive([ACME, "/risk", *answers, "/risk show R-1"])
    assert "New risk (Enter keeps" in out
    assert "    1. no project\n    2. Acme" in out
    assert "Logged R-1.\nR-1 Server room floods — Critical 20 (p4×i5) · open · Acme · owner @ann" in out
    assert "Mitigation: Move racks" in out
    assert "created by @manager" in out


def test_the_feedback_form_and_cancel(drive: Drive) -> None:
    out = drive(["/feedback", "They love the demo", "1", "2", "1", "", "", "/feedback list", "/risk", "cancel"])
    assert "Thanks, recorded F-1." in out
    assert "F-1 · client · positive · from @manager — “They love the demo”" in out
    assert "Form closed; nothing was saved." in out


def test_a_checkin_poll_answered_by_number(drive: Drive) -> None:
    out = drive([ACME, "/checkin add @ann project=Acme", "/checkin send project=Acme", "4", "as ann", "2"])
    assert "Acme: asking @ann for a weekly check-in, Fridays at 15:00 (UTC)." in out
    assert "[DM @ann] How happy are you with Acme this week?" in out
    assert "    [2] 2 · Unhappy" in out
    assert "Acme: check-in sent to 1." in out
    assert "only the person asked can answer it" in out  # @manager pressed @ann's button
    assert "[DM @ann (message 1 changed)] Your check-in on Acme: 2/5." in out
    assert "[DM @manager] Heads up: @ann answered the Acme check-in with 2/5." in out  # a low answer
    assert "Log as risk…" in out


def test_a_member_is_refused_a_managers_command(drive: Drive) -> None:
    out = drive([ACME, "/summary"], user="ann", member=True)
    assert "only managers can create projects" in out
    assert "Created project" not in out


def test_help_and_bad_input(drive: Drive) -> None:
    out = drive(["help", "/risk add Slip p=9", "/nope", "hello", "/risk help", "99"])
    assert "people are @name, channels #name" in out
    assert "`p=` must be a whole number from 1 to 5" in out or "from 1 to 5" in out
    assert "Usage of /risk" in out
    assert "I don't know `/nope`." in out
    assert "Type a command such as `/risk list`" in out
    assert "There is no button [99]." in out


def test_an_unexpected_error_is_told_and_the_console_goes_on(drive: Drive, monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    async def broken(console: object, text: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(commands.COMMANDS, "summary", broken)
    with caplog.at_level(logging.ERROR):
        out = drive(["/summary", ACME])
    assert "Sorry, something went wrong on my side" in out
    assert "Created project Acme" in out
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_a_standup_in_the_current_channel(drive: Drive) -> None:
    out = drive(["/standup setup members=@manager time=09:30", "/standup now", "1", "Shipped", "Testing",
                 "Vendor late", "/standup report"])
    assert "Set up the stand-up in #sales" in out
    assert "[DM @manager] Time for your stand-up for #sales" in out
    assert "[#sales] @manager's stand-up" in out
    assert "Blockers: Vendor late" in out
    assert "Log blocker as risk…" in out
