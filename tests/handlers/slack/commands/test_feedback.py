"""/feedback end to end: quick syntax, the modal, private and anonymous items, closing the loop."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

from bot.logs import setup_logging
from storage.models import Feedback, Project
from tests.handlers.slack.e2e import check_limits, one, rows, seed_project, table_counts
from tests.slack_requests import SlackClient, all_text, checkboxes_value, select_value, text_value


def cells_holding(engine: Engine, needle: str) -> list[str]:
    """Every table.column (all tables, all columns, read generically) whose value contains `needle`."""
    meta = MetaData()
    meta.reflect(engine)
    found = []
    with engine.connect() as c:
        for table in meta.sorted_tables:
            for row in c.execute(select(table)):
                for column, value in row._mapping.items():
                    if value is not None and needle in str(value):
                        found.append(f"{table.name}.{column}")
    return found


# ---- giving feedback ------------------------------------------------------------------------------

def test_quick_syntax_with_every_option(slack: SlackClient, engine) -> None:
    seed_project(engine, "Apollo")
    r = slack.command("/feedback", "client project=apollo sentiment=negative private The demo was late",
                      user="UMEMBER")
    assert r.status == 200 and r.seconds < 3
    t = r.text()
    assert "F-1" in t and "Apollo" in t and "private" in t
    item = one(engine, Feedback)
    assert (item.number, item.source, item.sentiment, item.is_private, item.is_anonymous, item.author_id,
            item.text, item.project_id) == (1, "client", "negative", True, False, "UMEMBER", "The demo was late",
                                            one(engine, Project).id)


def test_team_feedback_with_guessed_sentiment(slack: SlackClient, engine) -> None:
    t = slack.command("/feedback", "team Great handover, thanks everyone").text()
    assert "F-1" in t and "guessed as positive" in t
    assert "F-2" in slack.command("/feedback", "The client is unhappy about the delay").text()
    items = sorted(rows(engine, Feedback), key=lambda f: f.number)
    assert [(f.source, f.sentiment) for f in items] == [("team", "positive"), ("team", "negative")]


def test_flags_only_count_before_the_text(slack: SlackClient, engine) -> None:
    slack.command("/feedback", "client We want the private beta and anon access").text()
    item = one(engine, Feedback)
    assert (item.is_private, item.is_anonymous, item.text) == (False, False, "We want the private beta and anon access")


@pytest.mark.parametrize("word", ["help", "?"])
def test_help(slack: SlackClient, word: str) -> None:
    t = slack.command("/feedback", word).text()
    assert "Usage of /feedback" in t and "/feedback act" in t


@pytest.mark.parametrize(("text", "says"), [
    ("client", "What is the feedback"),
    ("client team Both at once", "not both"),
    ("sentiment=angry Bad", "must be one of"),
    ("colour=red Nice work", "don't know the option"),
    ("project=Nowhere Nice work", "no project called *Nowhere*"),
    ("list everything", "takes only"),
    ("act", "Which feedback"),
    ("act banana Did it", "not an id like F-12"),
])
def test_bad_input_writes_nothing(slack: SlackClient, engine, text: str, says: str) -> None:
    before = table_counts(engine)
    r = slack.command("/feedback", text, user="UMGR")
    assert r.status == 200 and r.seconds < 3
    t = r.text()
    assert says in t, t
    assert table_counts(engine) == before


def test_too_long_is_refused(slack: SlackClient, engine) -> None:
    t = slack.command("/feedback", "x" * 3001).text()
    assert "at most 3000 characters" in t
    assert rows(engine, Feedback) == []


# ---- listing and privacy ---------------------------------------------------------------------------

def _three_items(slack: SlackClient) -> None:
    slack.command("/feedback", "client Open praise for the team", user="UMEMBER").text()
    slack.command("/feedback", "private Secret worry about the budget", user="UMEMBER").text()
    slack.command("/feedback", "anon private Nobody knows I said this", user="UMEMBER2").text()


def test_private_feedback_is_seen_by_managers_and_its_author_only(slack: SlackClient) -> None:
    _three_items(slack)
    author = slack.command("/feedback", "list", user="UMEMBER").text()
    assert "Open praise" in author and "Secret worry" in author and "Nobody knows" not in author
    other = slack.command("/feedback", "list", user="UMEMBER2").text()
    assert "Open praise" in other and "Secret worry" not in other
    assert "Nobody knows" not in other  # anonymous and private: even its author is no longer known
    for manager in ("UMGR", "UADMIN", "UOWNER"):
        t = slack.command("/feedback", "list", user=manager).text()
        assert all(x in t for x in ("Open praise", "Secret worry", "Nobody knows")), manager
    guest = slack.command("/feedback", "list", user="UGUEST").text()
    assert "Secret worry" not in guest


def test_list_by_project(slack: SlackClient, engine) -> None:
    seed_project(engine, "Apollo")
    slack.command("/feedback", "project=Apollo On Apollo").text()
    slack.command("/feedback", "Elsewhere").text()
    t = slack.command("/feedback", "list project=APOLLO").text()
    assert "On Apollo" in t and "Elsewhere" not in t
    assert "No feedback on Apollo" not in t


def test_list_pages(slack: SlackClient, engine) -> None:
    for n in range(25):
        slack.command("/feedback", f"Item number {n}").text()
    first = slack.command("/feedback", "list").messages()[0]
    check_limits(first)
    assert "page 1 of 2" in all_text(first)
    second = slack.click(first, "feedback_page_next", user="UMEMBER").messages()[0]
    assert "page 2 of 2" in all_text(second) and second.get("replace_original") in (True, "true")
    assert "F-1 " in all_text(second) or "*F-1*" in all_text(second)
    assert "page 2 of 2" in slack.command("/feedback", "list page=2").text()


def test_list_when_empty(slack: SlackClient) -> None:
    assert "No feedback" in slack.command("/feedback", "list").text()


# ---- closing the loop -------------------------------------------------------------------------------

def test_act_tells_the_author_by_dm(slack: SlackClient, stub, engine) -> None:
    slack.command("/feedback", "client The weekly report is confusing", user="UMEMBER").text()
    t = slack.command("/feedback", "act F-1 Rewrote the report template", user="UMGR").text()
    assert "Closed the loop on *F-1*" in t and "<@UMEMBER>" in t
    dm = stub.wait_for("chat.postMessage", channel="UMEMBER")
    assert len(dm) == 1 and "Rewrote the report template" in all_text(dm[0]) and "F-1" in all_text(dm[0])
    item = one(engine, Feedback)
    assert (item.acted_by, item.action_text) == ("UMGR", "Rewrote the report template") and item.acted_at
    assert "already acted on" in slack.command("/feedback", "act F-1 Again", user="UMGR").text()
    assert "Acted by <@UMGR>" in slack.command("/feedback", "list").text()


def test_only_managers_act(slack: SlackClient, stub, engine) -> None:
    slack.command("/feedback", "The weekly report is confusing", user="UMEMBER").text()
    for user in ("UMEMBER", "UMEMBER2", "UGUEST"):
        t = slack.command("/feedback", "act F-1 I fixed it myself", user=user).text()
        assert "Sorry, only managers" in t or (user == "UGUEST" and "Sorry, guest accounts" in t)
    assert one(engine, Feedback).acted_at is None
    assert "Closed the loop" in slack.command("/feedback", "act F-1 Fixed", user="UADMIN").text()


def test_act_unknown_and_empty(slack: SlackClient) -> None:
    assert "no feedback F-9" in slack.command("/feedback", "act F-9 Did it", user="UMGR").text()
    slack.command("/feedback", "Something").text()
    assert "Say what was done" in slack.command("/feedback", "act F-1", user="UMGR").text()


def test_acting_on_anonymous_feedback_tells_nobody(slack: SlackClient, stub) -> None:
    slack.command("/feedback", "anon The manager talks over people", user="UMEMBER2").text()
    t = slack.command("/feedback", "act F-1 Started round-robin meetings", user="UMGR").text()
    assert "Closed the loop" in t and "I've told" not in t
    slack.command("/feedback", "list", user="UMGR").text()
    assert stub.find("chat.postMessage") == []


def test_a_failed_dm_is_told_to_the_manager(slack: SlackClient, stub, engine) -> None:
    slack.command("/feedback", "The report is confusing", user="UMEMBER").text()
    stub.fail("chat.postMessage", error="user_not_found")
    r = slack.command("/feedback", "act F-1 Rewrote it", user="UMGR")
    answers = r.messages()
    assert "Closed the loop" in all_text(answers[0])
    assert one(engine, Feedback).acted_at is not None


# ---- anonymity --------------------------------------------------------------------------------------

@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The bot's own logging set-up at LOG_LEVEL=DEBUG (as `python -m bot` makes it), captured.
    Listed before `slack` so that the app is built under it, as in the real process."""
    root = logging.getLogger()
    names = ("slack_bolt", "slack_sdk", "apscheduler", "alembic")
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in names})
    setup_logging("DEBUG", [])
    caplog.handler.setLevel(logging.DEBUG)
    root.addHandler(caplog.handler)
    logging.getLogger("bot.probe").debug("capture works")
    assert [r.getMessage() for r in caplog.records] == ["capture works"]
    yield caplog
    root.handlers[:], root.level = saved[0], saved[1]
    for n, level in saved[2].items():
        logging.getLogger(n).setLevel(level)


def test_slack_libraries_never_log_at_debug(debug_logs, slack: SlackClient) -> None:
    """Their DEBUG lines carry request and response bodies, so they stay at INFO at any LOG_LEVEL."""
    slack.command("/feedback", "anon hello", user="UMEMBER2").text()
    slack.command("/risk", "list", user="UMEMBER2").text()
    assert [r.name for r in debug_logs.records
            if r.name.startswith(("slack_bolt", "slack_sdk")) and r.levelno < logging.INFO] == []


def logged(caplog: pytest.LogCaptureFixture, needle: str) -> list[str]:
    out = []
    for rec in caplog.records:
        line = rec.getMessage() + (logging.Formatter().formatException(rec.exc_info) if rec.exc_info else "")
        if needle in line:
            out.append(f"{rec.name}: {line[:300]}")
    return out


def test_anonymous_quick_feedback_leaves_no_trace_of_the_author(debug_logs, slack: SlackClient, engine, stub) -> None:
    seed_project(engine, "Apollo")
    r = slack.command("/feedback", "anon private client project=Apollo The client is unhappy with UMGR",
                      user="UMEMBER2")
    t = r.text()
    assert "F-1" in t and "not stored" in t
    item = one(engine, Feedback)
    assert item.is_anonymous and item.author_id is None
    assert cells_holding(engine, "UMEMBER2") == []
    assert logged(debug_logs, "UMEMBER2") == []
    assert not stub.find("users.info", user="UMEMBER2")  # not even looked up
    assert "anonymous" in slack.command("/feedback", "list", user="UMGR").text()
    assert "UMEMBER2" not in slack.command("/feedback", "list", user="UMGR").text()


def test_anonymous_modal_feedback_leaves_no_trace_of_the_author(debug_logs, slack: SlackClient, engine, stub) -> None:
    pid = seed_project(engine, "Apollo")
    slack.command("/feedback", "", user="UMEMBER2")
    view = stub.wait_for("views.open")[0]["view"]
    sub = slack.submit(view, {"source": select_value("client"), "project": select_value(str(pid)),
                              "sentiment": select_value("negative"), "text": text_value("Too many meetings"),
                              "options": checkboxes_value("anonymous")}, user="UMEMBER2")
    assert sub.status == 200
    note = stub.wait_for("chat.postEphemeral", user="UMEMBER2")
    assert note and "F-1" in all_text(note[0])
    item = one(engine, Feedback)
    assert (item.is_anonymous, item.author_id, item.sentiment, item.project_id) == (True, None, "negative", pid)
    assert cells_holding(engine, "UMEMBER2") == []
    assert logged(debug_logs, "UMEMBER2") == []


# ---- the modal ----------------------------------------------------------------------------------------

def test_modal_opens_with_the_projects(slack: SlackClient, stub, engine) -> None:
    seed_project(engine, "Gemini")
    seed_project(engine, "Apollo")
    r = slack.command("/feedback", "", user="UMEMBER")
    assert r.status == 200 and r.seconds < 3
    call = stub.wait_for("views.open")[0]
    view = call["view"]
    assert call["trigger_id"] and view["callback_id"] == "feedback_modal"
    assert [b["block_id"] for b in view["blocks"]] == ["source", "project", "sentiment", "text", "options"]
    assert [o["text"]["text"] for o in view["blocks"][1]["element"]["options"]] == ["Apollo", "Gemini"]


def test_modal_submit_records_feedback(slack: SlackClient, stub, engine) -> None:
    slack.command("/feedback", "", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    sub = slack.submit(view, {"source": select_value("team"), "text": text_value("Stand-ups run long"),
                              "options": checkboxes_value("private")}, user="UMEMBER")
    assert sub.status == 200
    stub.wait_for("chat.postEphemeral", user="UMEMBER")
    item = one(engine, Feedback)
    assert (item.source, item.is_private, item.is_anonymous, item.author_id, item.text) == (
        "team", True, False, "UMEMBER", "Stand-ups run long")
    assert re.search(r"F-1\b", slack.command("/feedback", "list", user="UMEMBER").text())
