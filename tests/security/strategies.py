"""Hostile input for the bot: command text as Slack escapes it, and interactive payloads whose parts the
bot itself wrote (button values, selected options, form state, private metadata) coming back as anything.

Lone surrogates are left out: they cannot be encoded as UTF-8, so no request can carry them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from handlers.slack import ids

CHARS = st.characters(exclude_categories=("Cs",))
ANY_TEXT = st.text(CHARS, max_size=40)

# Slack's escapes as they arrive with `should_escape: true`, broken ones and look-alikes too.
ESCAPES = ("<@UMEMBER|mike>", "<@UMGR>", "<@UGUEST|gail>", "<@U1|x>", "<@W0ABC|y z>", "<@u1>", "<@U>", "<@>",
           "<#CAPOLLO|apollo>", "<#C1|y>", "<#G1>", "<#C1", "<#>", "<!here>", "<!channel>", "<!subteam^S1|@team>",
           "<!date^1392734382^{date}|Feb 18>", "<https://example.com|link>", "<mailto:a@b.c>", "&amp;", "&lt;",
           "&gt;", "&lt;@U1&gt;", "&amp;lt;", "<", ">", "|", "<@UMEMBER|mike>,<@UMGR|maria>",
           "<@" + "U" * 40 + ">", "<#C" + "9" * 40 + "|long>")
WORDS = ("Apollo", "apollo", "APOLLO", "Gemini", "R-1", "R-2", "r1", "#1", "F-1", "F-2", "R-0", "R-999999999",
         "R-99999999999", "all", "private", "anon", "anonymous", "client", "team", "me", "today", "help", "?",
         "--help", "0", "-1", "1", "5", "6", "25", "1e3", "NaN", "null", "None", "true", "'", '"', "“", "”", "«",
         "»", "‘", "’", "„", "=", "==", "a=b", "=x", "\\", "`", "*", "_", "~", "%s", "{}", "\u200b", "\u202e",
         "\ufeff", "\x00", "\t", "\r\n", "🙂", "👩‍👩‍👧", "ﷺ", "Ω", "İ", "ß", "日本語", "مرحبا")
VALUES = ("1", "2", "3", "4", "5", "0", "6", "-3", "+2", "1.5", "999999", "9" * 30, "", " ", "x", "open",
          "closed", "mitigating", "monitoring", "positive", "negative", "neutral", "each", "digest", "mon", "fri",
          "friday", "mon-fri", "daily", "weekdays", "sat,sun", "09:30", "9:30", "25:00", "23:59", "9am", "noon",
          "Europe/London", "America/New_York", "UTC", "Mars/Olympus", "../etc/passwd", "Etc/GMT+14",
          "2030-01-31", "2000-01-01", "2030-02-30", "9999-12-31", "0001-01-01", "31/01/2030", "50k", "1.5m",
          "$100", "1e99", "12h", "48h", "999h", "Apollo", '"Apollo"', "“Apollo”", '"several words"', "&amp;")
KEYS = ("p", "i", "prob", "imp", "probability", "impact", "owner", "project", "proj", "review", "due", "status",
        "page", "title", "desc", "description", "mit", "mitigation", "contingency", "client", "channel",
        "deadline", "budget", "day", "days", "time", "at", "tz", "zone", "timezone", "reminder", "members",
        "member", "post", "mode", "until", "to", "sentiment", "unknown", "P", "Project")
SUBS = {
    ids.RISK: ("add", "new", "log", "list", "ls", "show", "view", "update", "edit", "set", "close", "done",
               "resolve", "help", "delete"),
    ids.FEEDBACK: ("list", "ls", "act", "client", "team", "private", "anon", "help", "The client is happy"),
    ids.PROJECT: ("new", "add", "create", "list", "ls", "show", "view", "update", "edit", "close", "done", "help",
                  "delete"),
    ids.CHECKIN: ("add", "remove", "rm", "delete", "schedule", "send", "now", "results", "result", "stats", "help"),
    ids.STANDUP: ("setup", "set", "config", "now", "send", "ask", "skip", "off", "away", "report", "status",
                  "who", "help"),
    ids.SUMMARY: ("project=Apollo", "help", "Apollo", ""),
    ids.SCOPE: ("set", "change", "approve", "reject", "show", "help", "Apollo", "C-1", ""),
    ids.LESSON: ("list", "ls", "find", "search", "add", "help", "Keep a second vendor", ""),
}


def _dates() -> st.SearchStrategy[str]:
    return st.integers(-800, 800).map(lambda n: (date.today() + timedelta(days=n)).isoformat())


def huge() -> st.SearchStrategy[str]:
    """Long text made by repetition (fast to generate): over every limit the bot has."""
    return st.builds(lambda piece, n: piece * n, st.sampled_from(["a", "é", "🙂", "<@U1|x> ", "word ", "&amp;",
                                                                   '"', "\n"]),
                     st.integers(150, 6000))


def value() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(VALUES), st.sampled_from(ESCAPES), _dates(), ANY_TEXT,
                     st.integers(-10**12, 10**12).map(str), huge())


def _quoted(v: str, q: int) -> str:
    return (v, f'"{v}"', f"“{v}”", f"«{v}»", f'"{v}')[q]


def option() -> st.SearchStrategy[str]:
    return st.builds(lambda k, v, q: f"{k}={_quoted(v, q)}", st.sampled_from(KEYS), value(), st.integers(0, 4))


def word() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(WORDS), st.sampled_from(ESCAPES), ANY_TEXT.filter(lambda t: t.strip() != ""),
                     option(), _dates())


def command_text(command: str) -> st.SearchStrategy[str]:
    """A sub-command (usually) and words, options and escapes, joined by any white space; or any text."""
    seps = st.sampled_from([" ", " ", "  ", "\n", "\t", "\u00a0", "\u3000"])
    structured = st.builds(
        lambda sub, rest, gaps: (sub + "".join(g + w for g, w in zip(gaps, rest, strict=False))).strip(" ")
        if sub else " ".join(rest),
        st.one_of(st.sampled_from(SUBS[command]), st.just("")),
        st.lists(word(), max_size=8),
        st.lists(seps, min_size=8, max_size=8),
    )
    return st.one_of(structured, structured, structured, st.text(CHARS, max_size=200), huge())


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value, small."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63), st.floats(allow_nan=False,
                                                                                       allow_infinity=False),
                        ANY_TEXT, st.sampled_from(["1", "R-1", "1:2030-01-01", "{}", "[]", "null"]))
    return st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(ANY_TEXT, c, max_size=3),
                        max_leaves=6)


# ---- interactive payloads -------------------------------------------------------------------------

SCORE_IDS = tuple(f"{ids.CHECKIN_SCORE}_{n}" for n in range(1, 6))
PAGE_IDS = tuple(f"{p}_{d}" for p in (ids.RISK_PAGE, ids.FEEDBACK_PAGE, ids.LESSON_PAGE) for d in ("prev", "next"))
ACTION_IDS = (*SCORE_IDS, *PAGE_IDS, ids.CHECKIN_STATUS, ids.CHECKIN_COMMENT, ids.CHECKIN_LOG_RISK,
              ids.STANDUP_OPEN, ids.STANDUP_BLOCKER_RISK, ids.REVIEW_VALID, ids.REVIEW_UPDATE, ids.REVIEW_CLOSE,
              ids.SUMMARY_FULL_RISKS, ids.SCOPE_APPROVE, ids.SCOPE_REJECT, ids.STANDUP_CHANGE, ids.CHECKIN_CHANGE,
              ids.LESSON_OPEN, ids.RISK_DUPLICATE)
CALLBACK_IDS = (ids.RISK_MODAL, ids.FEEDBACK_MODAL, ids.CHECKIN_COMMENT_MODAL, ids.STANDUP_MODAL,
                ids.RISK_UPDATE_MODAL, ids.SCOPE_BASELINE_MODAL, ids.SCOPE_CHANGE_MODAL, ids.LESSON_MODAL)
BLOCK_IDS = tuple(v for k, v in vars(ids).items() if k.startswith("B_"))


def action_value(world_ids: dict[str, int]) -> st.SearchStrategy[Any]:
    """What a button's `value` may come back as: the shapes the bot writes, with real and wrong ids."""
    n = st.one_of(st.sampled_from(sorted(set(world_ids.values()) | {0, 1, 2, 3, 999, 10**9, -1})),
                  st.integers(-10**15, 10**15))
    shaped = st.one_of(
        n.map(str),
        st.builds(lambda a, d: f"{a}:{d}", n, st.one_of(_dates(), ANY_TEXT)),
        st.builds(lambda a, u: f"{a}:{u}", n, st.sampled_from(["on_track", "at_risk", "off_track", "", "x"])),
        st.builds(lambda d: json.dumps(d), st.fixed_dictionaries({}, optional={
            "n": st.one_of(n, json_values()), "p": st.one_of(n, json_values()), "page": st.one_of(n, json_values()),
            "a": json_values(), "poll": st.one_of(n, json_values()),
            "u": st.one_of(st.sampled_from(["UMEMBER", "UMGR", "UGUEST", "U" * 40, ""]), json_values()),
            "c": st.one_of(n, json_values())})),
    )
    return st.one_of(shaped, shaped, json_values(), huge())


def element_state() -> st.SearchStrategy[Any]:
    """One input's state in `view.state.values`: every element type, with any content, or anything."""
    v = st.one_of(ANY_TEXT, value(), json_values())
    option_ = st.one_of(st.fixed_dictionaries({"value": v}), json_values())
    return st.one_of(
        st.fixed_dictionaries({"type": st.just("plain_text_input"), "value": v}),
        st.fixed_dictionaries({"type": st.sampled_from(["static_select", "radio_buttons", "external_select"]),
                               "selected_option": option_}),
        st.fixed_dictionaries({"type": st.just("checkboxes"), "selected_options": st.one_of(
            st.lists(option_, max_size=3), json_values())}),
        st.fixed_dictionaries({"type": st.just("users_select"), "selected_user": st.one_of(
            st.sampled_from(["UMEMBER", "UGUEST", "W1", "U" * 40, "B1"]), json_values())}),
        st.fixed_dictionaries({"type": st.just("datepicker"), "selected_date": st.one_of(_dates(), v)}),
        st.fixed_dictionaries({"type": st.just("number_input"), "value": v}),
        st.fixed_dictionaries({"type": st.just("rich_text_input"), "rich_text_value": json_values()}),
        st.fixed_dictionaries({"type": ANY_TEXT}, optional={"value": v}),
        json_values(),
    )


def state_values(view: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`view.state.values` for `view`: its own inputs (mostly under their own action_id), others, any state."""
    own = [(b["block_id"], b["element"].get("action_id", b["block_id"])) for b in view.get("blocks", [])
           if b.get("type") == "input" and b.get("element")]
    pairs = st.one_of(st.sampled_from(own), st.tuples(st.sampled_from(BLOCK_IDS), ANY_TEXT)) if own else \
        st.tuples(st.sampled_from(BLOCK_IDS), ANY_TEXT)
    entry = st.tuples(pairs, element_state())
    inner = st.lists(entry, max_size=len(own) + 2).map(
        lambda es: {b: {a: s} for (b, a), s in es})
    return st.one_of(inner, inner, inner, st.dictionaries(st.sampled_from(BLOCK_IDS), json_values(), max_size=4))


def metadata(original: str | None) -> st.SearchStrategy[Any]:
    """`private_metadata` as it came back: as written, one value changed, not JSON, or missing (None)."""
    written = json.loads(original) if original else {}
    one_changed = st.builds(lambda k, v: json.dumps({**written, k: v}), st.sampled_from(sorted(written) or ["x"]),
                            st.one_of(json_values(), st.integers(-2**70, 2**70), st.sampled_from(["\x00", "D" * 60])))
    return st.one_of(st.just(original), one_changed, one_changed, st.none(), ANY_TEXT, huge(),
                     json_values().map(lambda v: json.dumps(v)),
                     st.builds(lambda d: json.dumps(d), st.dictionaries(
                         st.sampled_from(["poll", "channel", "ts", "n", "s", "d", "c", "source"]),
                         json_values(), max_size=5)))
