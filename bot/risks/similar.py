"""Whether two risk titles say much the same thing: the rule behind "similar open risks" on `/risk add`.

A pure function of two titles, so it is the same on every database and easy to test. How it decides:

1. Each title becomes a set of *key words*: lower-cased, possessives (`client's`) and punctuation
   dropped, common English words (`may`, `the`, `of`, `will`, …) removed, and each word cut to a
   rough stem (`slipping` -> `slip`, `leaves`/`leaving` -> `leav`, `vendors` -> `vendor`).
2. A key word of one title *matches* one of the other when the stems are equal or nearly so
   (difflib ratio >= 0.85, for typos such as `vendro`).
3. The titles are similar when the matched words make up at least 70% of both titles' key words
   together (Dice: 2 × matched / (|A| + |B|) >= 0.7) and at least two words match (one, when a
   title has a single key word). Two titles of three key words must then share all three; of four,
   three. A title of common words only is compared whole instead (difflib ratio >= 0.9).

So "Vendor API may slip" ~ "Vendor API slipping" (3 of 3 match) and "Key client contact leaving" ~
"Client's key contact leaves" (4 of 4), while "Office move" and "Vendor API slip" share nothing, and
"Budget overrun" vs "Budget approval late" share one word of five (0.4), and "Client contact leaving" vs
"Contact the client about pricing" two of six (0.67): not similar.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

THRESHOLD = 0.7
NEAR = 0.85  # two stems this alike (difflib ratio) count as the same word

STOP_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "from", "with",
    "without", "into", "onto", "over", "under", "about", "as", "is", "are", "was", "were", "be", "been",
    "being", "may", "might", "could", "would", "should", "will", "shall", "can", "cannot", "must", "not", "no",
    "it", "its", "this", "that", "these", "those", "we", "our", "us", "they", "their", "them", "he", "she",
    "his", "her", "i", "my", "you", "your", "there", "here", "than", "then", "so", "too", "very", "just",
    "also", "some", "any", "more", "most", "less", "risk", "risks", "possible", "possibly", "potential",
    "likely", "due", "get", "gets", "getting",
})

_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ies", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    """A rough stem: a common ending cut while three letters or more remain, then a doubled last
    consonant made single (`slipping` -> `slipp` -> `slip`)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if suffix == "ies":
                word += "y"
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def key_words(title: str) -> set[str]:
    """The stems of a title's words that carry meaning."""
    text = title.lower().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    return {stem(w) for w in _WORD.findall(text) if w not in STOP_WORDS and not w.isdigit()}


def _matched(a: Iterable[str], b: set[str]) -> int:
    left = set(b)
    n = 0
    for word in sorted(a):
        if word in left:
            left.discard(word)
            n += 1
            continue
        near = next((w for w in sorted(left) if difflib.SequenceMatcher(None, word, w).ratio() >= NEAR), None)
        if near is not None:
            left.discard(near)
            n += 1
    return n


def similarity(a: str, b: str) -> float:
    """0.0 (nothing alike) to 1.0 (the same key words): Dice's coefficient over the key words."""
    wa, wb = key_words(a), key_words(b)
    if not wa or not wb:  # only common words: compare the whole titles instead
        ra, rb = " ".join(a.lower().split()), " ".join(b.lower().split())
        return difflib.SequenceMatcher(None, ra, rb).ratio() if ra and rb else 0.0
    return 2 * _matched(wa, wb) / (len(wa) + len(wb))


def similar(a: str, b: str) -> bool:
    """True when titles `a` and `b` are much alike (see the module's docstring for the rule)."""
    wa, wb = key_words(a), key_words(b)
    if not wa or not wb:
        return similarity(a, b) >= 0.9
    matched = _matched(wa, wb)
    return matched >= min(2, len(wa), len(wb)) and 2 * matched / (len(wa) + len(wb)) >= THRESHOLD
