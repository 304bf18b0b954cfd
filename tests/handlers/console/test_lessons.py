"""Lessons, closing a project and similar risks at the console, through the same core."""

from __future__ import annotations

from tests.handlers.console.driving import Drive

ACME = "/project new Apollo client=Acme"


def test_lesson_list_and_the_earlier_lessons_of_a_client(drive: Drive) -> None:
    out = drive([ACME, "/lesson Sign scope off in writing project=Apollo tags=scope", '/lesson list q="SCOPE"',
                 "/project new Hermes client=acme", "/lesson help", "/lesson list nonsense"])
    assert "Logged L-1 Sign scope off in writing · Apollo · tags scope · @manager" in out
    assert "Lessons with “scope”: 1 (page 1 of 1), newest first\n  L-1 Sign scope off" in out
    assert "Before you commit: lessons from earlier work for acme:\n  L-1 Sign scope off in writing" in out
    assert "• `/lesson list [project=NAME] [tag=T] [q=WORDS] [page=N]`" in out
    assert "`/lesson list` takes only" in out


def test_the_lesson_form_by_number(drive: Drive) -> None:
    out = drive([ACME, "/lesson", "Keep a second vendor", "2", "vendor, api", "/lesson list project=apollo"])
    assert "New lesson (Enter keeps" in out
    assert "Logged L-1 Keep a second vendor · Apollo · tags vendor, api" in out


def test_close_prompts_the_risk_author_whose_button_opens_the_form(drive: Drive) -> None:
    out = drive([ACME, "/risk add Vendor may slip project=Apollo", "/project close Apollo won Signed",
                 "1", "Ask for the vendor's plan", "", "", "/project close Apollo", "/project list"])
    assert "Closed project Apollo (won) — Signed." in out
    assert "[DM @manager] Apollo was closed (won) by @manager." in out
    assert "Logged L-1 Ask for the vendor's plan · Apollo" in out  # the form had the project chosen
    assert "Apollo is already closed (won)" in out
    assert "Apollo · client Acme · closed (won)" in out


def test_a_similar_risk_offers_closing_the_new_one_as_a_duplicate(drive: Drive) -> None:
    out = drive([ACME, "/risk add Vendor API may slip project=Apollo", "/risk add Vendor API slipping project=Apollo",
                 "1", "/risk show R-2"])
    assert "Much like open risk R-1 Vendor API may slip\n    [1] Close R-2 as duplicate of R-1" in out
    assert "Closed R-2 Vendor API slipping as a duplicate of R-1 Vendor API may slip." in out
    assert "duplicate_of None→R-1" in out
