"""Who may do what: every command and sub-command, and every button and form, tried by a member, a
manager (BOT_MANAGERS), a workspace admin (a manager through users.info) and a stakeholder (a guest
account asked in check-ins), against the table below.

"yes": done, without a refusal or an error. "no": refused politely, with nothing written, no form
opened and no message changed or sent to anyone else. Each role works in a workspace of its own
(`tests.security.world`), where it is asked in the check-ins and is a member of the stand-up, and where
"own" risks are ones it logged and "other" risks were logged and are owned by someone else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from handlers.slack import ids
from storage.db import session_scope
from storage.models import Counter, Risk
from tests.security.harness import Driver, Outcome, state_of
from tests.security.world import MENTION, PROJECT, World
from tests.slack_requests import checkboxes_value, select_value, text_value
from tests.slack_stub import TEAM

ROLES = {"member": "UMEMBER", "manager": "UMGR", "admin": "UADMIN", "stakeholder": "UGUEST"}

MATRIX = """
what                                  member  manager  admin  stakeholder
check-in score, own poll              yes     yes      yes    yes
check-in on track?, own poll          yes     yes      yes    yes
check-in comment button, own poll     yes     yes      yes    yes
check-in comment form, own poll       yes     yes      yes    yes
check-in score, someone else's poll   no      no       no     no
check-in comment, someone else's      no      no       no     no
check-in alert: log as risk           no      yes      yes    no
stand-up prompt button                yes     yes      yes    no
stand-up form submitted               yes     yes      yes    no
stand-up blocker: log as risk         yes     yes      yes    no
review: still valid, own risk         yes     yes      yes    no
review: still valid, other's risk     no      yes      yes    no
review: update button, own risk       yes     yes      yes    no
review: update form, own risk         yes     yes      yes    no
review: update form, other's risk     no      yes      yes    no
review: close, other's risk           no      yes      yes    no
risk list: next page                  yes     yes      yes    no
feedback list: next page              yes     yes      yes    no
summary: all open risks               yes     yes      yes    no
risk form submitted                   yes     yes      yes    no
feedback form submitted               yes     yes      yes    yes
/risk help                            yes     yes      yes    yes
/risk (the form)                      yes     yes      yes    no
/risk add                             yes     yes      yes    no
/risk list                            yes     yes      yes    no
/risk show                            yes     yes      yes    no
/risk update, own risk                yes     yes      yes    no
/risk update, other's risk            no      yes      yes    no
/risk close, own risk                 yes     yes      yes    no
/risk close, other's risk             no      yes      yes    no
/feedback help                        yes     yes      yes    yes
/feedback (the form)                  yes     yes      yes    yes
/feedback TEXT                        yes     yes      yes    yes
/feedback anon private TEXT           yes     yes      yes    yes
/feedback list                        yes     yes      yes    no
/feedback act                         no      yes      yes    no
/project help                         yes     yes      yes    yes
/project                              yes     yes      yes    no
/project show                         yes     yes      yes    no
/project new                          no      yes      yes    no
/checkin help                         yes     yes      yes    yes
/checkin add                          no      yes      yes    no
/checkin remove                       no      yes      yes    no
/checkin schedule                     no      yes      yes    no
/checkin results                      no      yes      yes    no
/checkin send                         no      yes      yes    no
/standup help                         yes     yes      yes    yes
/standup setup                        no      yes      yes    no
/standup now                          yes     yes      yes    no
/standup skip                         yes     yes      yes    no
/standup report                       yes     yes      yes    no
/summary help                         yes     yes      yes    yes
/summary                              no      yes      yes    no
"""


def expected() -> dict[str, dict[str, bool]]:
    lines = [ln for ln in MATRIX.strip().splitlines()]
    roles = lines[0].split()[1:]
    table = {}
    for line in lines[1:]:
        what, cells = line[:38].strip(), line[38:].split()
        assert len(cells) == len(roles), line
        table[what] = {r: c == "yes" for r, c in zip(roles, cells, strict=True)}
    return table


@dataclass
class Ctx:
    d: Driver
    world: World
    user: str
    own: dict[str, int]  # what -> number of a risk this person logged
    other: dict[str, int]  # what -> number of a risk someone else logged and owns


def add_risk(engine: Engine, title: str, created_by: str, owner: str | None = None) -> int:
    """A risk straight into the register (a guest cannot log one), numbered and with its history."""
    from storage.repositories import risks as repo

    with session_scope(engine) as s:  # BEGIN IMMEDIATE: queues behind the bot's own writes
        n = (s.exec(select(func.max(Risk.number)).where(Risk.team_id == TEAM)).one() or 0) + 1
        repo.add(session=s, risk=Risk(team_id=TEAM, number=n, title=title, probability=2, impact=2, score=4,
                                      owner_id=owner, created_by=created_by), actor_id=created_by)
        s.merge(Counter(team_id=TEAM, name="risk", value=n))
        s.commit()
    return n


def add_fillers(engine: Engine, count: int) -> None:
    """`count` more risks and feedback items by someone else, straight into the tables."""
    from storage.models import Feedback
    from storage.repositories import risks as repo

    with session_scope(engine) as s:  # BEGIN IMMEDIATE: queues behind the bot's own writes
        top = {m.__name__: s.exec(select(func.max(m.number)).where(m.team_id == TEAM)).one() or 0
               for m in (Risk, Feedback)}
        for n in range(1, count + 1):
            r, f = top["Risk"] + n, top["Feedback"] + n
            repo.add(session=s, risk=Risk(team_id=TEAM, number=r, title=f"Filler risk {n}", probability=1,
                                          impact=1, score=1, created_by="UMEMBER2"), actor_id="UMEMBER2")
            s.add(Feedback(team_id=TEAM, number=f, text=f"Filler feedback {n}", author_id="UMEMBER2"))
        s.merge(Counter(team_id=TEAM, name="risk", value=top["Risk"] + count))
        s.merge(Counter(team_id=TEAM, name="feedback", value=top["Feedback"] + count))
        s.commit()


def _dm(c: Ctx, user: str | None = None) -> dict[str, str]:
    return {"channel": f"D{user or c.user}"}


def _review(c: Ctx, action: str, n: int) -> Outcome:
    return c.d.press(action, c.user, value=json.dumps({"n": n}), **_dm(c))


def _update_form(c: Ctx, n: int) -> Outcome:
    view = c.world.views[ids.RISK_UPDATE_MODAL]
    return c.d.submit(view, state_of(view, {ids.B_PROBABILITY: select_value("5"), ids.B_IMPACT: select_value("5"),
                                            ids.B_STATUS: select_value("mitigating")}), c.user,
                      metadata=json.dumps({"n": n, "channel": f"D{c.user}", "ts": "1700000000.000100"}))


def _comment_form(c: Ctx) -> Outcome:
    view = c.world.views[ids.CHECKIN_COMMENT_MODAL]
    return c.d.submit(view, state_of(view, {ids.B_COMMENT: text_value("Going well")}), c.user,
                      metadata=json.dumps({"poll": c.world.poll_id, "channel": f"D{c.user}", "ts": "1.2"}))


def _standup_form(c: Ctx) -> Outcome:
    view = c.world.views[ids.STANDUP_MODAL]
    meta = json.dumps({"s": c.world.standup_id, "d": c.world.today["UMEMBER"], "c": f"D{c.user}", "ts": "1.2"})
    return c.d.submit(view, state_of(view, {ids.B_TODAY: text_value("Write the proposal")}), c.user, metadata=meta)


def _risk_form(c: Ctx) -> Outcome:
    view = c.world.views[ids.RISK_MODAL]
    return c.d.submit(view, state_of(view, {ids.B_TITLE: text_value("Scope creep"),
                                            ids.B_PROBABILITY: select_value("3"), ids.B_IMPACT: select_value("3")}),
                      c.user)


def _feedback_form(c: Ctx) -> Outcome:
    view = c.world.views[ids.FEEDBACK_MODAL]
    return c.d.submit(view, state_of(view, {ids.B_SOURCE: select_value("client"), ids.B_TEXT: text_value("Nice demo"),
                                            ids.B_OPTIONS: checkboxes_value()}), c.user)


def _cmd(command: str, text: str | Callable[[Ctx], str], channel: str = "CSALES") -> Callable[[Ctx], Outcome]:
    return lambda c: c.d.command(command, text(c) if callable(text) else text, c.user, channel=channel)


Do = Callable[[Ctx], Outcome]


def _press(action_id: str, value: Callable[[Ctx], str], in_dm_of: str | None = None, channel: str | None = None,
           ) -> Do:
    """Press `action_id` carrying `value`: in the person's own DM, in `in_dm_of`'s, or in `channel`."""
    return lambda c: c.d.press(action_id, c.user, value=value(c),
                               channel=channel or f"D{in_dm_of or c.user}")


def _poll(c: Ctx) -> str:
    return str(c.world.poll_id)


def _n(kind: str, key: str) -> Callable[[Ctx], str]:
    return lambda c: json.dumps({"n": (c.own if kind == "own" else c.other)[key]})


def _status(c: Ctx) -> Outcome:
    return c.d.press(ids.CHECKIN_STATUS, c.user, selected={"value": f"{c.world.poll_id}:on_track"}, **_dm(c))


PAGE_2 = lambda c: json.dumps({"page": 2})  # noqa: E731
# what -> (what "done" shows: a form opened, something written, or just an answer; how to do it)
DO: dict[str, tuple[str, Do]] = {
    "check-in score, own poll": ("write", _press(f"{ids.CHECKIN_SCORE}_4", _poll)),
    "check-in on track?, own poll": ("write", _status),
    "check-in comment button, own poll": ("form", _press(ids.CHECKIN_COMMENT, _poll)),
    "check-in comment form, own poll": ("write", _comment_form),
    "check-in score, someone else's poll": ("write", _press(f"{ids.CHECKIN_SCORE}_1", _poll, in_dm_of="UMEMBER2")),
    "check-in comment, someone else's": ("form", _press(ids.CHECKIN_COMMENT, _poll, in_dm_of="UMEMBER2")),
    "check-in alert: log as risk": ("form", _press(
        ids.CHECKIN_LOG_RISK, lambda c: json.dumps({"poll": c.world.poll_id, "u": "UMEMBER2"}))),
    "stand-up prompt button": ("form", _press(
        ids.STANDUP_OPEN, lambda c: f"{c.world.standup_id}:{c.world.today[c.user]}")),
    "stand-up form submitted": ("write", _standup_form),
    "stand-up blocker: log as risk": ("form", _press(
        ids.STANDUP_BLOCKER_RISK, lambda c: str(c.world.blocker_answer_id), channel="CSTAND")),
    "review: still valid, own risk": ("write", _press(ids.REVIEW_VALID, _n("own", "valid"))),
    "review: still valid, other's risk": ("write", _press(ids.REVIEW_VALID, _n("other", "valid"))),
    "review: update button, own risk": ("form", _press(ids.REVIEW_UPDATE, _n("own", "review"))),
    "review: update form, own risk": ("write", lambda c: _update_form(c, c.own["review"])),
    "review: update form, other's risk": ("write", lambda c: _update_form(c, c.other["review"])),
    "review: close, other's risk": ("write", _press(ids.REVIEW_CLOSE, _n("other", "review_close"))),
    "risk list: next page": ("read", _press(f"{ids.RISK_PAGE}_next", PAGE_2, channel="CSALES")),
    "feedback list: next page": ("read", _press(f"{ids.FEEDBACK_PAGE}_next", PAGE_2, channel="CSALES")),
    "summary: all open risks": ("read", _press(ids.SUMMARY_FULL_RISKS, lambda c: "{}")),
    "risk form submitted": ("write", _risk_form),
    "feedback form submitted": ("write", _feedback_form),
    "/risk help": ("read", _cmd(ids.RISK, "help")),
    "/risk (the form)": ("form", _cmd(ids.RISK, "")),
    "/risk add": ("write", _cmd(ids.RISK, f"add Supplier insolvency p=2 i=5 project={PROJECT}")),
    "/risk list": ("read", _cmd(ids.RISK, "list all")),
    "/risk show": ("read", _cmd(ids.RISK, "show R-1")),
    "/risk update, own risk": ("write", _cmd(ids.RISK, lambda c: f"update R-{c.own['update']} p=5 status=mitigating")),
    "/risk update, other's risk": ("write", _cmd(ids.RISK, lambda c: f"update R-{c.other['update']} p=5")),
    "/risk close, own risk": ("write", _cmd(ids.RISK, lambda c: f"close R-{c.own['close']} Done")),
    "/risk close, other's risk": ("write", _cmd(ids.RISK, lambda c: f"close R-{c.other['close']} Done")),
    "/feedback help": ("read", _cmd(ids.FEEDBACK, "help")),
    "/feedback (the form)": ("form", _cmd(ids.FEEDBACK, "")),
    "/feedback TEXT": ("write", _cmd(ids.FEEDBACK, f"client project={PROJECT} The demo went well")),
    "/feedback anon private TEXT": ("write", _cmd(ids.FEEDBACK, "anon private The deadline worries me")),
    "/feedback list": ("read", _cmd(ids.FEEDBACK, "list")),
    "/feedback act": ("write", _cmd(ids.FEEDBACK, "act F-1 Thanked the client")),
    "/project help": ("read", _cmd(ids.PROJECT, "help")),
    "/project": ("read", _cmd(ids.PROJECT, "")),
    "/project show": ("read", _cmd(ids.PROJECT, f"show {PROJECT}")),
    "/project new": ("write", _cmd(ids.PROJECT, "new Gemini client=Acme")),
    "/checkin help": ("read", _cmd(ids.CHECKIN, "help")),
    "/checkin add": ("write", _cmd(ids.CHECKIN, f"add <@UOTHER|otto> project={PROJECT}")),
    "/checkin remove": ("write", _cmd(ids.CHECKIN, f"remove {MENTION['UMEMBER2']} project={PROJECT}")),
    "/checkin schedule": ("write", _cmd(ids.CHECKIN, f"schedule project={PROJECT} day=sun time=03:17")),
    "/checkin results": ("read", _cmd(ids.CHECKIN, f"results project={PROJECT}")),
    "/checkin send": ("write", _cmd(ids.CHECKIN, f"send project={PROJECT}")),
    "/standup help": ("read", _cmd(ids.STANDUP, "help")),
    "/standup setup": ("write", _cmd(ids.STANDUP, f"setup channel=<#CSECOND|second> members={MENTION['UMEMBER']} "
                                                  "time=03:17 days=sun")),
    "/standup now": ("read", _cmd(ids.STANDUP, "now", channel="CSTAND")),
    "/standup skip": ("write", _cmd(ids.STANDUP, "skip")),
    "/standup report": ("read", _cmd(ids.STANDUP, "report", channel="CSTAND")),
    "/summary help": ("read", _cmd(ids.SUMMARY, "help")),
    "/summary": ("read", _cmd(ids.SUMMARY, "")),
}


def test_the_table_covers_every_row() -> None:
    assert list(expected()) == list(DO)


def verdict(what: str, o: Outcome, allowed: bool, kind: str) -> str | None:
    """Why the outcome does not match the cell, or None. `kind` is what "done" shows: a form opened,
    something written, or (for reads) just an answer."""
    if o.status != 200 or o.errors:
        return f"HTTP {o.status}, errors {[r.getMessage() for r in o.errors]}"
    if not o.to_person():
        return "no answer"
    text = o.text()
    if what.endswith(" help"):
        return None if "Usage of" in text and not o.refused and o.after == o.before else f"no usage: {text[:300]!r}"
    if allowed:
        if o.refused or o.failed:
            return f"refused or failed: {text[:300]!r}"
        if kind == "form" and not o.opened():
            return "no form opened"
        if kind == "write" and not o.wrote:
            return f"nothing written: {text[:300]!r}"
        return None
    if not o.refused:
        return f"not refused: {text[:300]!r}"
    if o.after != o.before:
        return f"wrote: {[k for k in o.before if o.before[k] != o.after[k]]}"
    others = [m for m, p in o.calls if m in ("views.open", "chat.update")
              or (m in ("chat.postMessage", "chat.postEphemeral") and o.user not in (p.get("channel"), p.get("user")))]
    if others:
        return f"did more than refuse: {others}"
    return None


@pytest.mark.parametrize("role", list(ROLES))
def test_authorization_matrix(role: str, driver: Driver, world: World, engine: Engine) -> None:
    user = ROLES[role]
    # A low answer by another stakeholder, so that the managers it alerted have a log-as-risk button.
    low = driver.press(f"{ids.CHECKIN_SCORE}_1", "UMEMBER2", value=str(world.poll_id), channel="DUMEMBER2")
    assert not low.refused and low.wrote
    own = {k: add_risk(engine, f"Own risk ({k})", user) for k in ("update", "close", "valid", "review")}
    other = {k: add_risk(engine, f"Other's risk ({k})", "UMEMBER2", owner="UMEMBER2")
             for k in ("update", "close", "valid", "review", "review_close")}
    add_fillers(engine, 25)  # enough for a second page of risks and of feedback
    ctx = Ctx(driver, world, user, own, other)
    wrong = {}
    for what, allowed in expected().items():
        kind, do = DO[what]
        outcome = do(ctx)
        why = verdict(what, outcome, allowed[role], kind)
        if why:
            wrong[what] = f"expected {'yes' if allowed[role] else 'no'}, {why}"
    assert not wrong, "\n".join(f"{role} · {k}: {v}" for k, v in wrong.items())
