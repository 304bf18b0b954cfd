"""Command text in the core's text: words, quotes, options, references, values. Inputs written as Slack
sends them (`should_escape: true`) are read with the Slack front end's `to_core` first, as it does."""

from __future__ import annotations

from datetime import date

import pytest

from bot import parsing
from bot import text as core_text
from bot.errors import UsageError
from handlers.slack.text import to_core

USAGE = "*Usage of /thing*"


def words(text: str) -> list[tuple[str, bool]]:
    return [(t.text, t.quoted) for t in parsing.tokenize(text)]


# ---- the tokenizer -----------------------------------------------------------------------------

def test_words_split_on_any_white_space() -> None:
    assert words("  add\tone \n two  ") == [("add", False), ("one", False), ("two", False)]
    assert words("") == []
    assert words("   ") == []


@pytest.mark.parametrize("text", [
    'add "Vendor may slip" p=3',
    "add “Vendor may slip” p=3",  # what Slack clients send with smart punctuation on
    "add ”Vendor may slip” p=3",
    "add „Vendor may slip“ p=3",
    "add «Vendor may slip» p=3",
])
def test_quoted_run_is_one_word(text: str) -> None:
    assert words(text) == [("add", False), ("Vendor may slip", True), ("p=3", False)]


@pytest.mark.parametrize("text", ['mitigation="weekly check in"', "mitigation=“weekly check in”",
                                  "mitigation=‘weekly check in’"])
def test_quoted_option_value_keeps_its_spaces(text: str) -> None:
    assert words(f"update R-1 {text} p=2") == [
        ("update", False), ("R-1", False), ("mitigation=weekly check in", False), ("p=2", False)]


def test_apostrophes_inside_words_are_not_quotes() -> None:
    assert words("add don’t worry it's fine") == [
        ("add", False), ("don’t", False), ("worry", False), ("it's", False), ("fine", False)]


def test_unclosed_quote_runs_to_the_end() -> None:
    assert words("add “never closed p=2") == [("add", False), ("never closed p=2", True)]


def test_escaped_mentions_stay_whole_even_with_spaces_in_the_label() -> None:
    assert words(to_core("add owner=<@U123|Bob Smith> on <#C42|sales team> now")) == [
        ("add", False), (f"owner={core_text.person('U123')}", False), ("on", False), (core_text.place("C42"), False),
        ("now", False)]


# ---- options, flags and free text -------------------------------------------------------------

def test_sub_command_options_and_text() -> None:
    p = parsing.parse("ADD Vendor may slip p=3 i=4", options={"probability", "impact"},
                      aliases={"p": "probability", "i": "impact"})
    assert p.sub == "add"
    assert p.options == {"probability": "3", "impact": "4"}
    assert p.rest == "Vendor may slip"


def test_options_anywhere_after_the_sub_command() -> None:
    opts = {"project", "owner"}
    a = parsing.parse("add project=Apollo Vendor may slip", options=opts)
    b = parsing.parse("add Vendor project=Apollo may slip", options=opts)
    c = parsing.parse("add Vendor may slip project=Apollo", options=opts)
    assert a.options == b.options == c.options == {"project": "Apollo"}
    assert a.rest == b.rest == c.rest == "Vendor may slip"


def test_key_with_several_words_in_quotes() -> None:
    for text in ('add x project="Big Deal" y', "add x project=“Big Deal” y"):
        p = parsing.parse(text, options={"project"})
        assert p.options == {"project": "Big Deal"}
        assert p.rest == "x y"


def test_option_keys_are_case_insensitive() -> None:
    assert parsing.parse("add x Project=Apollo", options={"project"}).options == {"project": "Apollo"}


@pytest.mark.parametrize("text", ['add "a=b is text"', "add “x=1”", "add “p=3”"])
def test_quoted_word_holding_equals_is_text(text: str) -> None:
    p = parsing.parse(text, options={"probability"}, aliases={"p": "probability"})
    assert p.options == {}
    assert "=" in p.rest


def test_unknown_option_is_refused_with_usage() -> None:
    with pytest.raises(UsageError) as e:
        parsing.parse("add x colour=red", options={"project"}, usage=USAGE)
    assert "colour=" in e.value.message and "project=" in e.value.message
    assert "quotes" in e.value.message  # says how to keep `=` in text
    assert e.value.usage == USAGE and USAGE in str(e.value)


def test_no_options_allowed_says_none() -> None:
    with pytest.raises(UsageError, match="options: none"):
        parsing.parse("act F-1 set limit=5")


def test_duplicate_option_is_refused() -> None:
    with pytest.raises(UsageError, match="twice") as e:
        parsing.parse("add x p=3 p=4", options={"probability"}, aliases={"p": "probability"}, usage=USAGE)
    assert e.value.usage == USAGE


def test_an_option_and_its_alias_count_as_the_same() -> None:
    with pytest.raises(UsageError, match="`probability=` is given twice"):
        parsing.parse("add x p=3 probability=4", options={"probability"}, aliases={"p": "probability"})


def test_flags_anywhere_by_default() -> None:
    p = parsing.parse("list all project=x", options={"project"}, flags={"all"})
    assert p.flags == {"all"} and p.words == []
    p = parsing.parse("list ALL", flags={"all"})
    assert p.flags == {"all"}


def test_leading_flags_stop_at_the_text() -> None:
    p = parsing.parse("client private The client wants private data kept anon",
                      flags={"client", "private", "anon"}, leading_flags_only=True, has_sub=False)
    assert p.flags == {"client", "private"}
    assert p.rest == "The client wants private data kept anon"


def test_options_between_flags_do_not_start_the_text() -> None:
    p = parsing.parse("project=Apollo private great demo", options={"project"}, flags={"private"},
                      leading_flags_only=True, has_sub=False)
    assert p.flags == {"private"} and p.rest == "great demo"


def test_quoted_flag_is_text() -> None:
    p = parsing.parse('"private" matters', flags={"private"}, leading_flags_only=True, has_sub=False)
    assert p.flags == set() and p.rest == '"private" matters'


def test_without_sub_command_the_first_word_is_text() -> None:
    p = parsing.parse("Great demo today", has_sub=False)
    assert p.sub == "" and p.rest == "Great demo today"


def test_free_text_is_kept_as_typed() -> None:
    p = parsing.parse('x The client said “too slow” on the call\nSecond line  here project=A',
                      options={"project"})
    assert p.rest == "The client said “too slow” on the call\nSecond line  here"
    assert p.text_from(3) == "“too slow” on the call\nSecond line  here"


def test_free_text_that_is_one_quoted_run_loses_its_quotes() -> None:
    assert parsing.parse("add “Vendor may slip” p=3", options={"p"}).rest == "Vendor may slip"
    assert parsing.parse("close R-1 “all good”").text_from(1) == "all good"


def test_empty_text() -> None:
    p = parsing.parse("")
    assert (p.sub, p.options, p.words, p.flags, p.rest) == ("", {}, [], set(), "")
    assert p.text_from(3) == ""


# ---- escaped mentions, channels and entities --------------------------------------------------

@pytest.mark.parametrize("value,expected", [("<@U123|name>", "U123"), ("<@U123>", "U123"),
                                            (" <@W9ABC|bob> ", "W9ABC")])
def test_user_mention(value: str, expected: str) -> None:
    assert parsing.user_id(to_core(value), "owner") == expected


@pytest.mark.parametrize("value", ["@bob", "U123", "bob", "<#C123|sales>", "<@u123>", ""])
def test_not_a_user_mention(value: str) -> None:
    with pytest.raises(UsageError, match="owner=") as e:
        parsing.user_id(to_core(value), "owner", USAGE)
    assert e.value.usage == USAGE


def test_several_users() -> None:
    assert parsing.user_ids(to_core("<@U1|a>,<@U2|b> <@U1>"), "members") == ["U1", "U2"]
    with pytest.raises(UsageError):
        parsing.user_ids(" , ", "members")
    with pytest.raises(UsageError):
        parsing.user_ids(to_core("<@U1|a>,bob"), "members")


@pytest.mark.parametrize("value,expected", [("<#C123|name>", "C123"), ("<#C123>", "C123"),
                                            ("<#G77|private>", "G77")])
def test_channel(value: str, expected: str) -> None:
    assert parsing.channel_id(to_core(value), "channel") == expected


@pytest.mark.parametrize("value", ["#sales", "sales", "<@U1|bob>", "C123"])
def test_not_a_channel(value: str) -> None:
    with pytest.raises(UsageError, match="channel="):
        parsing.channel_id(to_core(value), "channel", USAGE)


def test_mention_as_option_value_after_tokenizing() -> None:
    p = parsing.parse(to_core("add Ask <@U9|ann> owner=<@U123|bob> channel=<#C1|sales>"), options={"owner", "channel"})
    assert parsing.user_id(p.options["owner"], "owner") == "U123"
    assert parsing.channel_id(p.options["channel"], "channel") == "C1"
    assert p.rest == f"Ask {core_text.person('U9')}"


def test_plain_keeps_core_text_as_it_is() -> None:
    assert parsing.plain(" R&amp;D <urgent> ") == "R&amp;D <urgent>"  # core text is never decoded again
    assert parsing.plain("\u200b ") == ""


# ---- values -----------------------------------------------------------------------------------

def test_dates() -> None:
    assert parsing.iso_date("2030-02-28", "review") == date(2030, 2, 28)
    assert parsing.iso_date(" 2024-02-29 ", "review") == date(2024, 2, 29)


@pytest.mark.parametrize("value", ["2030-02-30", "2030-2-3", "28/02/2030", "tomorrow", "", "20300228"])
def test_bad_dates(value: str) -> None:
    with pytest.raises(UsageError, match="YYYY-MM-DD") as e:
        parsing.iso_date(value, "review", USAGE)
    assert e.value.usage == USAGE


@pytest.mark.parametrize("value,expected", [
    ("50000", 50000), ("50,000", 50000), ("50k", 50000), ("50K", 50000), ("1.5m", 1_500_000),
    ("$1,200", 1200), ("900€", 900), ("0", 0), ("12.5", 12.5),
])
def test_amounts(value: str, expected: float) -> None:
    assert parsing.amount(value, "budget") == expected


@pytest.mark.parametrize("value", ["-5", "abc", "", "1e3", "5 k", "k", "1" * 20])
def test_bad_amounts(value: str) -> None:
    with pytest.raises(UsageError, match="budget="):
        parsing.amount(value, "budget", USAGE)


@pytest.mark.parametrize("value,expected", [("R-12", 12), ("r12", 12), ("#12", 12), ("12", 12), ("r-7", 7),
                                            (" R-3 ", 3)])
def test_ids(value: str, expected: int) -> None:
    assert parsing.item_number(value, "R") == expected


@pytest.mark.parametrize("value", ["F-12", "R-", "R-x", "R12a", "-12", "R--1", "", "1234567890"])
def test_bad_ids(value: str) -> None:
    with pytest.raises(UsageError, match="R-12") as e:
        parsing.item_number(value, "R", USAGE)
    assert e.value.usage == USAGE


def test_whole_numbers_in_range() -> None:
    assert parsing.int_in("5", "p", 1, 5) == 5
    assert parsing.int_in(" 1 ", "p", 1, 5) == 1
    for bad in ("0", "6", "2.5", "three", "", "-1"):
        with pytest.raises(UsageError, match="from 1 to 5"):
            parsing.int_in(bad, "p", 1, 5, USAGE)


def test_choice() -> None:
    assert parsing.choice("Closed", "status", ["open", "closed"]) == "closed"
    with pytest.raises(UsageError, match="open, closed"):
        parsing.choice("done", "status", ["open", "closed"], USAGE)
