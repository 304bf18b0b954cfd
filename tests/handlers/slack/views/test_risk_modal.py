"""The risk modal: opened by `/risk`, submitted with good and bad fields; its fields read (`parse_form`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.risks import grammar as risks
from handlers.slack import ids
from handlers.slack.forms import FormError
from handlers.slack.views.risk import parse_form
from storage.models import Project, Risk
from tests.handlers.slack.e2e import one, rows, seed_project, table_counts
from tests.slack_requests import SlackClient, all_text, date_value, select_value, text_value, user_value
from tests.slack_stub import SlackStub


def open_modal(slack: SlackClient, stub: SlackStub, user: str = "UMEMBER", channel: str = "CSALES") -> dict[str, Any]:
    r = slack.command("/risk", "", user=user, channel=channel)
    assert r.status == 200 and r.seconds < 3 and not r.body.strip()
    return stub.wait_for("views.open")[-1]["view"]


@pytest.mark.parametrize(("values", "errors"), [
    ({"title": text_value("   ")}, {"title"}),
    ({}, {"title"}),
    ({"title": text_value("x" * 201)}, {"title"}),
    ({"title": text_value("Slip"), "probability": select_value("9")}, {"probability"}),
    ({"title": text_value("Slip"), "impact": select_value("zero")}, {"impact"}),
    ({"title": text_value("Slip"), "review": date_value((date.today() - timedelta(days=1)).isoformat())}, {"review"}),
    ({"title": text_value("Slip"), "review": date_value("not-a-date")}, {"review"}),
    ({"title": text_value("Slip"), "owner": user_value("C0CHANNEL")}, {"owner"}),
    ({"title": text_value(""), "probability": select_value("0"), "review": date_value("2001-01-01")},
     {"title", "probability", "review"}),
])
def test_field_errors_are_shown_under_the_fields(slack: SlackClient, stub, engine, values, errors) -> None:
    view = open_modal(slack, stub)
    before = table_counts(engine)
    sub = slack.submit(view, values, user="UMEMBER")
    assert sub.status == 200 and sub.seconds < 3
    body = sub.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == errors
    block_ids = {b["block_id"] for b in view["blocks"]}
    assert set(body["errors"]) <= block_ids and all(body["errors"].values())
    assert table_counts(engine) == before


def test_modal_without_projects_has_no_project_field(slack: SlackClient, stub) -> None:
    view = open_modal(slack, stub)
    assert "project" not in [b["block_id"] for b in view["blocks"]]
    assert view["private_metadata"] and "CSALES" in view["private_metadata"]


def test_modal_with_many_projects_asks_for_a_name(slack: SlackClient, stub, engine) -> None:
    for n in range(101):
        seed_project(engine, f"Project {n:03d}")
    view = open_modal(slack, stub)
    assert len(view["blocks"]) <= 100
    block = next(b for b in view["blocks"] if b["block_id"] == "project")
    assert block["element"]["type"] == "plain_text_input"
    slack.submit(view, {"title": text_value("Slip"), "project": text_value("project 042")}, user="UMEMBER")
    stub.wait_for("chat.postEphemeral", user="UMEMBER")
    assert one(engine, Risk).project_id == one(engine, Project, name="Project 042").id


def test_typed_unknown_project_is_refused_with_the_closest(slack: SlackClient, stub, engine) -> None:
    for n in range(101):
        seed_project(engine, f"Project {n:03d}")
    view = open_modal(slack, stub)
    slack.submit(view, {"title": text_value("Slip"), "project": text_value("Projekt 042")}, user="UMEMBER")
    note = stub.wait_for("chat.postEphemeral", user="UMEMBER")
    assert "no project called *Projekt 042*" in all_text(note[0]) and "Project 042" in all_text(note[0])
    assert rows(engine, Risk) == []


def test_project_deleted_while_the_modal_was_open(slack: SlackClient, stub, engine) -> None:
    from sqlmodel import Session

    pid = seed_project(engine, "Apollo")
    view = open_modal(slack, stub)
    with Session(engine) as s:
        s.delete(s.get(Project, pid))
        s.commit()
    slack.submit(view, {"title": text_value("Slip"), "project": select_value(str(pid))}, user="UMEMBER")
    note = stub.wait_for("chat.postEphemeral", user="UMEMBER")
    assert "no longer exists" in all_text(note[0])
    assert rows(engine, Risk) == []


def test_opened_in_a_dm_the_answer_comes_by_dm(slack: SlackClient, stub, engine) -> None:
    view = open_modal(slack, stub, channel="D0SOMEDM")
    slack.submit(view, {"title": text_value("Slip")}, user="UMEMBER")
    dm = stub.wait_for("chat.postMessage", channel="UMEMBER")
    assert "R-1" in all_text(dm[0])
    assert stub.find("chat.postEphemeral") == []


def test_when_the_ephemeral_fails_the_answer_comes_by_dm(slack: SlackClient, stub, engine) -> None:
    view = open_modal(slack, stub, channel="CPRIVATE")
    stub.fail("chat.postEphemeral", error="channel_not_found")
    slack.submit(view, {"title": text_value("Slip")}, user="UMEMBER")
    dm = stub.wait_for("chat.postMessage", channel="UMEMBER")
    assert "R-1" in all_text(dm[0])


def test_defaults_when_only_the_title_is_given(slack: SlackClient, stub, engine) -> None:
    view = open_modal(slack, stub)
    slack.submit(view, {"title": text_value("Only a title")}, user="UMEMBER")
    stub.wait_for("chat.postEphemeral", user="UMEMBER")
    risk = one(engine, Risk)
    assert (risk.title, risk.probability, risk.impact, risk.created_by, risk.owner_id) == (
        "Only a title", 3, 3, "UMEMBER", None)


def test_views_open_failing_is_told(slack: SlackClient, stub) -> None:
    stub.fail("views.open", error="expired_trigger_id")
    r = slack.command("/risk", "", user="UMEMBER")
    assert r.status == 200
    t = r.text()
    assert t.strip() and ("Sorry" in t or "try again" in t)


TODAY = date(2030, 6, 1)


# ---- the form's fields, read -------------------------------------------------------------------------

def form(**fields: dict[str, Any]) -> dict[str, Any]:
    """view.state.values as Slack sends them: {block_id: {action_id: value}}."""
    return {block_id: {block_id: value} for block_id, value in fields.items()}


def test_form_full() -> None:
    values = form(title=text_value(" Vendor may slip "), description=text_value("why"),
                  project=select_value("7"), probability=select_value("4"), impact=select_value("5"),
                  owner=user_value("U123"), mitigation=text_value("call"), contingency=text_value("backup"),
                  review=date_value("2030-06-01"))
    d = parse_form(values, TODAY)
    assert (d.title, d.description, d.project_id, d.project_name, d.probability, d.impact, d.owner_id,
            d.mitigation, d.contingency, d.review_date) == (
        "Vendor may slip", "why", 7, None, 4, 5, "U123", "call", "backup", TODAY)


def test_form_empty_optional_fields() -> None:
    values = form(title=text_value("T"), description={"type": "plain_text_input", "value": None},
                  probability={"type": "static_select", "selected_option": None},
                  owner={"type": "users_select", "selected_user": None},
                  review={"type": "datepicker", "selected_date": None})
    d = parse_form(values, TODAY)
    assert d.description is None and d.owner_id is None and d.review_date is None and d.project_id is None
    assert d.probability == risks.DEFAULT_LEVEL and d.impact == risks.DEFAULT_LEVEL


def test_form_project_typed_by_name() -> None:
    d = parse_form(form(title=text_value("T"), project=text_value("Big Deal")), TODAY)
    assert (d.project_id, d.project_name) == (None, "Big Deal")


def test_form_errors_are_keyed_by_block_id() -> None:
    values = form(title=text_value("   "), description=text_value("x" * (risks.MAX_TEXT + 1)),
                  probability=select_value("9"), impact=select_value("x"), owner=user_value("C123"),
                  review=date_value("2030-05-31"))
    with pytest.raises(FormError) as e:
        parse_form(values, TODAY)
    assert set(e.value.errors) == {ids.B_TITLE, ids.B_DESCRIPTION, ids.B_PROBABILITY, ids.B_IMPACT, ids.B_OWNER,
                                   ids.B_REVIEW}
    assert "past" in e.value.errors[ids.B_REVIEW]
    assert all(e.value.errors.values())


def test_form_title_too_long() -> None:
    with pytest.raises(FormError) as e:
        parse_form(form(title=text_value("x" * (risks.MAX_TITLE + 1))), TODAY)
    assert list(e.value.errors) == [ids.B_TITLE]


def test_form_missing_title() -> None:
    with pytest.raises(FormError) as e:
        parse_form({}, TODAY)
    assert list(e.value.errors) == [ids.B_TITLE]


def test_form_review_too_far_ahead() -> None:
    with pytest.raises(FormError) as e:
        parse_form(form(title=text_value("T"), review=date_value("9999-12-31")), TODAY)
    assert "10 years" in e.value.errors[ids.B_REVIEW]
    assert parse_form(form(title=text_value("T"), review=date_value("2040-05-31")), TODAY).review_date == date(
        2040, 5, 31)


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \u200b \u00ad "])
def test_a_title_of_only_invisible_characters_is_no_title(title: str) -> None:
    with pytest.raises(FormError) as e:
        parse_form(form(title=text_value(title)), TODAY)
    assert ids.B_TITLE in e.value.errors
