"""/risk end to end: signed requests in, the Web API stand-in records what goes out."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlmodel import Session, select

from storage.models import Project, Risk, RiskEvent
from tests.handlers.slack.e2e import check_limits, one, rows, seed_project, seed_risks, table_counts, wait_responses
from tests.slack_requests import SlackClient, all_text, find_element
from tests.slack_stub import TEAM

FAR_YEAR = date.today().year + 2  # within the ten years ahead a date may be


def test_add_shows_id_score_and_band(slack: SlackClient, engine) -> None:
    slack.command("/project", "new Apollo client=Acme", user="UMGR").text()
    r = slack.command("/risk", "add Vendor may slip p=3 i=4 project=apollo", user="UMEMBER")
    assert r.status == 200 and r.seconds < 3
    t = r.text()
    assert "R-1" in t and "12" in t and "High" in t
    with Session(engine) as s:
        risk = s.exec(select(Risk)).one()
        assert (risk.title, risk.probability, risk.impact, risk.score, risk.created_by) == (
            "Vendor may slip", 3, 4, 12, "UMEMBER")
        assert s.exec(select(RiskEvent)).one().action == "created"


def test_list_orders_by_score(slack: SlackClient) -> None:
    slack.command("/risk", "add Low one p=1 i=2").text()
    slack.command("/risk", "add Critical one p=5 i=5").text()
    slack.command("/risk", "add Medium one p=2 i=3").text()
    t = slack.command("/risk", "list").text()
    assert t.index("Critical one") < t.index("Medium one") < t.index("Low one")


def test_bad_probability_writes_nothing(slack: SlackClient, engine) -> None:
    r = slack.command("/risk", "add Out of range p=7 i=1")
    assert r.status == 200
    assert "from 1 to 5" in r.text() and "Usage" in r.text()
    with Session(engine) as s:
        assert s.exec(select(Risk)).all() == []


def test_forged_signature_is_refused(slack: SlackClient, engine) -> None:
    status, _, _ = slack.post(b"command=%2Frisk&text=add+x&user_id=U1&team_id=T0ACME", sig="v0=" + "0" * 64)
    assert status == 401
    with Session(engine) as s:
        assert s.exec(select(Risk)).all() == []


def test_modal_open_and_submit(slack: SlackClient, stub, engine) -> None:
    from tests.slack_requests import select_value, text_value

    r = slack.command("/risk", "", user="UMEMBER")
    assert r.status == 200
    view = stub.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == "risk_modal"
    sub = slack.submit(view, {"title": text_value("Key engineer leaves"), "probability": select_value("4"),
                              "impact": select_value("5")}, user="UMEMBER")
    assert sub.status == 200
    note = stub.wait_for("chat.postEphemeral")
    assert note and re.search(r"R-1\b", str(note[0])) and "Critical" in str(note[0])
    with Session(engine) as s:
        assert s.exec(select(Risk)).one().score == 20


# ---- add -----------------------------------------------------------------------------------------

def _project(slack: SlackClient, name: str = "Apollo", channel: str | None = None) -> None:
    extra = f" channel=<#{channel}|{name.lower()}>" if channel else ""
    assert "Created project" in slack.command("/project", f"new {name}{extra}", user="UMGR").text()


def test_add_with_every_option(slack: SlackClient, engine) -> None:
    _project(slack)
    r = slack.command("/risk", 'add Vendor may slip p=2 i=5 owner=<@UMEMBER2|nina> project="APOLLO" '
                      f'review={FAR_YEAR}-03-31 description="Single supplier" mitigation="Second source" '
                      'contingency="Delay launch"', user="UMEMBER")
    t = r.text()
    assert r.status == 200 and r.seconds < 3
    assert "R-1" in t and "10" in t and "High" in t and "<@UMEMBER2>" in t and "Apollo" in t
    assert f"{FAR_YEAR}-03-31" in t
    risk = one(engine, Risk)
    project = one(engine, Project)
    assert (risk.title, risk.probability, risk.impact, risk.score, risk.owner_id, risk.project_id,
            risk.review_date, risk.description, risk.mitigation, risk.contingency, risk.status,
            risk.team_id) == ("Vendor may slip", 2, 5, 10, "UMEMBER2", project.id, date(FAR_YEAR, 3, 31),
                              "Single supplier", "Second source", "Delay launch", "open", TEAM)


def test_add_options_anywhere_and_defaults_assumed(slack: SlackClient, engine) -> None:
    t = slack.command("/risk", "add p=4 Budget may overrun").text()
    assert "R-1" in t and "i=3" in t  # the missing impact is assumed and said so
    risk = one(engine, Risk)
    assert (risk.title, risk.probability, risk.impact, risk.score) == ("Budget may overrun", 4, 3, 12)


def test_ids_count_up_per_workspace(slack: SlackClient) -> None:
    for n in (1, 2, 3):
        assert f"R-{n}" in slack.command("/risk", f"add Risk number {n}").text()


# ---- list ----------------------------------------------------------------------------------------

def test_list_by_project_and_all(slack: SlackClient) -> None:
    _project(slack, "Apollo")
    _project(slack, "Gemini")
    slack.command("/risk", "add Apollo risk p=2 i=2 project=apollo").text()
    slack.command("/risk", "add Gemini risk p=3 i=3 project=gemini").text()
    slack.command("/risk", "add Closed Apollo risk p=5 i=5 project=apollo").text()
    slack.command("/risk", "close R-3 done").text()
    t = slack.command("/risk", "list project=Apollo").text()
    assert "Apollo risk" in t and "Gemini risk" not in t and "Closed Apollo risk" not in t
    t = slack.command("/risk", "list project=apollo all").text()
    assert "Apollo risk" in t and "Closed Apollo risk" in t and "Gemini risk" not in t
    t = slack.command("/risk", "list all").text()
    assert all(x in t for x in ("Apollo risk", "Gemini risk", "Closed Apollo risk"))
    t = slack.command("/risk", "list").text()
    assert "Closed Apollo risk" not in t


def test_list_page_option(slack: SlackClient, engine) -> None:
    seed_risks(engine, 45)
    t1 = slack.command("/risk", "list").text()
    t3 = slack.command("/risk", "list page=3").text()
    assert "page 1 of 3" in t1 and "page 3 of 3" in t3
    shown1 = set(re.findall(r"R-\d+", t1))
    shown3 = set(re.findall(r"R-\d+", t3))
    assert len(shown1) == 20 and len(shown3) == 5 and not shown1 & shown3
    assert "page 3 of 3" in slack.command("/risk", "list page=99").text()  # past the end: the last page


def test_list_when_empty_says_so(slack: SlackClient) -> None:
    t = slack.command("/risk", "list").text()
    assert "No open risks" in t and "/risk add" in t


# ---- show, update, close -------------------------------------------------------------------------

def test_show_has_details_and_history(slack: SlackClient) -> None:
    slack.command("/risk", 'add Key engineer leaves p=2 i=4 mitigation="Pair on everything"',
                  user="UMEMBER").text()
    slack.command("/risk", "update R-1 p=4", user="UMEMBER").text()
    slack.command("/risk", "close R-1 Hired a second engineer", user="UMGR").text()
    t = slack.command("/risk", "show r-1", user="UMEMBER2").text()
    assert "R-1 Key engineer leaves" in t and "Pair on everything" in t and "closed" in t
    assert "logged it" in t and "probability 2 → 4" in t and "Hired a second engineer" in t
    assert t.count("<@UMEMBER>") >= 2 and "<@UMGR>" in t
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", t)


def test_show_unknown_id(slack: SlackClient) -> None:
    t = slack.command("/risk", "show R-42").text()
    assert "no risk R-42" in t


@pytest.mark.parametrize(("option", "column", "expected", "label"), [
    ("p=5", "probability", 5, "probability"),
    ("i=1", "impact", 1, "impact"),
    ("owner=<@UMEMBER2|nina>", "owner_id", "UMEMBER2", "owner"),
    ("status=mitigating", "status", "mitigating", "status"),
    (f"review={FAR_YEAR}-12-01", "review_date", date(FAR_YEAR, 12, 1), "review"),
    ('mitigation="Weekly vendor call"', "mitigation", "Weekly vendor call", "mitigation"),
    ('contingency="Use the backup vendor"', "contingency", "Use the backup vendor", "contingency"),
    ('description="Only one vendor"', "description", "Only one vendor", "description"),
    ('title="Vendor will slip"', "title", "Vendor will slip", "title"),
    ("project=gemini", "project_id", "GEMINI", "project_id"),
])
def test_update_each_field(slack: SlackClient, engine, option: str, column: str, expected, label: str) -> None:
    _project(slack, "Gemini")
    gemini = one(engine, Project).id
    slack.command("/risk", "add Vendor may slip p=3 i=3", user="UMEMBER").text()
    t = slack.command("/risk", f"update R-1 {option}", user="UMEMBER").text()
    assert "Updated" in t and "R-1" in t and label in t
    risk = one(engine, Risk)
    assert getattr(risk, column) == (gemini if expected == "GEMINI" else expected)
    assert risk.score == risk.probability * risk.impact
    events = rows(engine, RiskEvent)
    assert [e.action for e in events] == ["created", "updated"]
    changed = json.loads(events[1].changes)
    assert list(changed) == [label] and events[1].actor_id == "UMEMBER"


def test_update_to_closed_status_closes(slack: SlackClient, engine) -> None:
    slack.command("/risk", "add Vendor may slip").text()
    slack.command("/risk", "update R-1 status=closed").text()
    risk = one(engine, Risk)
    assert risk.status == "closed" and risk.closed_at is not None
    assert rows(engine, RiskEvent)[-1].action == "closed"


def test_update_nothing_different_is_refused(slack: SlackClient, engine) -> None:
    slack.command("/risk", "add Vendor may slip p=3").text()
    t = slack.command("/risk", "update R-1 p=3").text()
    assert "Nothing to change" in t
    assert len(rows(engine, RiskEvent)) == 1


def test_close_with_note(slack: SlackClient, engine) -> None:
    slack.command("/risk", "add Vendor may slip p=4 i=4", user="UMEMBER").text()
    t = slack.command("/risk", "close R-1 Vendor delivered early", user="UMEMBER").text()
    assert "Closed" in t and "R-1" in t and "Vendor delivered early" in t
    risk = one(engine, Risk)
    assert risk.status == "closed" and risk.closed_at is not None
    ev = rows(engine, RiskEvent)[-1]
    assert (ev.action, ev.note, ev.actor_id) == ("closed", "Vendor delivered early", "UMEMBER")
    assert "already closed" in slack.command("/risk", "close R-1").text()
    assert "Vendor may slip" not in slack.command("/risk", "list").text()


@pytest.mark.parametrize("word", ["help", "HELP", "?", "--help"])
def test_help(slack: SlackClient, word: str) -> None:
    r = slack.command("/risk", word)
    assert r.status == 200
    t = r.text()
    assert "Usage of /risk" in t and "/risk add" in t and "/risk list" in t and "/risk close" in t


# ---- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "says"), [
    ("frobnicate R-1", "don't know `/risk frobnicate`"),
    ("add", "needs a title"),
    ("add Slip p=0", "from 1 to 5"),
    ("add Slip i=six", "from 1 to 5"),
    ("add Slip colour=red", "don't know the option `colour=`"),
    ("add Slip p=2 p=3", "given twice"),
    ("add Slip owner=bob", "mentioned with @"),
    ("add Slip review=31/12/2099", "YYYY-MM-DD"),
    ("add Slip review=2099-02-30", "YYYY-MM-DD"),
    ("add Slip review=2001-01-01", "in the past"),
    ("add Slip status=open", "does not take `status=`"),
    ("add Slip project=", "needs a project name"),
    ("list everything", "takes only"),
    ("list page=0", "from 1 to"),
    ("list status=open", "does not take `status=`"),
    ("show", "Which risk"),
    ("show banana", "not an id like R-12"),
    ("show R-1 R-2", "takes one id"),
    ("update R-1", "What should change"),
    ("update R-1 p=9", "from 1 to 5"),
    ("update R-1 status=done", "must be one of"),
    ("update R-1 more words", "Put changes as options"),
    ("close", "Which risk"),
    ("close R-1 p=2", "does not take"),
])
def test_bad_input_gets_usage_and_writes_nothing(slack: SlackClient, engine, text: str, says: str) -> None:
    slack.command("/risk", "add Existing risk p=2 i=2").text()
    before = table_counts(engine)
    r = slack.command("/risk", text)
    assert r.status == 200 and r.seconds < 3
    t = r.text()
    assert says in t, t
    assert "Usage of /risk" in t or "R-" in says
    assert table_counts(engine) == before
    assert one(engine, Risk).probability == 2


def test_title_too_long_is_refused(slack: SlackClient, engine) -> None:
    t = slack.command("/risk", "add " + "x" * 300).text()
    assert "at most 200 characters" in t
    assert rows(engine, Risk) == []


def test_quotes_and_escapes_as_slack_sends_them(slack: SlackClient, engine) -> None:
    slack.command("/risk", "add Client says &lt;no&gt; &amp; walks p=2 i=2 mitigation=“call them weekly”").text()
    risk = one(engine, Risk)
    assert (risk.title, risk.mitigation) == ("Client says <no> & walks", "call them weekly")
    listed = slack.command("/risk", "list").messages()[0]
    assert "Client says &lt;no&gt; &amp; walks" in listed["blocks"][2]["text"]["text"]  # escaped for mrkdwn


# ---- announcing --------------------------------------------------------------------------------------

def test_high_risk_is_announced_in_the_project_channel_low_is_not(slack: SlackClient, stub) -> None:
    _project(slack, "Apollo", channel="CAPOLLO")
    slack.command("/risk", "add Small thing p=1 i=2 project=Apollo").text()
    t = slack.command("/risk", "add Big thing p=4 i=4 project=Apollo").text()
    assert "R-2" in t and "Critical" in t
    posts = stub.wait_for("chat.postMessage", channel="CAPOLLO")
    assert len(posts) == 1
    assert "Big thing" in all_text(posts[0]) and "Critical" in all_text(posts[0])
    check_limits(posts[0])
    assert not any("Small thing" in all_text(p) for p in stub.find("chat.postMessage"))


def test_risk_on_a_project_without_channel_is_not_announced(slack: SlackClient, stub) -> None:
    _project(slack, "Apollo")
    slack.command("/risk", "add Big thing p=5 i=5 project=Apollo").text()
    slack.command("/risk", "list").text()
    assert stub.find("chat.postMessage") == []


def test_raised_to_high_is_announced(slack: SlackClient, stub) -> None:
    _project(slack, "Apollo", channel="CAPOLLO")
    slack.command("/risk", "add Creeping thing p=2 i=2 project=Apollo").text()
    slack.command("/risk", "update R-1 p=4 i=4").text()
    posts = stub.wait_for("chat.postMessage", channel="CAPOLLO")
    assert len(posts) == 1 and "Creeping thing" in all_text(posts[0]) and "raised" in all_text(posts[0])


def test_failed_announcement_is_told_to_the_requester(slack: SlackClient, stub, engine) -> None:
    _project(slack, "Apollo", channel="CAPOLLO")
    stub.fail("chat.postMessage", error="not_in_channel")
    r = slack.command("/risk", "add Big thing p=4 i=4 project=Apollo")
    answers = wait_responses(stub, r.rid, 2)
    assert len(answers) == 2
    assert "R-1" in all_text(answers[0])
    assert "couldn't announce" in all_text(answers[1]) and "<#CAPOLLO>" in all_text(answers[1])
    assert "/invite" in all_text(answers[1])
    assert one(engine, Risk).title == "Big thing"  # the risk itself is kept


# ---- permissions ---------------------------------------------------------------------------------------

def test_member_who_is_neither_owner_nor_creator_cannot_change(slack: SlackClient, engine) -> None:
    slack.command("/risk", "add Vendor may slip p=2 i=2 owner=<@UOWNER|olga>", user="UMEMBER").text()
    before = table_counts(engine)
    for text in ("update R-1 p=5", "close R-1 not mine"):
        t = slack.command("/risk", text, user="UMEMBER2").text()
        assert "Sorry, only the owner of R-1" in t
    assert table_counts(engine) == before
    risk = one(engine, Risk)
    assert (risk.probability, risk.status) == (2, "open")


def test_owner_creator_and_managers_may_change(slack: SlackClient, engine) -> None:
    slack.command("/risk", "add Vendor may slip p=2 i=2 owner=<@UMEMBER2|nina>", user="UMEMBER").text()
    assert "Updated" in slack.command("/risk", "update R-1 p=3", user="UMEMBER").text()  # creator
    assert "Updated" in slack.command("/risk", "update R-1 p=4", user="UMEMBER2").text()  # owner
    assert "Updated" in slack.command("/risk", "update R-1 i=3", user="UMGR").text()  # BOT_MANAGERS
    assert "Updated" in slack.command("/risk", "update R-1 i=4", user="UADMIN").text()  # workspace admin
    assert "Closed" in slack.command("/risk", "close R-1 done", user="UOWNER").text()  # workspace owner
    assert [e.actor_id for e in rows(engine, RiskEvent)] == ["UMEMBER", "UMEMBER", "UMEMBER2", "UMGR", "UADMIN",
                                                             "UOWNER"]


def test_guest_cannot_change_others_risks(slack: SlackClient, engine) -> None:
    slack.command("/risk", "add Vendor may slip p=2 i=2", user="UMEMBER").text()
    assert "Sorry" in slack.command("/risk", "close R-1", user="UGUEST").text()
    assert one(engine, Risk).status == "open"


# ---- paging ---------------------------------------------------------------------------------------------

def test_next_button_redraws_the_next_page_in_place(slack: SlackClient, engine, stub) -> None:
    seed_risks(engine, 45)
    first = slack.command("/risk", "list").messages()[0]
    check_limits(first)
    assert "page 1 of 3" in all_text(first)
    assert not any(e.get("action_id", "").endswith("_prev") for b in first["blocks"] for e in b.get("elements", [])
                   if b["type"] == "actions")
    click = slack.click(first, r"risk_page_next", user="UMEMBER")
    assert click.status == 200 and click.seconds < 3
    second = click.messages()[0]
    assert second.get("replace_original") in (True, "true")
    check_limits(second)
    assert "page 2 of 3" in all_text(second)
    ids1 = set(re.findall(r"R-\d+", all_text(first)))
    ids2 = set(re.findall(r"R-\d+", all_text(second)))
    assert len(ids2) == 20 and not ids1 & ids2
    third = slack.click(second, r"risk_page_next", user="UMEMBER").messages()[0]
    assert "page 3 of 3" in all_text(third)
    with pytest.raises(AssertionError):
        find_element(third["blocks"], r"risk_page_next")  # no Next on the last page
    back = slack.click(third, r"risk_page_prev", user="UMEMBER").messages()[0]
    assert set(re.findall(r"R-\d+", all_text(back))) == ids2


def test_paging_keeps_the_project_and_all(slack: SlackClient, engine) -> None:
    pid = seed_project(engine, "Apollo")
    seed_risks(engine, 30, project_id=pid, closed_every=2)
    first = slack.command("/risk", "list project=apollo all").messages()[0]
    assert "page 1 of 2" in all_text(first) and "Risks on Apollo (30)" in all_text(first)
    second = slack.click(first, r"risk_page_next", user="UMEMBER").messages()[0]
    assert "page 2 of 2" in all_text(second) and "Risks on Apollo (30)" in all_text(second)


def test_a_register_of_thousands_stays_within_block_kit_limits(slack: SlackClient, engine) -> None:
    seed_risks(engine, 3000, title="A long risk title that goes on " + "and on " * 23 + "{n}", closed_every=7)
    r = slack.command("/risk", "list all")
    assert r.seconds < 3
    first = r.messages()[0]
    check_limits(first)
    assert "page 1 of 150" in all_text(first)
    last = slack.command("/risk", "list all page=150").messages()[0]
    check_limits(last)
    assert "page 150 of 150" in all_text(last)
    nxt = slack.click(first, r"risk_page_next", user="UMEMBER").messages()[0]
    check_limits(nxt)
    assert "page 2 of 150" in all_text(nxt)
    t = slack.command("/risk", "add One more p=1 i=1").text()
    assert "R-3001" in t


# ---- the modal -------------------------------------------------------------------------------------------

def test_modal_carries_the_projects_and_every_field(slack: SlackClient, stub, engine) -> None:
    seed_project(engine, "Apollo")
    seed_project(engine, "Gemini")
    slack.command("/risk", "   ", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    assert stub.find("views.open")[0]["trigger_id"]
    block_ids = [b["block_id"] for b in view["blocks"]]
    assert block_ids == ["title", "description", "project", "probability", "impact", "owner", "mitigation",
                         "contingency", "review"]
    project_block = view["blocks"][2]
    assert [o["text"]["text"] for o in project_block["element"]["options"]] == ["Apollo", "Gemini"]


def test_modal_submit_with_every_field(slack: SlackClient, stub, engine) -> None:
    from tests.slack_requests import date_value, select_value, text_value, user_value

    pid = seed_project(engine, "Apollo", channel="CAPOLLO")
    slack.command("/risk", "", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    sub = slack.submit(view, {
        "title": text_value("Key engineer leaves"), "description": text_value("Only one knows the system"),
        "project": select_value(str(pid)), "probability": select_value("3"), "impact": select_value("4"),
        "owner": user_value("UMEMBER2"), "mitigation": text_value("Pairing"), "contingency": text_value("Hire"),
        "review": date_value(f"{FAR_YEAR}-05-01")}, user="UMEMBER")
    assert sub.status == 200 and sub.body.strip() in ("", "{}")
    note = stub.wait_for("chat.postEphemeral", user="UMEMBER")
    assert "R-1" in all_text(note[0]) and note[0]["channel"] == "CSALES"
    announced = stub.wait_for("chat.postMessage", channel="CAPOLLO")
    assert "Key engineer leaves" in all_text(announced[0])
    risk = one(engine, Risk)
    assert (risk.project_id, risk.owner_id, risk.review_date, risk.mitigation, risk.contingency, risk.score) == (
        pid, "UMEMBER2", date(FAR_YEAR, 5, 1), "Pairing", "Hire", 12)


def test_tampered_page_button_falls_back_safely(slack: SlackClient, engine) -> None:
    seed_risks(engine, 45)
    first = slack.command("/risk", "list").messages()[0]
    for value, page in (("not json", "page 1 of 3"), ('{"page": 999999}', "page 3 of 3"),
                        ('{"page": -4, "a": "yes"}', "page 1 of 3"), ("[1, 2]", "page 1 of 3")):
        answer = slack.click(first, "risk_page_next", user="UMEMBER", value=value).messages()[0]
        assert page in all_text(answer), value
    pid = seed_project(engine, "Elsewhere", team="T0OTHER")
    answer = slack.click(first, "risk_page_next", user="UMEMBER", value=json.dumps({"p": pid, "page": 2}))
    assert "no longer exists" in answer.text()


def test_concurrent_adds_get_distinct_ids_and_quick_acks(slack: SlackClient, engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda n: slack.command("/risk", f"add Parallel risk {n} p=2 i=3",
                                                        user="UMEMBER"), range(16)))
    assert all(r.status == 200 and r.seconds < 3 for r in replies)
    texts = [r.text() for r in replies]
    assert all(re.search(r"R-\d+", t) for t in texts), texts
    ids = sorted(int(re.search(r"R-(\d+)", t).group(1)) for t in texts)  # type: ignore[union-attr]
    assert ids == list(range(1, 17))
    assert sorted(r.number for r in rows(engine, Risk)) == ids


def test_slack_ssl_check_is_answered_and_ignored(slack: SlackClient, engine) -> None:
    status, _, _ = slack.post(b"ssl_check=1&token=legacy")
    assert status == 200
    assert rows(engine, Risk) == []


def test_a_review_date_beyond_what_the_bot_plans_for_is_refused(slack: SlackClient, engine) -> None:
    t = slack.command("/risk", "add Vendor may slip review=9999-12-31").text()
    assert "at most 10 years ahead" in t and "Usage" in t
    assert rows(engine, Risk) == []
    assert "R-1" in slack.command("/risk", "add Vendor may slip").text()
    assert "at most 10 years ahead" in slack.command("/risk", "update R-1 review=9999-12-31").text()
    assert one(engine, Risk).review_date != date(9999, 12, 31)
