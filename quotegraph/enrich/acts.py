"""The "acts" enrichment step: what kind of speech act each attribution is.

The cue decides when it is specific ("denied" -> deny, "called for" -> appeal);
a framing verb ("called the report baseless") looks at the words after it; a
neutral cue ("said") leaves it to the speaker (media and documents report) and
to a few conservative content patterns. The word lists and the order of the
rules are in ``data/acts.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from quotegraph.config import Settings
from quotegraph.enrich import step
from quotegraph.model import Article, Attribution, Span
from quotegraph.nlp.mentions import lexicon
from quotegraph.text.sentences import SENTENCE_END

DATA = Path(__file__).parent / "data" / "acts.toml"
WORD = re.compile(r"[^\W\d_]+(?=n['’]t\b)|n['’]t\b|['’](?:s|re)\b|[^\W_]+(?:[-'’.][^\W_]+)*")
WINDOW_BREAK = re.compile(r"[.!?:\n]|,\s*[\"“‘]")
OPENING_QUOTE = re.compile(r"[\s,]*[\"“‘']")
HEAD_END = re.compile(
    r",|\s[-–—]|\s(?:of|for|at|in|from|by|with|on|to|about|like|such as|who|which|that|"
    + "|".join(sorted(lexicon()["release_participles"]))
    + r")\s",
    re.IGNORECASE,
)
GAP = 4  # words a "*" of a phrase stands for, at most
WINDOW = 8  # words after the cue that phrases and framing words may reach
NEUTRAL = "statement"
PRONOUNS = frozenset({"i", "he", "she", "we", "you", "they", "him", "her"})
SUFFIXES = (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("d", ""), ("ied", "y"), ("ing", ""), ("ing", "e"))


@dataclass(frozen=True)
class Match:
    """A phrase found in a list of lemmas: its label, where it lies, and how many fixed words it has."""

    label: str
    start: int
    end: int
    size: int


class Lexicon:
    """Labelled phrases of lemmas ("call for", "ask * to"), matched against lemmatised text."""

    def __init__(self, phrases: dict[str, list[str]], forms: dict[str, str], words: tuple[str, ...] = ()) -> None:
        """Index ``phrases`` by label; ``words`` are more lemmas to know ("refuse" of "refused")."""
        self.forms = forms
        self.labels = list(phrases)
        self.vocabulary = {w for ps in phrases.values() for p in ps for w in p.split()}
        self.vocabulary |= set(forms.values()) | set(words)
        self.by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for label, entries in phrases.items():
            for entry in entries:
                lemmas = tuple(w if w == "*" else self.lemma(w) for w in entry.split())
                self.by_first[lemmas[0]].append((label, lemmas))

    def lemma(self, word: str) -> str:
        """Return the lemma of ``word``: a form of the table, a stripped form the lexicon knows, or the word."""
        word = word.lower()
        if word in self.forms:
            return self.forms[word]
        for suffix, replacement in SUFFIXES:
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                stem = word[: -len(suffix)]
                for candidate in (stem + replacement, undouble(stem) + replacement):
                    if candidate in self.vocabulary:
                        return candidate
        return word

    def lemmas(self, text: str) -> list[str]:
        """Return the lemmas of the words of ``text``."""
        return [self.lemma(w) for w in WORD.findall(text)]

    def matches(self, lemmas: list[str], starts: range) -> list[Match]:
        """Return every phrase that matches ``lemmas`` from a position in ``starts``."""
        found = []
        for start in starts:
            for label, words in self.by_first.get(lemmas[start], ()):
                end = match_at(words, lemmas, start)
                if end is not None:
                    found.append(Match(label, start, end, sum(w != "*" for w in words)))
        return found


def undouble(stem: str) -> str:
    """Drop a doubled final consonant ("admitt" -> "admit")."""
    return stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls" else stem


def match_at(words: tuple[str, ...], lemmas: list[str], i: int) -> int | None:
    """Return where ``words`` ends when it matches ``lemmas`` from ``i`` (gaps as short as can be), else None."""
    if not words:
        return i
    if words[0] == "*":
        for j in range(i, min(i + GAP, len(lemmas)) + 1):
            end = match_at(words[1:], lemmas, j)
            if end is not None:
                return end
        return None
    if i < len(lemmas) and lemmas[i] == words[0]:
        return match_at(words[1:], lemmas, i + 1)
    return None


@dataclass(frozen=True)
class Rules:
    """The act lexicon of ``data/acts.toml``, compiled."""

    cues: Lexicon
    framing_verbs: frozenset[tuple[str, ...]]
    framing: Lexicon
    negation: frozenset[str]
    negation_keeps: frozenset[str]
    media_heads: frozenset[str]
    media_names: re.Pattern[str]
    content: dict[str, re.Pattern[str]]


@cache
def rules() -> Rules:
    """Load and compile ``data/acts.toml`` once."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    forms, framing = data["forms"], dict(data["framing"])
    cues = Lexicon(data["cues"], forms, tuple(data["negation"]["words"]))
    verbs = framing.pop("verbs")
    names = sorted(data["media"]["names"], key=len, reverse=True)
    return Rules(
        cues=cues,
        framing_verbs=frozenset(tuple(cues.lemmas(v)) for v in verbs),
        framing=Lexicon(framing, forms),
        negation=frozenset(data["negation"]["words"]),
        negation_keeps=frozenset(data["negation"]["keeps"]),
        media_heads=frozenset(data["media"]["heads"]),
        media_names=re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\W*$", re.IGNORECASE),
        content={act: re.compile("|".join(f"(?:{p})" for p in ps), re.I) for act, ps in data["content"].items()},
    )


@step("acts")
def acts(article: Article, settings: Settings) -> Article:
    """Set the speech act of every attribution."""
    for attribution in article.attributions:
        attribution.act = act_of(article.text, attribution)
    return article


def act_of(text: str, attribution: Attribution) -> str:
    """Return the speech act of one attribution of ``text``."""
    act = cue_act(text, attribution.cue) if attribution.cue else NEUTRAL
    if act == "report" and is_person(attribution):
        act = NEUTRAL
    if act in (NEUTRAL, "question") and attribution.cue and asks_to(attribution):
        return "appeal"
    if act != NEUTRAL:
        return act
    if is_media(attribution):
        return "report"
    return content_act(attribution.content.text) or NEUTRAL


# A content that is an object and an infinitive, or the infinitive alone: "his advisers to figure out", "to fact check".
INFINITIVE = re.compile(r"\s*(?:(?!that\b|to\b)[\w’'.-]+\s+){0,3}?to\s+[a-z]")


def asks_to(attribution: Attribution) -> bool:
    """Is it a request: "told his advisers to figure out", "has asked Lester Holt, the moderator, to fact check"?"""
    asking = {"ask", "tell"} & set(rules().cues.lemmas(attribution.cue.text))
    return bool(asking) and INFINITIVE.match(attribution.content.text) is not None


def cue_act(text: str, cue: Span) -> str:
    """Return the act the cue and the words after it name; ``statement`` for a neutral or unknown cue."""
    lexicon = rules().cues
    cue_lemmas = lexicon.lemmas(cue.text)
    lemmas = cue_lemmas + lexicon.lemmas(following(text, cue.end))
    negated = [i for i, w in enumerate(cue_lemmas) if w in rules().negation]
    found = [
        m
        for m in lexicon.matches(lemmas, range(len(cue_lemmas)))
        if m.label in rules().negation_keeps or not any(i < m.start for i in negated)
    ]
    if not found:
        return NEUTRAL
    best = max(found, key=lambda m: (m.size, m.label != NEUTRAL, m.start - m.end, m.start))
    if tuple(lemmas[best.start : best.end]) in rules().framing_verbs:
        return framed_act(lemmas[best.end :]) or best.label
    return best.label


def following(text: str, end: int) -> str:
    """Return the first ``WINDOW`` words after ``end``, up to the sentence end, a colon or a quotation."""
    if OPENING_QUOTE.match(text, end):
        return ""
    words, previous = [], end
    for match in WORD.finditer(text, end, min(len(text), end + 20 * WINDOW)):
        if len(words) == WINDOW or WINDOW_BREAK.search(text, previous, match.start()):
            break
        words.append(match.group())
        previous = match.end()
    return " ".join(words)


def framed_act(lemmas: list[str]) -> str | None:
    """Return the act of the first framing word ("baseless", "minor") among ``lemmas``, if any."""
    framing = rules().framing
    lemmas = [framing.lemma(w) for w in lemmas]  # the cue lexicon leaves words it does not know, "liars", as they are
    found = framing.matches(lemmas, range(len(lemmas)))
    return min(found, key=lambda m: (m.start, framing.labels.index(m.label))).label if found else None


def is_person(attribution: Attribution) -> bool:
    """Is the speaker a person (or, unresolved, a personal pronoun)?"""
    if attribution.speaker and attribution.speaker.type != "unknown":
        return attribution.speaker.type == "person"
    return attribution.source is not None and attribution.source.text.lower() in PRONOUNS


def is_media(attribution: Attribution) -> bool:
    """Is the speaker a newspaper, agency or document, or does the source's head noun name one?

    The head noun wins over the resolved speaker: "reports like the 2014
    National Climate Assessment" report, whatever the name resolved to.
    """
    if attribution.source is not None:
        head = source_head(attribution.source.text)
        words = WORD.findall(head.lower())
        if words and words[-1] in {"'s", "’s"}:
            words.pop()
        last = words[-1] if words else ""
        if {last, last.removesuffix("s")} & rules().media_heads:
            return True
        if (attribution.speaker is None or attribution.speaker.type == "unknown") and rules().media_names.search(head):
            return True
    return attribution.speaker is not None and attribution.speaker.type in {"media", "document"}


def source_head(source: str) -> str:
    """Return the head of a source: its text up to the first comma, preposition or relative pronoun."""
    return HEAD_END.split(source, maxsplit=1)[0].strip()


def content_act(content: str) -> str | None:
    """Return the act the first sentence of the content states (denies, accuses, warns, appeals, promises), if any."""
    end = SENTENCE_END.search(content)
    first = content[: end.end()] if end else content
    for act, pattern in rules().content.items():
        if pattern.search(first):
            return act
    return None
