"""The similarity of risk titles: pairs that say the same thing, and pairs that only share a word."""

from __future__ import annotations

import pytest

from bot.risks.similar import key_words, similar, similarity, stem

ALIKE = [
    ("Vendor API may slip", "Vendor API slipping"),
    ("Key client contact leaving", "Client's key contact leaves"),
    ("Key client contact leaving", "Client’s key contact leaves"),  # a curly apostrophe, as Slack sends it
    ("Vendors delivery late", "Vendor delivers late"),
    ("Server outage", "Server outages in production"),
    ("Budget overrun", "BUDGET OVERRUN!"),
    ("Integration delay", "Integratoin delays"),  # a typo
    ("Budget", "Budget"),
]
APART = [
    ("Office move", "Vendor API slip"),
    ("Budget overrun", "Budget approval late"),
    ("Key staff leave", "Key client contact leaving"),
    ("Vendor API may slip", "Vendor contract renewal"),
    ("Client contact leaving", "Contact the client about pricing"),
    ("The risk", "Office move"),
]


@pytest.mark.parametrize("a,b", ALIKE)
def test_pairs_that_say_the_same_thing_are_similar(a: str, b: str) -> None:
    assert similar(a, b) and similar(b, a)


@pytest.mark.parametrize("a,b", APART)
def test_pairs_that_share_at_most_a_word_are_not(a: str, b: str) -> None:
    assert not similar(a, b) and not similar(b, a)


def test_office_move_and_vendor_api_slip_have_nothing_in_common() -> None:
    assert similarity("Office move", "Vendor API slip") == 0.0


def test_key_words_drop_common_words_possessives_and_endings() -> None:
    assert key_words("The vendor's API may be slipping") == {"vendor", "api", "slip"}
    assert key_words("Client's key contact leaves") == key_words("Key client contact leaving")


@pytest.mark.parametrize("word,expected", [("slipping", "slip"), ("leaves", "leav"), ("leaving", "leav"),
                                           ("vendors", "vendor"), ("delays", "delay"), ("parties", "party"),
                                           ("api", "api"), ("is", "is")])
def test_stems(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_titles_of_common_words_only_are_compared_whole() -> None:
    assert similar("It may be", "it may be")
    assert not similar("It may be", "We will")
