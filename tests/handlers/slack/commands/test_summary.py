"""/summary end to end: managers get the week (and the weekly DM from then on), others a polite
refusal, bad input the usage; the summary's button answers with the full risk list."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.slack import ids
from storage import clock
from storage.models_rhythm import SummarySubscriber
from tests import summary_seed as seed
from tests.handlers.slack.e2e import check_limits, seed_project, seed_risks, table_counts, wait_responses
from tests.message_limits import check_recorded, checkin_projects, wait_all
from tests.slack_requests import SlackClient, all_text
from tests.slack_stub import TEAM, SlackStub
from tests.support.served import ServedBot


def subscribers(engine: Engine) -> set[tuple[str, str, str | None]]:
    with Session(engine) as s:
        return {(x.team_id, x.user_id, x.tz) for x in s.exec(select(SummarySubscriber))}


def wait_until(check, timeout: float = 5.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_manager_gets_the_summary_and_the_weekly_dm_from_then_on(slack: SlackClient, engine: Engine,
                                                                   served: ServedBot) -> None:
    now = clock.now()
    with Session(engine) as s:
        apollo = seed.project(s, "Apollo", channel="CAPOLLO")
        seed.risk(s, 1, project_id=apollo.id, p=5, i=5, title="Vendor may slip", review=now.date() - timedelta(days=2))
        seed.feedback(s, 1, sentiment="negative", text="Reports arrive late", created_at=now - timedelta(days=1))
        poll = seed.poll(s, apollo.id, sent_at=now - timedelta(days=1))
        seed.asked(s, poll, "USTAKE1", "USILENT")
        seed.answer(s, poll, "USTAKE1", 2, "off_track")
        st = seed.standup(s, "CAPOLLO")
        for u in ("UMEMBER", "UMEMBER2"):
            seed.delivery(s, f"standup:{st.id}", u, now.date().isoformat())
        seed.standup_answer(s, st, "UMEMBER", now.date())
        s.commit()
    r = slack.command("/summary", "", user="UADMIN")  # a workspace admin is a manager
    assert r.status == 200 and r.seconds < 3
    [msg] = r.messages()
    check_limits(msg)
    t = all_text(msg)
    assert "Vendor may slip" in t and "Critical" in t and "Overdue reviews* (1)" in t
    assert "1 negative" in t and "Reports arrive late" in t
    assert "*Apollo* *2.0*/5" in t and "1 off track" in t and "not answered: <@USILENT>" in t
    assert "every Monday at 08:00" in t
    assert (TEAM, "UADMIN", "Europe/London") in subscribers(engine)
    assert "<#CAPOLLO>: 1 of 2 prompts answered (50%)" in t
    sched = served.runtime.scheduler
    assert wait_until(lambda: sched.get_job(f"summary:{TEAM}:UADMIN") is not None)
    # the same figures on the project's card, for everyone
    card = slack.command("/project", "show Apollo", user="UMEMBER").text()
    assert "Stakeholder score" in card and "*2.0*/5" in card and "not answered: <@USILENT>" in card
    assert "Stand-up participation" in card and "50% (1 of 2 prompts, last 7 days)" in card


def test_bot_managers_are_subscribed_at_start(served: ServedBot, engine: Engine) -> None:
    assert subscribers(engine) == {(TEAM, "UMGR", "Europe/London")}
    assert served.runtime.scheduler.get_job(f"summary:{TEAM}:UMGR") is not None


def test_others_are_refused_politely_and_nothing_is_written(slack: SlackClient, engine: Engine) -> None:
    seed_risks(engine, 3)
    before = table_counts(engine)
    for user, says in (("UMEMBER", "Sorry, the summary is for managers"), ("UGUEST", "Sorry, guest accounts")):
        t = slack.command("/summary", "", user=user).text()
        assert says in t and "R-1" not in t
    assert table_counts(engine) == before


BAD = [
    ("help", "Usage of /summary"),
    ("everything please", "I don't know `/summary everything please`"),
    ("Apollo", "For one project: `/summary project=Apollo`"),
    ("project=", "`project=` needs a project's name"),
    ("owner=<@UMGR|maria>", "I don't know the option `owner=`"),
]


def test_help_and_bad_input_answer_with_the_usage(slack: SlackClient, engine: Engine) -> None:
    before = table_counts(engine)
    for text, says in BAD:
        r = slack.command("/summary", text, user="UMGR")
        assert r.status == 200
        t = r.text()
        assert says in t and "/summary project=NAME" in t, text
    assert table_counts(engine) == before


def test_an_unknown_project_gets_the_closest_names(slack: SlackClient, engine: Engine) -> None:
    seed_project(engine, "Apollo")
    t = slack.command("/summary", "project=Apolo", user="UMGR").text()
    assert "no project called *Apolo*" in t and "Apollo" in t


def test_the_button_answers_with_the_full_risk_list(slack: SlackClient, stub: SlackStub, engine: Engine) -> None:
    pid = seed_project(engine, "Apollo")
    seed_risks(engine, 45, project_id=pid)
    r = slack.command("/summary", 'project="apollo"', user="UMGR")
    [msg] = r.messages()
    assert "All open risks (45)" in all_text(msg)
    press = slack.click(msg, ids.SUMMARY_FULL_RISKS, "UMGR")
    assert press.status == 200 and press.seconds < 3
    [listing] = wait_responses(stub, press.rid, 1)
    assert listing["response_type"] == "ephemeral" and listing["replace_original"] is False
    t = all_text(listing)
    assert "Open risks on Apollo (45)" in t and "page 1 of 3" in t
    check_limits(listing)
    nxt = slack.click(listing, f"{ids.RISK_PAGE}_next", "UMGR")  # and it pages from there
    assert "page 2 of 3" in all_text(wait_responses(stub, nxt.rid, 1)[0])


def test_a_summary_of_64_checkin_projects_comes_in_several_answers_slack_accepts(slack: SlackClient,
                                                                                  stub: SlackStub,
                                                                                  engine: Engine) -> None:
    with Session(engine) as s:
        checkin_projects(s, 64, clock.now())
        s.commit()
    r = slack.command("/summary", "", user="UADMIN")
    assert r.status == 200
    answers = wait_all(stub, r.rid)
    assert 1 < len(answers) <= 5  # Slack takes five messages through one response_url
    assert all(a["response_type"] == "ephemeral" and a["replace_original"] is False for a in answers)
    check_recorded(stub)
    text = "\n".join(all_text(a) for a in answers)
    assert all(f"*Client programme {n:02d} regional rollout*" in text for n in range(64))
    assert "Summary · " in all_text(answers[0]) and "every Monday at 08:00" in all_text(answers[-1])

