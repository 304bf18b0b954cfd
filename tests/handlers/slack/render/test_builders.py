"""Every builder returns Block Kit that Slack accepts: known block types, within Slack's limits,
and the identifiers (bot/ids.py) the handlers listen for."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.feedback import service as feedback
from bot.feedback import views as fv
from bot.projects import views as pv
from bot.risks import service as risks
from bot.risks import views as rv
from bot.summaries.views import ProjectHealth
from handlers.slack import ids
from handlers.slack.render import common
from handlers.slack.render import feedback as fui
from handlers.slack.render import projects as pui
from handlers.slack.render import risks as rui
from handlers.slack.render.catalog import render
from storage.models import RiskEvent
from tests.handlers.slack.render.builders import NOW, check_blocks, check_message, check_modal, item, project, risk

LONG = "Long & <risky> *title* " * 20  # entities that grow when escaped, mrkdwn, far past every limit


def block_ids(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b["type"] == "input"]


# ---- common ---------------------------------------------------------------------------------------

def test_truncate_and_safe() -> None:
    assert common.truncate("abc", 3) == "abc" and common.truncate("abcd", 3) == "ab…"
    assert common.safe("a & b <c> <@U1> <#C1> <https://x.io|x>") == \
        "a &amp; b &lt;c&gt; <@U1> <#C1> &lt;https://x.io|x&gt;"  # a typed link is text (tests/bot/ui/test_escaping.py)
    assert common.safe(None) == ""


def test_safe_with_a_limit_never_cuts_an_entity_or_a_mention() -> None:
    assert common.safe("abc", 3) == "abc"
    assert common.safe("&&&", 7) == "&amp;…"
    assert common.safe("ab <@U123> cd", 6) == "ab …"
    assert len(common.safe("<" * 5000, 1200)) <= 1200


def test_plain_message_splits_long_text() -> None:
    msg = check_message(common.plain_message("x" * 10_000))
    assert [len(b["text"]["text"]) for b in msg["blocks"]] == [3000, 3000, 3000, 1000]
    check_message(common.plain_message("x" * 1_000_000))
    assert check_message(common.plain_message(""))["blocks"][0]["text"]["text"].strip() == ""


def test_message_never_exceeds_fifty_blocks() -> None:
    msg = check_message(common.message("t", [common.section(str(n)) for n in range(80)]))
    assert len(msg["blocks"]) == 50


def test_section_and_header_are_cut_to_their_limits() -> None:
    assert len(common.section("x" * 5000)["text"]["text"]) == 3000
    assert len(common.header("x" * 500)["text"]["text"]) == 150
    assert len(common.button("x" * 100, "a", "v" * 3000)["value"]) == 2000


def test_pager() -> None:
    assert common.pager(ids.RISK_PAGE, 1, 1, {}) is None
    first = common.pager(ids.RISK_PAGE, 1, 3, {"p": 2})
    assert [e["action_id"] for e in first["elements"]] == [f"{ids.RISK_PAGE}_next"]
    assert json.loads(first["elements"][0]["value"]) == {"p": 2, "page": 2}
    middle = common.pager(ids.RISK_PAGE, 2, 3, {"p": None})
    assert [json.loads(e["value"])["page"] for e in middle["elements"]] == [1, 3]
    last = common.pager(ids.RISK_PAGE, 3, 3, {})
    assert [e["action_id"] for e in last["elements"]] == [f"{ids.RISK_PAGE}_prev"]
    for nav in (first, middle, last):
        check_blocks([nav], 50)


# ---- risks ----------------------------------------------------------------------------------------

def test_risk_replies() -> None:
    r = risk(p=4, i=5)
    added = check_message(rui.added(r, project(), ["p"]))
    assert "R-1" in added["text"] and "20" in added["text"] and "Critical" in added["text"]
    assert "p=3" in json.dumps(added)
    check_message(rui.added(risk(title=LONG[:200]), None, []))
    check_message(rui.updated(r, {"probability": [2, 4]}))
    check_message(rui.closed(r, "x" * 3000))
    ann = check_message(rui.announcement(r, project(name="A" * 80), "UMEMBER", "New risk"))
    assert "R-1" in ann["text"] and "Critical" in ann["text"]


@pytest.mark.parametrize("p,i,band", [(1, 4, "Low"), (1, 5, "Medium"), (2, 5, "High"), (4, 4, "Critical")])
def test_replies_show_id_score_and_band(p: int, i: int, band: str) -> None:
    text = rui.added(risk(p=p, i=i), None, [])["text"]
    assert "R-1" in text and f"score {p * i} ({band})" in text


def test_risk_list_page_with_long_titles_and_owners_stays_within_limits() -> None:
    rows = [risk(n, title=("T" * 190 + "&<>*_~`") [:200], owner_id="W" + "9" * 30, status="mitigating")
            for n in range(1, risks.PAGE_SIZE + 1)]
    names = {1: "P" * 80}
    msg = check_message(rui.listing(rows, names, total=5000, page=3, pages=250, project=project(name="N" * 80),
                                    include_closed=True))
    assert len(msg["blocks"]) <= 50
    nav = [b for b in msg["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in nav[0]["elements"]] == [f"{ids.RISK_PAGE}_prev", f"{ids.RISK_PAGE}_next"]
    assert json.loads(nav[0]["elements"][1]["value"]) == {"p": 1, "a": True, "page": 4}


def test_risk_list_empty() -> None:
    msg = check_message(rui.listing([], {}, total=0, page=1, pages=1, project=None, include_closed=False))
    assert "list all" in json.dumps(msg)


def test_risk_card_with_500_events_stays_within_limits() -> None:
    r = risk(description=LONG * 10, mitigation=LONG * 10, contingency=LONG * 10, title=LONG[:200])
    events = [RiskEvent(id=1, team_id="T1", risk_id=1, at=NOW, actor_id="UMEMBER", action="created",
                        changes=json.dumps({"title": [None, r.title]}))]
    for n in range(499):
        changes = {"probability": [n % 5 + 1, (n + 1) % 5 + 1], "owner": ["U1", "U2"],
                   "title": [LONG[:200], LONG[:200]], "mitigation": ["a", "b"]}
        events.append(RiskEvent(id=n + 2, team_id="T1", risk_id=1, at=NOW + timedelta(minutes=n),
                                actor_id="UMGR", action="updated", changes=json.dumps(changes),
                                note="n" * 300 if n % 7 == 0 else None))
    msg = check_message(rui.card(r, project(), events))
    history = msg["blocks"][-1]["text"]["text"]
    assert "earlier changes" in history and history.startswith("*History*")
    assert (NOW + timedelta(minutes=498)).strftime("%Y-%m-%d %H:%M") in history  # the newest is shown


def test_risk_card_shows_fields_and_history() -> None:
    events = [RiskEvent(id=1, team_id="T1", risk_id=1, at=NOW, actor_id="UMEMBER", action="created",
                        changes="{}"),
              RiskEvent(id=2, team_id="T1", risk_id=1, at=NOW, actor_id="UMGR", action="updated",
                        changes=json.dumps({"owner": [None, "UOWNER"], "status": ["open", "mitigating"]})),
              RiskEvent(id=3, team_id="T1", risk_id=1, at=NOW, actor_id="UMGR", action="closed",
                        changes=json.dumps({"status": ["mitigating", "closed"]}), note="done &")]
    msg = check_message(rui.card(risk(), project(), events))
    text = json.dumps(msg, ensure_ascii=False)
    assert "R-1 Vendor may slip" in msg["blocks"][0]["text"]["text"]
    for bit in ("4 Likely", "5 Severe", "<@UOWNER>", "Apollo", "2030-02-01", "<@UMEMBER> logged it",
                "owner – → <@UOWNER>", "status open → mitigating", "<@UMGR> closed it", "done &amp;",
                "2030-01-02 03:04 UTC"):
        assert bit in text, bit


def test_history_escapes_typed_text_but_keeps_people_live() -> None:
    ev = RiskEvent(id=1, team_id="T1", risk_id=1, at=NOW, actor_id="UMGR", action="updated",
                   changes=json.dumps({"title": ["a<b", "R&D <!channel>"], "owner": ["U1", "U2"]}))
    history = rui.card(risk(), None, [ev])["blocks"][-1]["text"]["text"]
    assert "a&lt;b" in history and "R&amp;D" in history and "owner <@U1> → <@U2>" in history


def test_each_risk_view_renders_as_its_builder_draws_it() -> None:
    from handlers.slack.render.catalog import render

    r, p = risk(), project()
    ev = RiskEvent(id=1, team_id="T1", risk_id=1, at=NOW, actor_id="UMEMBER", action="created", changes="{}")
    assert render(rv.RiskAdded(r, p, ("p",))) == [rui.added(r, p, ["p"])]
    assert render(rv.RiskAnnouncement(r, p, "UMEMBER", "New risk")) == [rui.announcement(r, p, "UMEMBER", "New risk")]
    assert render(rv.RiskList([r], {1: "Apollo"}, total=1, page=1, pages=1, project=None, include_closed=True)) == [
        rui.listing([r], {1: "Apollo"}, total=1, page=1, pages=1, project=None, include_closed=True)]
    assert render(rv.RiskDetail(r, p, [ev])) == [rui.card(r, p, [ev])]
    assert render(rv.RiskUpdated(r, {"probability": [2, 4]})) == [rui.updated(r, {"probability": [2, 4]})]
    assert render(rv.RiskClosed(r, "done")) == [rui.closed(r, "done")]


def test_risk_modal() -> None:
    projects = [(n, f"Project {n}") for n in range(1, 101)]
    view = check_modal(rui.modal(projects, {"channel": "C1"}, {"title": "x" * 300, "project_id": 7,
                                                                "probability": 5, "owner_id": "U1"}),
                       ids.RISK_MODAL)
    assert block_ids(view) == [ids.B_TITLE, ids.B_DESCRIPTION, ids.B_PROJECT, ids.B_PROBABILITY, ids.B_IMPACT,
                               ids.B_OWNER, ids.B_MITIGATION, ids.B_CONTINGENCY, ids.B_REVIEW]
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert by_id[ids.B_PROJECT]["element"]["initial_option"]["value"] == "7"
    assert by_id[ids.B_PROBABILITY]["element"]["initial_option"]["value"] == "5"
    assert by_id[ids.B_IMPACT]["element"]["initial_option"]["value"] == "3"
    assert by_id[ids.B_OWNER]["element"]["initial_user"] == "U1"
    assert by_id[ids.B_REVIEW]["element"]["type"] == "datepicker"
    assert not by_id[ids.B_TITLE]["optional"] and by_id[ids.B_PROJECT]["optional"]


def test_risk_modal_without_projects_or_with_too_many() -> None:
    assert ids.B_PROJECT not in block_ids(check_modal(rui.modal([], {}), ids.RISK_MODAL))
    many = [(n, "P" * 80 + str(n)) for n in range(1, 102)]
    view = check_modal(rui.modal(many, {}), ids.RISK_MODAL)
    project_block = next(b for b in view["blocks"] if b["block_id"] == ids.B_PROJECT)
    assert project_block["element"]["type"] == "plain_text_input"  # a select holds at most 100


# ---- feedback -------------------------------------------------------------------------------------

def test_feedback_replies() -> None:
    msg = check_message(fui.recorded(item(is_private=True), project(), guessed=True))
    assert msg["text"] == "Recorded F-1" and "private" in json.dumps(msg)
    anon = check_message(fui.recorded(item(is_anonymous=True, author_id=None), None, guessed=False))
    assert "not stored" in json.dumps(anon)
    acted = item(acted_at=NOW, acted_by="UMGR", action_text="y" * 3000)
    check_message(fui.acted(acted))
    notice = check_message(fui.author_notice(item(text="z" * 3000, acted_at=NOW, acted_by="UMGR",
                                                  action_text="&" * 3000)))
    assert "F-1" in notice["text"]


def test_feedback_list_page_stays_within_limits() -> None:
    rows = [item(n, text="&<>" * 1000, is_private=n % 2 == 0, is_anonymous=n % 3 == 0,
                 author_id=None if n % 3 == 0 else "UMEMBER", acted_at=NOW if n % 4 == 0 else None,
                 acted_by="UMGR", action_text="&" * 3000)
            for n in range(1, feedback.PAGE_SIZE + 1)]
    msg = check_message(fui.listing(rows, {1: "P" * 80}, total=999, page=2, pages=50, project=project()))
    text = json.dumps(msg)
    assert "UMEMBER" in text and "anonymous" in text
    check_message(fui.listing([], {}, total=0, page=1, pages=1, project=None))


def test_anonymous_feedback_shows_no_author() -> None:
    line = fui.line(item(is_anonymous=True, author_id=None), None)
    assert "anonymous" in line and "<@" not in line


def test_feedback_modal() -> None:
    view = check_modal(fui.modal([(1, "Apollo")], {"channel": "C1"}), ids.FEEDBACK_MODAL)
    assert block_ids(view) == [ids.B_SOURCE, ids.B_PROJECT, ids.B_SENTIMENT, ids.B_TEXT, ids.B_OPTIONS]
    options = next(b for b in view["blocks"] if b["block_id"] == ids.B_OPTIONS)["element"]["options"]
    assert [o["value"] for o in options] == ["private", "anonymous"]
    assert ids.B_PROJECT not in block_ids(check_modal(fui.modal([], {}), ids.FEEDBACK_MODAL))


# ---- projects -------------------------------------------------------------------------------------

def test_project_replies() -> None:
    check_message(pui.created(project()))
    check_message(pui.created(project(name="N" * 80, client="C" * 200, channel_id=None, deadline=None,
                                      budget=None)))
    health = pv.Health(risks={"Critical": 2, "High": 1, "Medium": 0, "Low": 4},
                       feedback={"total": 3, "positive": 1, "neutral": 1, "negative": 1, "open": 2})
    card = check_message(pui.card(project(), health))
    text = json.dumps(card)
    assert "7: 2 Critical, 1 High, 4 Low" in text and "2 not acted on" in text
    check_message(pui.card(project(), pv.Health(risks={}, feedback={})))
    with_extra = pv.Health(extra=ProjectHealth(scores=None, standups=[], channel_id=None))
    fields = json.dumps(check_message(pui.card(project(), with_extra)))
    assert "*Open risks*\\nnone" in fields and "Stakeholder score" in fields and "Stand-up participation" in fields


def test_feedback_and_project_views_render_as_their_builders() -> None:
    f, p = item(acted_at=NOW, acted_by="UMGR", action_text="Done"), project()
    health = pv.Health()
    assert render(fv.Recorded(f, p, guessed=True)) == [fui.recorded(f, p, True)]
    assert render(fv.FeedbackPage([f], {1: "Apollo"}, total=1, page=1, pages=1, project=None)) == [
        fui.listing([f], {1: "Apollo"}, total=1, page=1, pages=1, project=None)]
    assert render(fv.Acted(f)) == [fui.acted(f)]
    assert render(fv.ActedNotice(f)) == [fui.author_notice(f)]
    assert render(pv.Created(p)) == [pui.created(p)]
    assert render(pv.ProjectList([p])) == [pui.listing([p])]
    assert render(pv.ProjectCard(p, health)) == [pui.card(p, health)]


def test_project_list_with_many_long_names_stays_within_limits() -> None:
    rows = [project(name=f"{n} " + "N" * 77, client="C" * 200, id=n) for n in range(2000)]
    msg = check_message(pui.listing(rows))
    assert "2000 projects" in json.dumps(msg)
    check_message(pui.listing([]))
