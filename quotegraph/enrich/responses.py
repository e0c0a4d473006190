"""The "continuations" and "responses" enrichment steps: how attributions hang together.

continuations (run first, right after extraction): news style runs a quotation
on over several paragraphs with one cue. The parts of a content that lie in
later paragraphs than its cue become attributions of their own, one per
paragraph, with no cue, the same source span (so the speaker step resolves
them like the first one) and ``continues`` set to the attribution of the
paragraph before. A cue-less quotation that opens a paragraph right after a
paragraph that ends with another attribution's quotation continues that one.
Ids are renumbered a1..aN in content order. ``merge_continuations`` undoes the
split, for scoring against corpora without continuations (PolNeAR).

responses (run after acts): a reply (a deny, confirm or downplay act, or a cue
such as "responded", "fired back", "dismissed") is linked to the attribution
whose claim it answers. Candidates are the other attributions of the article
by another speaker. Each scores

* ``SHARED`` times the content stems it shares with the reply, each weighted
  2/df (df: the number of attributions of the article whose content holds the
  stem, so 1 for a stem only the two share and less for the article's topic
  words), over the size of the smaller of the two stem sets (at least
  ``MIN_STEMS``): a denial that paraphrases the claim shares most of its stems;
* ``TARGET`` when the claim names the replier ("Smith accused Jones …",
  answered by Jones), or the reply names the claimant;
* ``MENTION`` when the reply points at the claim with a noun that fits it,
  after a determiner or a possessive ("Smith's remarks", "the allegations",
  "the report");
* minus ``LATER`` when the claim comes after the reply.

Only the ``NEARBY`` attributions on either side are candidates, which keeps
the step linear in the length of the article. The best candidate is linked
when it scores at least ``THRESHOLD`` and beats
every candidate of another speaker by ``MARGIN``; otherwise nothing is linked.
A reply is not linked to a reply of the same act (a headline and the lead that
restates it). An attribution that is not a reply is linked only to an earlier
accusation or question that names its speaker, or, when it accuses, appeals,
warns or questions itself, to a claim of someone it names ("Axelrod called on
Dean to apologize" answers Dean's tweet), on the same terms.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from quotegraph.config import Settings
from quotegraph.enrich import step
from quotegraph.enrich.acts import Lexicon, following, source_head
from quotegraph.enrich.acts import rules as act_rules
from quotegraph.model import Article, Attribution, Span
from quotegraph.text.words import SHAPE_ID, Words, tokenize

DATA = Path(__file__).parent / "data" / "responses.toml"
TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
NAME = re.compile(r"\b[A-Z][\w'’.-]*")
NAME_RUN = re.compile(r"\b[A-Z][\w'’.-]*+(?:\s+[A-Z][\w'’.-]*+)*+(?!\s+[a-z])")
POSSESSIVE = re.compile(r"['’]s?$")
SUFFIXES = (
    "ations", "ation", "ments", "ment", "ings", "ing", "ions", "ion", "ies", "ied", "ers", "ed", "es", "ly", "s",
)
STEM_LENGTH = 6  # stems are cut to this many characters: "classified" and "classification" meet
SHARED = 4.0  # weight of the content overlap, a share between 0 and 1
MIN_STEMS = 3  # the overlap of a reply or claim with fewer stems is counted over this many
THRESHOLD = 3.0  # score a claim needs to be linked
MARGIN = 0.5  # lead the best claim needs over a claim of another speaker
TARGET = 2.0  # the claim names the replier
MENTION = 2.0  # the reply points at the claim ("the allegations")
LATER = 1.0  # the claim comes after the reply
NEARBY = 40  # attributions on either side of a reply that may hold the claim it answers
WORDLIKE = [SHAPE_ID[s] for s in ("lower", "title", "upper", "mixed", "digit", "other")]
OPENING_QUOTES = "\"“‘'"


# ----------------------------------------------------------------- continuations


@step("continuations")
def continuations(article: Article, settings: Settings) -> Article:
    """Split contents that run into later paragraphs, and link cue-less quotations that run on."""
    words = article.ext.get("words")  # the pipeline's words, where it ran; made here otherwise
    attributions = []
    for attribution in article.attributions:
        groups = paragraph_groups(article.text, attribution)
        if len(groups) == 1:
            attributions.append(attribution)
            continue
        words = words or tokenize(article.text)
        attributions.extend(split(article.text, words, attribution, groups))
    link_runs_on(article.text, attributions)
    article.attributions = renumber(attributions)
    return article


def paragraph_groups(text: str, attribution: Attribution) -> list[list[tuple[int, int]]]:
    """Group the content parts by paragraph: the cue's paragraph (or the first) first, then each later one."""
    groups: list[list[tuple[int, int]]] = [[]]
    boundary = attribution.cue.end if attribution.cue else attribution.content.start
    for start, end in attribution.content.pieces:
        if groups[-1] and start > boundary and "\n" in text[boundary:start]:
            groups.append([])
        groups[-1].append((start, end))
        boundary = max(boundary, end)
    return groups


def split(text: str, words: Words, attribution: Attribution, groups: list[list[tuple[int, int]]]) -> list[Attribution]:
    """Return the attribution cut to its first paragraph group, then one continuation per later group."""
    first = attribution.model_copy(
        update={"content": Span.from_parts(text, groups[0]), "kind": quote_kind(words, groups[0])}
    )
    chain = [first]
    for n, group in enumerate(groups[1:], 1):
        chain.append(
            attribution.model_copy(
                update={
                    "id": f"{attribution.id}.{n}",
                    "cue": None,
                    "content": Span.from_parts(text, group),
                    "kind": quote_kind(words, group),
                    "continues": chain[-1].id,
                    "responds_to": None,
                }
            )
        )
    return chain


def quote_kind(words: Words, pieces: list[tuple[int, int]]) -> str:
    """Direct when every word of ``pieces`` is inside quotation marks, mixed when some are, else indirect."""
    inside = []
    for start, end in pieces:
        lo, hi = np.searchsorted(words.starts, start), np.searchsorted(words.starts, end)
        wordlike = np.isin(words.shape[lo:hi], WORDLIKE)
        inside.append((words.context[lo:hi] & 1)[wordlike])
    flags = np.concatenate(inside)
    if flags.size and flags.all():
        return "direct"
    return "mixed" if flags.any() else "indirect"


def link_runs_on(text: str, attributions: list[Attribution]) -> None:
    """Set ``continues`` on cue-less quotations that open a paragraph after one ending in another's quotation."""
    for attribution in attributions:
        if attribution.cue is not None or attribution.continues or attribution.kind != "direct":
            continue
        paragraph = text.rfind("\n", 0, attribution.content.start) + 1
        if paragraph == 0 or text[paragraph : attribution.content.start].strip(OPENING_QUOTES + " \t"):
            continue
        before = len(text[:paragraph].rstrip())
        previous = [
            other
            for other in attributions
            if other is not attribution
            and other.kind != "indirect"
            and other.content.end <= before
            and only_closing(text[other.content.end : before])
        ]
        if previous:
            attribution.continues = max(previous, key=lambda other: other.content.end).id


def only_closing(tail: str) -> bool:
    """Is ``tail`` (the text after a content up to its paragraph's end) only closing quotes and punctuation?"""
    return "\n" not in tail and not any(c.isalnum() for c in tail)


def renumber(attributions: list[Attribution], alias: dict[str, str] | None = None) -> list[Attribution]:
    """Number attributions a1..aN by content start (ties keep their order) and update the ids they refer to.

    ``alias`` maps ids that are dropped to the ids that stand for them now.
    """
    ordered = sorted(attributions, key=lambda a: a.content.start)
    new = {a.id: f"a{i}" for i, a in enumerate(ordered, 1)}
    for old, kept in (alias or {}).items():
        new[old] = new[kept]
    for attribution in ordered:
        attribution.id = new[attribution.id]
        attribution.continues = new.get(attribution.continues) if attribution.continues else None
        attribution.responds_to = new.get(attribution.responds_to) if attribution.responds_to else None
    return ordered


def merge_continuations(attributions: list[Attribution], text: str) -> list[Attribution]:
    """Fold every continuation into the attribution it continues, as one discontinuous content; renumber."""
    by_id = {a.id: a for a in attributions}
    pieces: dict[str, list[tuple[int, int]]] = defaultdict(list)
    kinds: dict[str, set[str]] = defaultdict(set)
    alias = {}
    for attribution in attributions:
        root = chain_root(attribution, by_id)
        pieces[root.id].extend(attribution.content.pieces)
        kinds[root.id].add(attribution.kind)
        if root is not attribution:
            alias[attribution.id] = root.id
    merged = [
        a.model_copy(
            update={
                "content": Span.from_parts(text, pieces[a.id]),
                "kind": next(iter(kinds[a.id])) if len(kinds[a.id]) == 1 else "mixed",
                "continues": None,
            }
        )
        for a in attributions
        if a.id not in alias
    ]
    return renumber(merged, alias)


def chain_root(attribution: Attribution, by_id: dict[str, Attribution]) -> Attribution:
    """Return the first attribution of the chain of continuations ``attribution`` belongs to."""
    seen = {attribution.id}
    while attribution.continues in by_id and attribution.continues not in seen:
        attribution = by_id[attribution.continues]
        seen.add(attribution.id)
    return attribution


# ----------------------------------------------------------------- responses


@dataclass(frozen=True)
class Rules:
    """The word lists of ``data/responses.toml``, compiled."""

    reply_cues: Lexicon
    reply_acts: frozenset[str]
    answered_acts: frozenset[str]
    answering_acts: frozenset[str]
    claim_nouns: dict[str, frozenset[str]]
    pointers: frozenset[str]
    titles: frozenset[str]
    stopwords: frozenset[str]


@cache
def rules() -> Rules:
    """Load ``data/responses.toml`` once."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return Rules(
        reply_cues=Lexicon({"reply": data["reply"]["cues"]}, act_rules().cues.forms),
        reply_acts=frozenset(data["reply"]["acts"]),
        answered_acts=frozenset(data["reply"]["answered_acts"]),
        answering_acts=frozenset(data["reply"]["answering_acts"]),
        claim_nouns={act: frozenset(ws) for act, ws in data["claim_nouns"].items()},
        pointers=frozenset(data["pointers"]["words"]),
        titles=frozenset(data["names"]["titles"]),
        stopwords=frozenset(data["stopwords"]["words"]),
    )


@dataclass(frozen=True)
class Claim:
    """What the responses step compares of one attribution."""

    attribution: Attribution
    index: int
    speaker: str | None
    names: frozenset[str]
    stems: frozenset[str]
    context: frozenset[str]
    pointed: frozenset[str]
    reply: bool


@step("responses")
def responses(article: Article, settings: Settings) -> Article:
    """Link each reply (and each answer to an accusation naming its speaker) to the claim it answers."""
    by_id = {a.id: a for a in article.attributions}
    claims = [describe(article, a, i, by_id) for i, a in enumerate(article.attributions)]
    df = Counter(s for c in claims for s in c.stems)
    for n, reply in enumerate(claims):
        nearby = claims[max(0, n - NEARBY) : n + NEARBY + 1]
        reply.attribution.responds_to = answered(reply, nearby, df)
    return article


def describe(article: Article, attribution: Attribution, index: int, by_id: dict[str, Attribution]) -> Claim:
    """Gather the speaker, names, content stems and the words of cue, the words after it and content."""
    root = chain_root(attribution, by_id)
    names = speaker_names(article, root)
    cue = attribution.cue
    around = f"{cue.text} {following(article.text, cue.end)} " if cue else ""
    around += attribution.content.text
    return Claim(
        attribution=attribution,
        index=index,
        speaker=speaker_key(root, names),
        names=names,
        stems=frozenset(stems(attribution.content.text)),
        context=frozenset(name_word(w) for w in TOKEN.findall(around)),
        pointed=pointed_nouns(around),
        reply=is_reply(article.text, attribution),
    )


def is_reply(text: str, attribution: Attribution) -> bool:
    """Is the attribution a reply: a replying act, or a cue like "responded", "fired back", "dismissed"?"""
    if attribution.act in rules().reply_acts:
        return True
    if attribution.cue is None:
        return False
    lexicon = rules().reply_cues
    cue = lexicon.lemmas(attribution.cue.text)
    return bool(lexicon.matches(cue + lexicon.lemmas(following(text, attribution.cue.end)), range(len(cue))))


def pointed_nouns(text: str) -> frozenset[str]:
    """Return the words (singular, lowercase) that follow a determiner or a possessive within two words."""
    tokens = TOKEN.findall(text)
    pointers = [t.lower() in rules().pointers or POSSESSIVE.search(t) is not None for t in tokens]
    return frozenset(t.lower().removesuffix("s") for i, t in enumerate(tokens) if any(pointers[max(0, i - 2) : i]))


def name_word(word: str) -> str:
    """Lowercase a word and drop a possessive and a final full stop ("Jones's" -> "jones")."""
    return POSSESSIVE.sub("", word.lower().rstrip("."))


def speaker_names(article: Article, attribution: Attribution) -> frozenset[str]:
    """Return the lowercase name words of the speaker: its entity's names, its name, the names its source starts with.

    Of the source only the head counts ("Rep. Adam Schiff, the top Democrat on
    …" -> "Rep. Adam Schiff"), and a capitalised run before a lowercase word is
    a modifier, not a name ("Clinton supporters", "Nuclear proliferation experts").
    """
    texts = []
    speaker = attribution.speaker
    if speaker is not None:
        texts += [name for e in article.entities if e.id == speaker.entity for name in (e.name, *e.names)]
        texts.append(speaker.name or "")
    if attribution.source is not None:
        texts += NAME_RUN.findall(source_head(attribution.source.text))
    words = (name_word(w) for t in texts for w in NAME.findall(t))
    return frozenset(w for w in words if w and w not in rules().titles)


def speaker_key(attribution: Attribution, names: frozenset[str]) -> str | None:
    """Return what identifies the speaker: its entity, else the last name word of its source, else the source."""
    if attribution.speaker is not None and attribution.speaker.entity:
        return attribution.speaker.entity
    if attribution.source is None:
        return None
    source_names = [w for w in map(name_word, NAME.findall(attribution.source.text)) if w in names]
    return source_names[-1] if source_names else attribution.source.text.lower()


def stem(word: str) -> str:
    """Strip one common suffix and cut the word to ``STEM_LENGTH`` characters."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:STEM_LENGTH]


def stems(text: str) -> set[str]:
    """Return the stems of the content words of ``text`` (lowercased, stopwords and short words left out)."""
    stop = rules().stopwords
    return {stem(w) for w in (t.lower() for t in TOKEN.findall(text)) if len(w) > 2 and w not in stop}


def answered(reply: Claim, claims: list[Claim], df: Counter) -> str | None:
    """Return the id of the claim ``reply`` answers, or None when none is clear enough."""
    scored = [(score(reply, claim, df), claim) for claim in claims if may_answer(reply, claim)]
    if not scored:
        return None
    # best first; on a tie an earlier claim, then the nearest
    scored.sort(key=lambda pair: (-pair[0], pair[1].index > reply.index, abs(pair[1].index - reply.index)))
    best_score, best = scored[0]
    rivals = [s for s, claim in scored[1:] if claim.speaker != best.speaker]
    if best_score < THRESHOLD or (rivals and best_score - rivals[0] < MARGIN):
        return None
    return best.attribution.id


def may_answer(reply: Claim, claim: Claim) -> bool:
    """May ``reply`` answer ``claim``: another speaker's, not a like reply; for a non-reply, an accusation naming it?"""
    if claim is reply or claim.attribution.responds_to == reply.attribution.id:
        return False
    if reply.speaker is not None and claim.speaker == reply.speaker:
        return False
    if reply.reply and claim.reply and claim.attribution.act == reply.attribution.act:
        return False  # a restatement (a headline and its lead), not a claim and its answer
    if reply.reply:
        return True
    if reply.attribution.act in rules().answering_acts and targets(reply, claim):
        return True  # "Axelrod calls on Dean to apologize" answers Dean's tweet
    return claim.index < reply.index and claim.attribution.act in rules().answered_acts and targets(claim, reply)


def targets(claim: Claim, reply: Claim) -> bool:
    """Does ``claim`` name the speaker of ``reply``?"""
    return bool(reply.names & claim.context)


def score(reply: Claim, claim: Claim, df: Counter) -> float:
    """Score how well ``claim`` fits as the claim ``reply`` answers."""
    smaller = max(MIN_STEMS, min(len(reply.stems), len(claim.stems)))
    shared = sum(2 / df[s] for s in reply.stems & claim.stems) / smaller
    nouns = rules().claim_nouns
    mentioned = bool(reply.pointed & (nouns["any"] | nouns.get(claim.attribution.act or "", frozenset())))
    later = claim.index > reply.index
    named = targets(claim, reply) or targets(reply, claim)
    return SHARED * shared + TARGET * named + MENTION * mentioned - LATER * later
