"""Whatever goes wrong inside, the person gets an answer: never silence, an HTTP error or a traceback."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import make_engine
from storage.models import Risk
from tests.handlers.slack.e2e import rows
from tests.slack_requests import SlackClient, all_text, text_value
from tests.slack_stub import SlackStub
from tests.support.served import ServedBot, make_settings

SORRY = "Sorry, something went wrong on my side"
DB_DOWN = "can't reach my database"


def _boom(**_: object) -> None:
    raise RuntimeError("a bug")


def test_unexpected_error_after_ack_is_apologised_for(slack: SlackClient, monkeypatch, caplog) -> None:
    monkeypatch.setattr("bot.risks.service.list_page", _boom)
    r = slack.command("/risk", "list")
    assert r.status == 200 and r.seconds < 3
    t = r.text()
    assert SORRY in t and "Traceback" not in t and "a bug" not in t
    assert any(rec.levelno == logging.ERROR and rec.exc_info for rec in caplog.records)


def test_an_error_right_after_ack_never_becomes_an_http_error(served: ServedBot, stub: SlackStub) -> None:
    """Raised with no pause after ack(): left to Bolt's asyncio runner, the error would reach its error
    handler within the 10 ms the runner polls for the ack, the ack would be dropped, and Slack would
    get a 404 three seconds later ("dispatch_failed"). `guarded` answers the error itself."""
    from slack_bolt.async_app import AsyncAck

    from handlers.slack.errors import guarded

    async def handle_boom(ack: AsyncAck) -> None:
        await ack()
        raise RuntimeError("a bug")

    served.runtime.app.command("/boom")(guarded(handle_boom))
    slack = SlackClient(served.url, stub)  # type: ignore[attr-defined]
    for _ in range(5):
        r = slack.command("/boom", "", user="UMEMBER")
        assert r.status == 200 and r.seconds < 3
        assert SORRY in r.text()


def test_unexpected_error_before_ack_is_apologised_for(slack: SlackClient, monkeypatch) -> None:
    monkeypatch.setattr("handlers.slack.commands.risk.parse", lambda text: _boom())
    r = slack.command("/risk", "list")
    assert r.status == 200 and r.seconds < 3
    assert SORRY in r.text()


def test_unexpected_error_in_a_write_keeps_nothing(slack: SlackClient, monkeypatch, engine) -> None:
    def half_then_fail(**kwargs: object) -> None:
        from bot.risks import service as risks

        risks.add(**kwargs)  # type: ignore[arg-type]
        raise RuntimeError("after the insert")

    monkeypatch.setattr("bot.risks.service.add", half_then_fail)
    r = slack.command("/risk", "add Half written p=5 i=5")
    assert r.status == 200 and SORRY in r.text()
    assert rows(engine, Risk) == []


def test_unexpected_error_on_a_button_is_apologised_for(slack: SlackClient, monkeypatch, engine) -> None:
    from tests.handlers.slack.e2e import seed_risks

    seed_risks(engine, 25)
    first = slack.command("/risk", "list").messages()[0]
    monkeypatch.setattr("bot.risks.service.list_page", _boom)
    click = slack.click(first, "risk_page_next", user="UMEMBER")
    assert click.status == 200 and click.seconds < 3
    answer = click.messages()[0]
    assert SORRY in all_text(answer) and answer.get("replace_original") in (False, "false", None)


def test_unexpected_error_on_a_modal_submit_before_ack_keeps_the_form(slack: SlackClient, stub, monkeypatch) -> None:
    slack.command("/risk", "")
    view = stub.wait_for("views.open")[0]["view"]
    monkeypatch.setattr("handlers.slack.views.risk.parse_form", lambda *a: _boom())
    sub = slack.submit(view, {"title": text_value("A risk")}, user="UMEMBER")
    assert sub.status == 200 and sub.seconds < 3
    body = sub.json()
    # pushed on top of the form, so closing the apology returns to what was typed
    assert body["response_action"] == "push" and SORRY in all_text(body["view"])


def test_unexpected_error_on_a_modal_submit_after_ack_is_sent_by_dm(slack: SlackClient, stub, monkeypatch) -> None:
    slack.command("/risk", "", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    monkeypatch.setattr("bot.risks.service.add", _boom)
    sub = slack.submit(view, {"title": text_value("A risk")}, user="UMEMBER")
    assert sub.status == 200 and sub.seconds < 3
    dm = stub.wait_for("chat.postMessage", channel="UMEMBER")
    assert dm and SORRY in all_text(dm[0])


# ---- the database unreachable --------------------------------------------------------------------

@pytest.fixture
def down_pg(stub: SlackStub, sqlite_url: str) -> Iterator[SlackClient]:
    """A running bot whose database server then stops answering (nothing listens on port 1)."""
    bot = ServedBot(make_settings(sqlite_url, stub.api_url))
    url = bot.start()
    dead = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    deps = bot.runtime.deps
    deps.engine = deps.db.engine = dead
    yield SlackClient(url, stub)
    bot.stop()
    dead.dispose()


@pytest.mark.parametrize(("command", "text"), [
    ("/risk", "list"), ("/risk", "add Lost risk p=2 i=2"), ("/risk", ""), ("/risk", "show R-1"),
    ("/feedback", "The client is happy"), ("/feedback", ""), ("/feedback", "list"),
    ("/project", "list"), ("/project", "new Apollo"),
])
def test_database_down_gets_a_clear_apology(down_pg: SlackClient, command: str, text: str) -> None:
    r = down_pg.command(command, text, user="UMGR")
    assert r.status == 200 and r.seconds < 3
    t = r.text()
    assert DB_DOWN in t and "Traceback" not in t


def test_database_down_healthz_says_unavailable(down_pg: SlackClient) -> None:
    status, body = down_pg.get("/healthz")
    assert status == 503 and '"database": "down"' in body


def test_sqlite_file_gone_gets_a_clear_apology(stub: SlackStub, tmp_path: Path, sqlite_url: str) -> None:
    folder = tmp_path / "volume"
    folder.mkdir()
    db = folder / "bot.db"
    shutil.copy(sqlite_url.removeprefix("sqlite:///"), db)
    bot = ServedBot(make_settings(f"sqlite:///{db}", stub.api_url))
    slack = SlackClient(bot.start(), stub)
    try:
        assert "R-1" in slack.command("/risk", "add Before p=1 i=1").text()
        shutil.rmtree(folder)  # the volume went away
        bot.runtime.deps.engine.dispose()
        r = slack.command("/risk", "add After p=1 i=1")
        assert r.status == 200 and DB_DOWN in r.text()
        assert slack.get("/healthz")[0] == 503
    finally:
        bot.stop()


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("how", ["no response_url", "500", "404", "refused"])
def test_a_failed_answer_after_a_write_comes_by_dm(slack: SlackClient, stub: SlackStub, engine, how: str) -> None:
    extra: dict[str, str] = {}
    if how == "no response_url":
        extra["response_url"] = ""
    elif how == "refused":
        extra["response_url"] = f"http://127.0.0.1:{_closed_port()}/response/x"
    else:
        stub.fail("response", status=int(how))
    r = slack.command("/risk", "add Vendor may slip p=4 i=5", user="UMEMBER", **extra)
    assert r.status == 200
    [dm] = stub.wait_for("chat.postMessage", channel="UMEMBER")
    text = all_text(dm)
    assert "R-1" in text and SORRY not in text and "Nothing was half-saved" not in text
    assert len(rows(engine, Risk)) == 1


def test_an_apology_whose_response_url_fails_comes_by_dm(slack: SlackClient, stub: SlackStub, monkeypatch) -> None:
    monkeypatch.setattr("bot.risks.service.list_page", _boom)
    stub.fail("response", status=500)
    assert slack.command("/risk", "list", user="UMEMBER").status == 200
    [dm] = stub.wait_for("chat.postMessage", channel="UMEMBER")
    assert SORRY in all_text(dm)
