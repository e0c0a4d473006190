"""Find the mentions of people and organisations in a text: names and pronouns.

No neural parser or coreference model works offline here, so mentions come from
the words' shapes and word lists (``quotegraph/enrich/data/lexicon.toml``):

- a **name** is a run of capitalised words, joined across "of", "for", "and", …
  only inside an organisation's name ("Ministry of Health"), across initials
  ("George W. Bush") and hyphens ("al-Qaeda"); a leading honorific or title
  ("Mrs.", "Sen.", "President") is split off into ``title``; a capitalised word
  that opens a sentence and is a common word ("But", "Read") does not start one;
- its **type** comes from its words: media names and heads ("Times", "Post"),
  organisation heads ("Ministry", "Committee"), all-capital acronyms, known
  first names and titles for people, the alias list for places;
- its **gender** comes from honorifics, gendered titles and first-name lists;
- a **pronoun** is any of the personal, possessive and relative pronouns.

On headline-like lines (nearly every word capitalised) only names whose last
word the article also uses elsewhere count.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from quotegraph.text.sentences import boundaries
from quotegraph.text.words import Words

LEXICON = Path(__file__).parent.parent / "enrich" / "data" / "lexicon.toml"
ALIASES = Path(__file__).parent.parent / "enrich" / "data" / "aliases.tsv"

CAPITALISED = re.compile(r"^[A-Z][\w’'.&-]*$|^[A-Z]\.$")
ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$|^[A-Z]{2,6}s?$")
INITIAL = re.compile(r"^[A-Z]$")
ABBREVIATED = re.compile(r"^(?:[A-Z]\.)+[A-Z]$")  # "U.S" of "U.S.", which the tokenizer splits
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
NICKNAME_QUOTES = {'"', "“", "”"}
PARTY_TAG = re.compile(r"\((?:[DRI]|Dem|Rep|Ind)\.?-[^()]{1,30}\)")  # "(D-Md.)", "(R-Ky.)"


@dataclass
class Mention:
    """A name or pronoun: where it is, what it may refer to."""

    start: int
    end: int
    text: str
    kind: str  # "name" or "pronoun"
    type: str  # person, organization, media, document, group, place or unknown
    gender: str | None = None  # "m", "f" or None
    title: str | None = None
    first_word: int = 0  # index of the mention's first word
    last_word: int = 0  # index of the mention's last word
    sentence_start: bool = False


@functools.cache
def lexicon() -> dict[str, frozenset[str]]:
    """Return the shipped word lists, each as a frozen set of lowercase entries."""
    data = tomllib.loads(LEXICON.read_text(encoding="utf-8"))
    return {key: frozenset(values) for key, values in data.items()}


@functools.cache
def shipped_aliases() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Return the shipped alias list as (type, canonical name, other names) rows."""
    return read_aliases(ALIASES)


def read_aliases(path: Path) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Read an alias TSV: type, canonical name, then other names; ``#`` starts a comment."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = [field.strip() for field in line.split("\t") if field.strip()]
        if len(fields) >= 2 and not fields[0].startswith("#"):
            rows.append((fields[0], fields[1], tuple(fields[2:])))
    return tuple(rows)


@functools.cache
def place_names() -> frozenset[str]:
    """Return every name and alias of the places in the shipped alias list, lowercase."""
    return frozenset(n.lower() for kind, name, others in shipped_aliases() if kind == "place" for n in (name, *others))


def find_mentions(text: str, words: Words) -> list[Mention]:
    """Return the names and pronouns of ``text`` in text order.

    A one-word name that opens a sentence must also stand capitalised inside a
    sentence somewhere, or be known as a name, to count ("Finally" and
    "Critics" do not).
    """
    tokens = [text[s:e] for s, e in zip(words.starts.tolist(), words.ends.tolist())]
    sentence_starts = opening_words(text, words, tokens)
    inside = {t for n, t in enumerate(tokens) if n not in sentence_starts and CAPITALISED.match(t)}
    headline = headline_words(text, words, tokens)
    lex = lexicon()
    pronouns = (
        lex["male_pronouns"] | lex["female_pronouns"] | lex["plural_pronouns"] | lex["neuter_pronouns"]
        | lex["speaker_pronouns"] | lex["relative_pronouns"]
    )
    party_tags = {n for m in PARTY_TAG.finditer(text) for n in range(*word_range(words, m.start(), m.end()))}
    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        if i in party_tags:
            i += 1
            continue
        lower = tokens[i].lower()
        is_pronoun = lower in pronouns and (tokens[i] == "I" or not tokens[i].isupper())  # not "WHO"
        if is_pronoun and (lower != "that" or i > 0 and tokens[i - 1] == ","):
            mentions.append(pronoun_mention(text, words, i, lower))
            i += 1
            continue
        if not CAPITALISED.match(tokens[i]):
            i += 1
            continue
        if lower in lex["not_names"] and not (lower in lex["honorifics"] or lower in lex["title_roles"] or ACRONYM.match(tokens[i])):
            i += 1
            continue
        last = name_end(text, words, tokens, i)
        mention = name_mention(text, words, tokens, i, last, i in sentence_starts)
        if mention is not None and not (
            mention.sentence_start and mention.first_word == last and mention.type in ("unknown", "group") and tokens[last] not in inside
        ):
            mentions.append(mention)
        i = last + 1
    known = {word for m in mentions if m.kind == "name" and m.first_word not in headline for word in m.text.split()}
    people = [m for m in mentions if m.kind == "name" and m.type == "person"]
    names = Counter(m.text for m in people)  # people's names and surnames: "Trump" of "Donald Trump"
    names.update(m.text.split()[-1] for m in people if " " in m.text)
    kept = []
    for mention in mentions:
        if mention.kind == "name" and mention.first_word in headline:
            kept.extend(known_parts(text, words, tokens, mention, known))
        elif mention.kind == "name":
            kept.extend(split_after_organisation(text, words, tokens, mention, names))
        else:
            kept.append(mention)
    return kept


def split_after_organisation(text: str, words: Words, tokens: list[str], mention: Mention, names: Counter) -> list[Mention]:
    """Split a name run where an organisation's name ends and a person's name or surname used elsewhere begins.

    A missing comma joins them: "the editorial board of the Washington Post Trump said" gives the
    Washington Post and Trump; "Senate Republicans" stays whole. ``names`` counts the people's names and
    surnames of all mentions, this one's too.
    """
    heads = lexicon()["organization_heads"] | lexicon()["media_heads"]
    for n in range(mention.first_word, mention.last_word):
        tail = text[int(words.starts[n + 1]) : mention.end]
        own = mention.type == "person" and " " not in tail  # this run's own surname, counted once in ``names``
        if tokens[n].lower() in heads and names[tail] > own:
            return [
                name_part(text, words, mention.first_word, n, sentence_start=mention.sentence_start),
                name_part(text, words, n + 1, mention.last_word),
            ]
    return [mention]


def name_part(text: str, words: Words, first: int, last: int, *, sentence_start: bool = False) -> Mention:
    """Return words ``first`` to ``last`` of a longer name run as a name of their own, typed afresh."""
    start, end = int(words.starts[first]), int(words.ends[last])
    name_type, gender = name_type_of(text[start:end], None)
    return Mention(
        start=start, end=end, text=text[start:end], kind="name", type=name_type, gender=gender,
        first_word=first, last_word=last, sentence_start=sentence_start,
    )


def known_parts(text: str, words: Words, tokens: list[str], mention: Mention, known: set[str]) -> list[Mention]:
    """Split a headline name into the runs of words the article uses elsewhere.

    "Chris Christie Calls Hillary Clinton" gives Chris Christie and Hillary Clinton.
    """
    parts = []
    n = mention.first_word
    while n <= mention.last_word:
        if tokens[n] not in known:
            n += 1
            continue
        last = n
        while last + 1 <= mention.last_word and tokens[last + 1] in known:
            last += 1
        parts.append(name_part(text, words, n, last))
        n = last + 1
    return parts


def word_range(words: Words, start: int, end: int) -> tuple[int, int]:
    """Return the indexes of the first word at or after ``start`` and of the first word at or after ``end``."""
    return int(np.searchsorted(words.starts, start)), int(np.searchsorted(words.starts, end))


def opening_words(text: str, words: Words, tokens: list[str]) -> set[int]:
    """Return the indexes of words that open a sentence, a paragraph or a quotation."""
    ends = boundaries(text)
    starts = np.searchsorted(words.starts, ends, side="left")
    opening = {0, *starts.tolist()}
    opening.update(n + 1 for n, t in enumerate(tokens) if t in "“‘\"'(")
    return opening


def headline_words(text: str, words: Words, tokens: list[str]) -> set[int]:
    """Return the indexes of words on title-case lines ("Stealth Over Health: …")."""
    found: set[int] = set()
    line_start = 0
    n = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        first = n
        while n < len(tokens) and words.starts[n] < line_end:
            n += 1
        alphabetic = [t for t in tokens[first:n] if t[:1].isalpha() and len(t) > 3]
        if len(alphabetic) >= 3 and sum(t[0].isupper() for t in alphabetic) >= 0.8 * len(alphabetic):
            found.update(range(first, n))
        line_start = line_end + 1
    return found


def name_end(text: str, words: Words, tokens: list[str], first: int) -> int:
    """Return the index of the last word of the name that starts at ``first``."""
    lex = lexicon()
    last = first
    j = first + 1
    while j < len(tokens):
        token, lower = tokens[j], tokens[j].lower()
        adjacent = words.starts[j] == words.ends[j - 1]
        abbreviation = tokens[j - 1].lower() + "."
        if token == "." and adjacent and (
            INITIAL.match(tokens[j - 1]) or ABBREVIATED.match(tokens[j - 1])
            or abbreviation in SUFFIXES or abbreviation in lex["honorifics"] or abbreviation in lex["title_roles"]
        ):
            last = j
        elif token == "-" and adjacent and j + 1 < len(tokens) and words.starts[j + 1] == words.ends[j]:
            last = j + 1
            j += 1
        elif CAPITALISED.match(token) and lower not in lex["not_names"] and "\n" not in text[words.ends[j - 1] : words.starts[j]]:
            last = j
        elif lower in lex["name_joiners"] and (
            j + 1 < len(tokens) and CAPITALISED.match(tokens[j + 1]) and tokens[j + 1].lower() not in lex["not_names"]
            or j + 2 < len(tokens) and tokens[j + 1] in ("a", "the") and CAPITALISED.match(tokens[j + 2])
        ):  # not "… Council on Friday"
            skip = 1 if CAPITALISED.match(tokens[j + 1]) else 2  # "Committee for a Responsible Federal Budget"
            joined = name_end(text, words, tokens, j + skip)
            head_before = any(t.lower() in lex["organization_heads"] for t in tokens[first : j])
            head_after = tokens[joined].lower() in lex["organization_heads"]
            after_title = lower == "of" and tokens[j - 1].lower() in lex["title_roles"]  # "Secretary of State John Kerry"
            if (lower in ("of", "for", "on") and (head_before or after_title)) or (lower in ("and", "&") and head_after):
                last = joined
                j = joined
            else:
                break
        elif (
            token in NICKNAME_QUOTES and j + 3 < len(tokens) and CAPITALISED.match(tokens[j + 1])
            and tokens[j + 2] in NICKNAME_QUOTES and CAPITALISED.match(tokens[j + 3])
        ):  # Robert C. "Bobby" Scott
            last = j + 3
            j += 3
        elif token == "," and j + 1 < len(tokens) and tokens[j + 1].lower() in SUFFIXES:
            last = j + 1
            j += 1
        else:
            break
        j += 1
    return last


def name_mention(
    text: str, words: Words, tokens: list[str], first: int, last: int, sentence_start: bool
) -> Mention | None:
    """Type a run of capitalised words; None when it is only a title or a common word.

    The title is what comes up to the run's last title word: "Indiana Gov. Mike
    Pence" is Mike Pence with the title "Indiana Gov.".
    """
    name_start = first
    i = first
    while i <= last:
        width = title_width(words, tokens, i, last)
        if width:
            i += width + title_object_width(tokens, i + width, last)
            if i <= last:
                name_start = i
        else:
            i += 1
    if name_start == first and title_width(words, tokens, first, last):
        return None
    i = name_start
    if sentence_start and i == first == last and tokens[i].lower() in lexicon()["not_names"] and not ACRONYM.match(tokens[i]):
        return None
    title = text[int(words.starts[first]) : int(words.ends[i - 1])] if i > first else None
    start, end = int(words.starts[i]), int(words.ends[last])
    name = text[start:end]
    name_type, gender = name_type_of(name, title)
    if name_type == "unknown" and name.lower() in lexicon()["media_heads"] and text[max(0, start - 4) : start].lower() == "the ":
        name_type = "media"  # "the Times", "the Post"
    return Mention(
        start=start, end=end, text=name, kind="name", type=name_type, gender=gender, title=title,
        first_word=i, last_word=last, sentence_start=sentence_start and i == first,
    )


def title_object_width(tokens: list[str], i: int, last: int) -> int:
    """Return how many words at ``i`` continue a title with what it is of ("of the House", "of State"), or 0.

    At least one word is left for the name.
    """
    if i > last or tokens[i] != "of":
        return 0
    objects = lexicon()["title_objects"]
    width = 1
    while i + width < last and (tokens[i + width].lower() in objects or ACRONYM.match(tokens[i + width])):
        width += 1
    return width if width > 1 and tokens[i + width - 1] != "the" else 0


def title_width(words: Words, tokens: list[str], i: int, last: int) -> int:
    """Return how many words the title or honorific at word ``i`` spans ("Vice President", "Sen ."), or 0."""
    lex = lexicon()
    titles = lex["honorifics"] | lex["title_roles"]
    dotted = i < last and tokens[i + 1] == "." and words.starts[i + 1] == words.ends[i]
    if dotted and tokens[i].lower() + "." in titles:
        return 2
    if i < last and f"{tokens[i]} {tokens[i + 1]}".lower() in titles:
        return 2
    return 1 if tokens[i].lower() in titles else 0


def name_type_of(name: str, title: str | None) -> tuple[str, str | None]:
    """Return the type and gender a name's own words suggest."""
    lex = lexicon()
    lower = name.lower()
    parts = lower.replace(".", ". ").split()
    head = parts[-1] if parts else ""
    gender = None
    if title:
        title_lower = title.lower()
        if title_lower in lex["female_honorifics"] or title_lower in lex["female_words"]:
            gender = "f"
        elif title_lower in lex["male_honorifics"] or title_lower in lex["male_words"]:
            gender = "m"
    if gender is None and parts:
        gender = "f" if parts[0] in lex["female_names"] else "m" if parts[0] in lex["male_names"] else None
    if title:
        return "person", gender
    if lower in lex["media_names"] or lower.removeprefix("the ") in lex["media_names"]:
        return "media", None
    if lower in place_names():
        return ("group" if lower.endswith(("ns", "ese")) and lower not in ("americas",) else "place"), None
    if len(parts) > 1 and head in lex["media_heads"]:
        return "media", None
    if head in lex["organization_heads"] or ACRONYM.match(name):
        return "organization", None
    if any(word in lex["organization_heads"] and after in ("of", "for") for word, after in zip(parts, parts[1:])):
        return "organization", None  # "Committee for a Responsible Federal Budget", "University of Virginia"
    if lower.endswith("s") and lower in lex["group_heads"]:
        return "group", None
    if head in lex["other_heads"]:
        return "other", None
    if gender is not None:
        return "person", gender
    return "unknown", None


def pronoun_mention(text: str, words: Words, i: int, lower: str) -> Mention:
    """Return the mention of the pronoun at word ``i``."""
    lex = lexicon()
    gender = "m" if lower in lex["male_pronouns"] else "f" if lower in lex["female_pronouns"] else None
    start, end = int(words.starts[i]), int(words.ends[i])
    return Mention(
        start=start, end=end, text=text[start:end], kind="pronoun", type="pronoun", gender=gender,
        first_word=i, last_word=i,
    )
