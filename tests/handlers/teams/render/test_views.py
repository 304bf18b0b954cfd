"""Every view of the core renders for Teams: a card or a markdown message, with its data visible."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from datetime import date
from typing import Any

import pytest

import bot
from bot.checkins.views import (
    Answer,
    CheckinStats,
    LowAnswer,
    NoStakeholders,
    NotStakeholders,
    Poll,
    Schedule,
    Scheduled,
    Sent,
    StakeholdersAdded,
    StakeholdersRemoved,
)
from bot.errors import UsageError
from bot.feedback.service import AlreadyActed
from bot.feedback.views import Acted, ActedNotice, FeedbackPage, Recorded
from bot.lessons.views import EarlierLessons, LessonAdded, LessonList, LessonPrompt
from bot.projects.closing import AlreadyClosed, ProjectClosed
from bot.projects.lookup import DuplicateProject, UnknownProject
from bot.projects.views import Created, Health, ProjectCard, ProjectList
from bot.reviews.views import Reminder, Reviewed, UpdateForm
from bot.risks.views import (
    ClosedAsDuplicate,
    RiskAdded,
    RiskAnnouncement,
    RiskClosed,
    RiskDetail,
    RiskList,
    RiskUpdated,
)
from bot.scope.views import (
    BaselineSet,
    ChangeAlert,
    ChangeDecided,
    ChangeLogged,
    DecisionNotice,
    ProjectScope,
    ScopeCard,
)
from bot.standups.views import (
    AnswerPost,
    DaysOff,
    DayStatus,
    Digest,
    Prompt,
    PromptAnswered,
    PromptsSent,
    SetupDone,
    TodayReport,
)
from bot.summaries.views import ProjectHealth, ProjectScores, Summary, WeekScore
from handlers.teams import ids
from handlers.teams.render.catalog import render
from storage.models_scope import ScopeBaseline, ScopeChange
from storage.repositories.summaries import StandupRate
from tests.handlers.teams.render.samples import (
    NOW,
    answer,
    check,
    closing,
    content,
    event,
    inputs,
    item,
    lesson,
    project,
    risk,
    shown,
    standup,
)

SCHEDULE = Schedule(day=0, time="09:00", tz="Europe/Paris", reminder_hours=24)
STATUS = DayStatus(answers=[answer(1), answer(2, blockers="none")], skipped=["aad-off"], missing=["aad-late"],
                   not_today=["aad-weekend"])
SCORES = ProjectScores(1, "Apollo", [WeekScore("2029-W52", 3.5, 4), WeekScore("2030-W01", 2.5, 3)], answered=3,
                       off_track=1, at_risk=1, not_answered=["aad-quiet"])
CHANGE = ScopeChange(id=3, team_id="tenant", number=3, project_id=1, title="Add SSO", days=6, status="approved",
                     requested_by="aad-member", decided_by="aad-mgr", requested_at=NOW)


def summary(**kw: Any) -> Summary:
    values: dict[str, Any] = dict(
        team_id="tenant", today=NOW.date(), since=NOW, now=NOW, top_risks=[risk(1)], open_total=1,
        new_risks=[risk(2, "New thing")], new_total=1, sentiment={"negative": 2},
        waiting=[item(3, "Slow answers")], waiting_total=1, scores=[SCORES],
        standups=[StandupRate(7, "19:chan", 5, 4)], project_names={1: "Apollo"})
    values.update(kw)
    return Summary(**values)


# (view, strings that must show)
SAMPLES: list[tuple[Any, list[str]]] = [
    ("Nothing to do.", ["Nothing to do."]),
    (RiskAdded(risk(1), project(), ("p",)), ["R-1", "Vendor may slip", "Apollo", "p=3"]),
    (RiskAnnouncement(risk(1), project(), "aad-mgr", "New risk"), ["New risk", "R-1", "@aad-mgr"]),
    (RiskList([risk(1), risk(2, "Budget cut")], {1: "Apollo"}, 2, 1, 1, None, False),
     ["Open risks (2)", "R-1", "Budget cut", "Apollo"]),
    (RiskDetail(risk(1, description="Long story", mitigation="Second vendor"), project(),
                [event("created"), event(changes={"probability": [3, 4], "owner": [None, "aad-new"]}, note="why")]),
     ["R-1", "Long story", "Second vendor", "probability 3 → 4", "@aad-new", "why"]),
    (RiskUpdated(risk(1), {"probability": [3, 4]}), ["Updated", "R-1", "probability"]),
    (RiskClosed(risk(1), "Done with it"), ["Closed", "R-1", "Done with it"]),
    (Recorded(item(1), project(), True), ["F-1", "Apollo", "guessed"]),
    (FeedbackPage([item(1), item(2, "Too slow", acted_at=NOW, acted_by="aad-mgr", action_text="Hired")],
                  {1: "Apollo"}, 2, 1, 1, None), ["Feedback (2)", "Great demo", "Too slow", "Hired"]),
    (Acted(item(1, acted_by="aad-mgr", action_text="Called them")), ["F-1", "Called them", "@aad-member"]),
    (ActedNotice(item(1, acted_by="aad-mgr", action_text="Called them")), ["F-1", "Called them", "Great demo"]),
    (Created(project()), ["Apollo", "Acme", "2030-06-01"]),
    (ProjectList([project(), project("Zeus", id=2)]), ["Projects (2)", "Apollo", "Zeus"]),
    (ProjectCard(project(), Health(extra=ProjectHealth(SCORES, [StandupRate(7, "19:chan", 4, 3)], "19:chan"))),
     ["Project Apollo", "Open risks", "2.5", "75%"]),
    (Health(), ["Open risks", "none"]),
    (ProjectHealth(None, [], None), ["no check-in answers", "no channel"]),
    (Reminder(risk(1, mitigation="Second vendor"), "Apollo"), ["Time to review R-1", "Second vendor"]),
    (Reviewed(risk(1)), ["R-1", "still valid", "2030-02-01"]),
    (UpdateForm(risk(1), date(2030, 2, 8)), ["Review R-1", "Vendor may slip"]),
    (Poll("Apollo", 42), ["Apollo", "weekly check-in"]),
    (Poll("Apollo", 42, Answer(4, "at_risk", "Fine"), reminder=True), ["Reminder", "4/5", "at risk", "Fine"]),
    (LowAnswer("Apollo", 42, "aad-client", Answer(1, "off_track", "Bad")), ["@aad-client", "1/5", "off track"]),
    (StakeholdersAdded("Apollo", ["aad-a"], ["aad-b"], SCHEDULE, NOW), ["@aad-a", "@aad-b", "Mondays"]),
    (StakeholdersRemoved("Apollo", ["aad-a"], ["aad-c"], True), ["@aad-a", "@aad-c", "Nobody is left"]),
    (Scheduled("Apollo", SCHEDULE, NOW, True), ["Apollo", "Mondays at 09:00", "Nobody is asked"]),
    (Sent("Apollo", sent=3, skipped=1, retry=1, failed=1, errors={"aad-x": "not installed"}),
     ["3 stakeholders", "@aad-x", "not installed"]),
    (CheckinStats("Apollo", SCHEDULE, "Europe/Paris", ["aad-a", "aad-b"], average=3.5, answered=1, asked=2,
                  statuses={"on_track": 1}, trend=[("2030-W01", 3.5, 1)], comments=[("aad-a", NOW, "Nice work")],
                  not_answered=["aad-b"], unreachable=["aad-z"], next_at=NOW, latest_at=NOW),
     ["Check-ins: Apollo", "3.5/5", "Nice work", "@aad-b", "@aad-z"]),
    (CheckinStats("Apollo", None, "UTC", []), ["No check-in has been sent"]),
    (SetupDone(standup(), ["aad-1", "aad-2"], {"aad-1": "Europe/Paris"}, True, [("Europe/Paris", NOW)]),
     ["Set up", "#19:chan", "@aad-1", "Next prompts"]),
    (PromptsSent(standup(), 2, 1, ["aad-off"], {"aad-x": "unreachable"}), ["2 members", "@aad-off", "@aad-x"]),
    (DaysOff(date(2030, 1, 2), date(2030, 1, 9), False), ["Wed 2 Jan 2030", "Wed 9 Jan 2030"]),
    (TodayReport(standup(), STATUS), ["Answered (2)", "@aad-off", "@aad-late", "Legal review"]),
    (Prompt(standup(), date(2030, 1, 2)), ["Stand-up time", "Wed 2 Jan 2030"]),
    (PromptAnswered(standup(), date(2030, 1, 2)), ["Thanks", "#19:chan"]),
    (AnswerPost(answer(1)), ["@aad-1", "Wrote the offer", "Call the client", "Legal review"]),
    (Digest(standup(post_mode="digest"), date(2030, 1, 2), STATUS), ["Stand-up", "@aad-2", "Off:"]),
    (summary(), ["Summary", "R-1", "New thing", "Slow answers", "Apollo", "#19:chan"]),
    (summary(week="2030-W01", project=project(), subscribed=True), ["Weekly summary", "every Monday"]),
    (UsageError("Bad *option*", "*Usage* `risk add`"), ["Bad **option**", "`risk add`"]),
    (UnknownProject("Apolo", ["Apollo"]), ["Apolo", "Apollo"]),
    (DuplicateProject("Apollo"), ["already a project called **Apollo**"]),
    (AlreadyActed(1, "aad-mgr", "Called"), ["F-1", "@aad-mgr", "Called"]),
    (LessonAdded(lesson(1), project()), ["L-1", "Sign the scope off", "Apollo", "scope, acme"]),
    (LessonList([lesson(1), lesson(2, "Call early")], {1: "Apollo"}, 2, 1, 1, None, "scope", "sign off"),
     ["Lessons tagged scope with “sign off” (2)", "L-2", "Call early", "Apollo"]),
    (EarlierLessons("Acme", [lesson(1)], {1: "Apollo"}), ["Before you commit", "Acme", "L-1", "Apollo"]),
    (LessonPrompt(1, "Apollo", "won", "aad-mgr"), ["Apollo", "closed (won)", "@aad-mgr"]),
    (ProjectClosed(project(), closing(), ("aad-a", "aad-b")), ["Closed project", "Apollo", "(won)", "Signed",
                                                               "2 people"]),
    (AlreadyClosed(project(), closing()), ["Apollo", "already closed (won)", "2030-01-02"]),
    (ClosedAsDuplicate(risk(2, "Vendor API slipping", status="closed"), risk(1)),
     ["R-2", "duplicate of", "R-1", "Vendor may slip"]),
    (NotStakeholders("Apollo", ["aad-a", "aad-b"]), ["@aad-a and @aad-b", "are not stakeholders", "Apollo"]),
    (NoStakeholders("Apollo"), ["**Apollo** has no stakeholders"]),
    # scope before commitment, and targets beside satisfaction
    (ScopeCard(project(), None, None), ["Scope of Apollo", "no scope baseline"]),
    (BaselineSet(project(), ScopeBaseline(team_id="tenant", project_id=1, days=40, updated_by="aad-mgr"),
                 {"days": [None, 40]}, created=True, creep="40 d baseline, +0 d approved (+0%)"),
     ["Set the scope baseline", "40 d baseline"]),
    (ChangeLogged(CHANGE, project(), ["aad-mgr"]), ["C-3", "Add SSO", "+6 d", "@aad-mgr"]),
    (ChangeAlert(CHANGE, project()), ["C-3", "Add SSO", "to decide"]),
    (ChangeDecided(CHANGE, project(), "40 d baseline, +6 d approved (+15%)"), ["C-3", "+15%"]),
    (DecisionNotice(CHANGE, project()), ["Your change request", "C-3"]),
    (ProjectScope(1, "Apollo", creep="40 d baseline, +6 d approved (+15%)", target=100.0, booked=120.0, latest=2.5,
                  change=-0.5, flag=True), ["+15%", "booked 120 of 100 target", "2.5", "on target, client"]),
]


def _view_classes() -> list[type]:
    found = []
    for info in pkgutil.iter_modules(bot.__path__):
        try:
            module = importlib.import_module(f"bot.{info.name}.views")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and (dataclasses.is_dataclass(cls) or issubclass(cls, Exception)):
                found.append(cls)
    return found


def test_every_view_class_has_its_own_rendering() -> None:
    helpers = {"Answer", "Schedule", "DayStatus", "WeekScore", "ProjectScores"}  # parts of views, not views
    missing = [c.__name__ for c in _view_classes()
               if c.__name__ not in helpers and render.dispatch(c) is render.dispatch(object)]
    assert not missing, f"no Teams rendering for {missing}"
    for error in (UnknownProject, DuplicateProject, AlreadyActed, NotStakeholders, NoStakeholders):
        assert render.dispatch(error) is not render.dispatch(UsageError), error


def test_every_sample_covers_a_view_class() -> None:
    sampled = {type(v) for v, _ in SAMPLES}
    helpers = {"Answer", "Schedule", "DayStatus", "WeekScore", "ProjectScores"}
    assert not [c.__name__ for c in _view_classes() if c.__name__ not in helpers and c not in sampled]


@pytest.mark.parametrize("view,visible", SAMPLES, ids=lambda x: type(x).__name__ if not isinstance(x, list) else "")
def test_each_view_renders_with_its_data_visible(view: Any, visible: list[str]) -> None:
    activities = check(render(view))
    everything = shown(activities)
    for s in visible:
        assert s in everything, (s, everything)


def test_core_text_renders_as_one_markdown_message() -> None:
    (a,) = check(render("Logged *R-1*: see `risk show R-1`"))
    assert a == {"type": "message", "text": "Logged **R-1**: see `risk show R-1`", "textFormat": "markdown"} or (
        a["text"].startswith("Logged **R") and "`risk show R-1`" in a["text"])


def test_a_long_text_is_split_into_messages_under_the_limit() -> None:
    activities = check(render("\n".join(f"line {n} " + "x" * 200 for n in range(400))))
    assert len(activities) > 1
    assert "line 0 " in activities[0]["text"] and "line 399 " in activities[-1]["text"]


# ---- the poll -----------------------------------------------------------------------------------

def test_the_poll_has_five_score_actions_carrying_the_poll_id() -> None:
    card = content(render(Poll("Apollo", 42)))
    scores = [a for a in card["body"][2]["actions"]]
    assert [a["title"][0] for a in scores] == ["1", "2", "3", "4", "5"]
    for n, a in enumerate(scores, start=1):
        assert a["type"] == "Action.Execute" and a["verb"] == ids.CHECKIN_ANSWER
        assert a["data"] == {ids.D_POLL: 42, ids.D_SCORE: n}
    fields = inputs(card)
    assert [c["value"] for c in fields[ids.I_CHECKIN_STATUS]["choices"]] == ["on_track", "at_risk", "off_track"]
    assert fields[ids.I_COMMENT]["type"] == "Input.Text"
    saves = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"] if a["title"] == "Save"]
    assert saves and saves[0]["data"] == {ids.D_POLL: 42}


def test_the_answered_poll_shows_the_answer_and_can_still_be_changed() -> None:
    card = content(render(Poll("Apollo", 42, Answer(2, "off_track", "Late again"))))
    fields = inputs(card)
    assert fields[ids.I_CHECKIN_STATUS]["value"] == "off_track"
    assert fields[ids.I_COMMENT]["value"] == "Late again"
    titles = [a["title"] for a in card["body"][2]["actions"]]
    assert titles[1].endswith("✓") and len(titles) == 5
    assert "Your answer" in shown(render(Poll("Apollo", 42, Answer(2, "off_track", "Late again"))))


def test_the_low_answer_alert_offers_to_log_it_as_a_risk() -> None:
    card = content(render(LowAnswer("Apollo", 42, "aad-client", Answer(1, None, None))))
    (log, change) = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    assert log["verb"] == ids.CHECKIN_LOG_RISK and log["data"] == {ids.D_POLL: 42, ids.D_ANSWERER: "aad-client"}
    assert change["verb"] == ids.CHECKIN_CHANGE and change["data"] == log["data"]


def test_the_standup_prompt_holds_the_three_questions_and_a_submit() -> None:
    card = content(render(Prompt(standup(), date(2030, 1, 2))))
    assert {ids.I_YESTERDAY, ids.I_TODAY, ids.I_BLOCKERS} <= set(inputs(card))
    (submit,) = card["actions"]
    assert submit["verb"] == ids.STANDUP_ANSWER and submit["data"] == {ids.D_STANDUP: 7, ids.D_DAY: "2030-01-02"}


def test_the_review_reminder_offers_still_valid_update_and_close() -> None:
    card = content(render(Reminder(risk(5), None)))
    verbs = [a["verb"] for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    assert verbs == [ids.REVIEW_VALID, ids.REVIEW_UPDATE, ids.REVIEW_CLOSE]
    form = content(render(UpdateForm(risk(5, mitigation="Plan B"), date(2030, 2, 8))))
    fields = inputs(form)
    assert fields[ids.I_REVIEW]["value"] == "2030-02-08" and fields[ids.I_MITIGATION]["value"] == "Plan B"
    assert fields[ids.I_PROBABILITY]["value"] == "4" and form["actions"][0]["data"] == {ids.D_NUMBER: 5}


def test_lists_page_with_execute_actions_carrying_their_state() -> None:
    card = content(render(RiskList([risk(1)], {}, 45, 2, 3, project(), True)))
    nav = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    assert [a["verb"] for a in nav] == [ids.RISK_PAGE, ids.RISK_PAGE]
    assert [a["data"] for a in nav] == [{ids.D_PROJECT: 1, ids.D_ALL: True, "page": 1},
                                        {ids.D_PROJECT: 1, ids.D_ALL: True, "page": 3}]
    card = content(render(FeedbackPage([item(1)], {}, 30, 1, 2, None)))
    (nxt,) = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    assert nxt["verb"] == ids.FEEDBACK_PAGE and nxt["data"] == {ids.D_PROJECT: None, "page": 2}
