"""Group an article's name mentions into entities, merging the names of one referent.

Two passes over the names of ``quotegraph.nlp.mentions``:

1. Full names make the entities, under a key that makes variants equal:
   lowercase, no leading "the", no dots; "Ministry of Health" and "Health
   Ministry" give the same key; a name on the alias list (shipped
   ``data/aliases.tsv`` plus the user's ``enrich.aliases`` file) takes its
   canonical name's key, so "ISIS", "ISIL" and "Islamic State" are one entity,
   as are "US", "U.S." and "American"; a person's key drops middle names
   and initials ("Donald J. Trump" = "Donald Trump").
2. One-word names join an entity of the article: an acronym its expansion
   ("WHO" = "World Health Organization"), a surname or first name the person
   mentioned nearest before it ("Clinton", "Hillary"), a last word its
   organisation ("the Post" = "The Washington Post").

The step writes ``article.entities`` and leaves the mention index in
``article.ext["entities"]`` for the speakers step, which adds the pronouns and
descriptions it resolves as further mentions.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from quotegraph.config import Settings
from quotegraph.enrich import step
from quotegraph.errors import BadSetting
from quotegraph.model import Article, Entity, Span
from quotegraph.nlp.mentions import Mention, find_mentions, lexicon, read_aliases, shipped_aliases
from quotegraph.text.words import tokenize

NOT_KEY = re.compile(r"[.’'`]|^the\s+|\s+(?:’s|'s)$")
OF_NAME = re.compile(r"^(\w+) (?:of|for) (.+)$")
ENTITY_TYPES = ("person", "organization", "media", "document", "group", "place")


@dataclass
class Cluster:
    """An entity being built: its mentions, and tallies of what they say about it."""

    key: str
    alias_type: str | None = None
    canonical: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    type_votes: Counter = field(default_factory=Counter)
    gender_votes: Counter = field(default_factory=Counter)
    name_texts: dict[str, None] = field(default_factory=dict)  # distinct names, in the order met
    described: bool = False  # some mention has a title or a gender
    untyped_lengths: set[int] = field(default_factory=set)  # word counts of its untyped names
    full_starts: list[int] = field(default_factory=list)  # starts of its multiword names, as added

    def add(self, mention: Mention) -> None:
        """Add a mention and count what it says."""
        self.mentions.append(mention)
        if mention.gender:
            self.gender_votes[mention.gender] += 1
        self.described = self.described or bool(mention.title or mention.gender)
        if mention.kind != "name":
            return
        self.name_texts.setdefault(mention.text)
        words = len(mention.text.split())
        if words > 1:
            self.full_starts.append(mention.start)
        if mention.type in ENTITY_TYPES:
            self.type_votes[mention.type] += 1
        elif mention.type == "unknown":
            self.untyped_lengths.add(min(words, 2))

    @property
    def names(self) -> list[str]:
        """Return the distinct names of the mentions, after the canonical name if any."""
        names = list(self.name_texts)
        return list(dict.fromkeys([self.canonical, *names])) if self.canonical else names

    @property
    def type(self) -> str:
        """Return the type most mentions agree on; the alias list decides first."""
        if self.alias_type:
            return self.alias_type
        if self.type_votes.get("person") and self.described:
            return "person"
        if self.type_votes:
            return self.type_votes.most_common(1)[0][0]
        if self.untyped_lengths == {1, 2}:
            return "person"  # a full name, and its surname alone elsewhere
        return "unknown"

    @property
    def gender(self) -> str | None:
        """Return the gender the mentions agree on, or None."""
        return self.gender_votes.most_common(1)[0][0] if self.gender_votes else None

    @property
    def name(self) -> str:
        """Return the fullest name: the one with most words, the first of those."""
        names = self.names or [m.text for m in self.mentions]
        return max(names, key=lambda n: (len(n.split()), -names.index(n)))


@dataclass
class EntityIndex:
    """The mentions of an article and the entity each belongs to."""

    mentions: list[Mention]
    clusters: list[Cluster]
    cluster_of: dict[int, int]  # id(mention) -> index into clusters
    speaking: set[int] = field(default_factory=set)  # clusters named as a source
    quoted: set[int] = field(default_factory=set)  # ids of mentions inside a content
    in_quotes: set[int] = field(default_factory=set)  # ids of mentions inside a content's quotation marks
    main_person: int | None = None  # the person the article is about, if one stands out

    def __post_init__(self) -> None:
        self.starts = [m.start for m in self.mentions]

    def within(self, start: int, end: int) -> list[Mention]:
        """Return the mentions that start in [start, end), in text order."""
        return self.mentions[bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)]

    def entity_id(self, cluster: int) -> str:
        """Return the public id of a cluster."""
        return f"e{cluster + 1}"

    def cluster_index(self, entity_id: str) -> int:
        """Return the cluster of a public id."""
        return int(entity_id[1:]) - 1

    def add(self, mention: Mention, key: str, canonical: str | None = None) -> int:
        """Add a mention to the cluster with ``key``, made if needed; return the cluster's index.

        A new cluster takes ``canonical`` as its name and the mention's type.
        """
        for n, cluster in enumerate(self.clusters):
            if cluster.key == key:
                break
        else:
            n = len(self.clusters)
            self.clusters.append(Cluster(key=key, canonical=canonical, alias_type=mention.type))
        self.clusters[n].add(mention)
        self.clusters[n].mentions.sort(key=lambda m: m.start)
        self.cluster_of[id(mention)] = n
        at = bisect.bisect_right(self.starts, mention.start)
        self.mentions.insert(at, mention)
        self.starts.insert(at, mention.start)
        return n


@functools.cache
def alias_table(user_file: str = "") -> dict[str, tuple[str, str]]:
    """Return lowercase alias -> (canonical key, type) from the shipped list and a user file.

    Raises:
        BadSetting: the user's alias file cannot be read.
    """
    rows = list(shipped_aliases())
    if user_file:
        try:
            rows.extend(read_aliases(Path(user_file)))
        except OSError as error:
            raise BadSetting(f"[Q306] cannot read alias file {user_file}: {error} - fix enrich.aliases") from error
    table = {}
    for kind, canonical, others in rows:
        key = plain_key(canonical)
        for name in (canonical, *others):
            table[name.lower()] = (key, kind)
            table[plain_key(name)] = (key, kind)
    return table


def plain_key(name: str) -> str:
    """Return the name lowercased without "the", dots, apostrophes or a possessive."""
    key = " ".join(NOT_KEY.sub("", name.lower().replace("-", " ")).split())
    match = OF_NAME.match(key)
    if match and match.group(1) in lexicon()["organization_heads"]:
        key = f"{match.group(2)} {match.group(1)}"
    return key


def name_parts(name: str) -> list[str]:
    """Return the keys of a name's words without suffixes; a hyphenated word ("Holtz-Eakin") stays one part."""
    parts = [plain_key(word) for word in name.split()]
    return [p for p in parts if p and p not in ("jr", "sr", "ii", "iii", "iv")]


NICKNAME = re.compile(r"[\"“”]([^\"“”\s]+)[\"“”]")


def person_key(name: str) -> str:
    """Return a person's first and last name, lowercased: no middle names, initials or suffixes.

    A nickname in quotes stands for the first name: Robert C. "Bobby" Scott is "bobby scott".
    """
    nickname = NICKNAME.search(name)
    parts = name_parts(NICKNAME.sub(" ", name))
    if nickname and parts:
        parts[0] = plain_key(nickname.group(1))
    return f"{parts[0]} {parts[-1]}" if len(parts) > 1 else " ".join(parts)


def acronym(name: str) -> str:
    """Return the initials of a name's main words: "Federal Bureau of Investigation" -> "fbi"."""
    joiners = lexicon()["name_joiners"]
    return "".join(w[0] for w in name.lower().replace("-", " ").split() if w not in joiners and w[0].isalpha())


def build_index(text: str, mentions: list[Mention], aliases: dict[str, tuple[str, str]]) -> EntityIndex:
    """Cluster the name mentions of ``text`` into entities."""
    clusters: list[Cluster] = []
    by_key: dict[str, int] = {}
    cluster_of: dict[int, int] = {}
    names = [m for m in mentions if m.kind == "name"]

    def add(mention: Mention, key: str, alias: tuple[str, str] | None = None) -> None:
        if key not in by_key:
            by_key[key] = len(clusters)
            clusters.append(Cluster(key=key))
        cluster = clusters[by_key[key]]
        cluster.add(mention)
        if alias:
            cluster.alias_type = alias[1]
        cluster_of[id(mention)] = by_key[key]

    singles, keyed = [], []
    for mention in names:
        alias = aliases.get(mention.text.lower()) or aliases.get(plain_key(mention.text))
        if alias:
            keyed.append((mention, alias[0], alias))
        elif len(mention.text.split()) > 1:
            keyed.append((mention, person_key(mention.text) if mention.type == "person" else plain_key(mention.text), None))
        else:
            singles.append(mention)
    longer = longer_names({key for mention, key, _ in keyed if mention.type != "person"}, aliases)
    for mention, key, alias in keyed:
        add(mention, longer.get(key, key), alias)
    by_word = name_words(clusters)
    for mention in singles:
        cluster = join_single(mention, clusters, by_key, by_word)
        if cluster is None:
            add(mention, plain_key(mention.text))
        else:
            clusters[cluster].add(mention)
            cluster_of[id(mention)] = cluster
    for cluster in clusters:
        cluster.mentions.sort(key=lambda m: m.start)
    return EntityIndex(mentions=mentions, clusters=clusters, cluster_of=cluster_of)


def longer_names(keys: set[str], aliases: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Map an organisation's shorter name to the one longer name of the article it ends or abbreviates.

    "Security Council" and "U.N. Security Council" are the "United Nations
    Security Council" of the same article; a one-word name ("House" of "White
    House") or one that ends two longer names ("National Committee") is left alone.
    """
    found = {}
    for key in keys:
        words = key.split()
        expanded = " ".join([aliases.get(words[0], (words[0],))[0], *words[1:]])
        if len(words) > 1 and expanded != key and expanded in keys:
            found[key] = expanded
    for key in keys - found.keys():
        candidates = {found.get(other, other) for other in keys if other.endswith(" " + key)}
        if len(key.split()) > 1 and len(candidates) == 1:
            found[key] = candidates.pop()
    return found


def name_words(clusters: list[Cluster]) -> dict[str, list[int]]:
    """Map the acronym, first and last word of every multiword name to the clusters that bear it."""
    found: dict[str, list[int]] = {}
    for n, cluster in enumerate(clusters):
        for name in cluster.names:
            parts = name_parts(name)
            if len(parts) > 1:
                for word in {parts[0], parts[-1], acronym(name)}:
                    if n not in found.setdefault(word, []):
                        found[word].append(n)
    return found


def join_single(mention: Mention, clusters: list[Cluster], by_key: dict[str, int], by_word: dict[str, list[int]]) -> int | None:
    """Return the cluster a one-word name belongs to, or None for a new entity."""
    word = plain_key(mention.text)
    if word in by_key:
        return by_key[word]
    candidates = []
    for n in by_word.get(word, []):
        cluster = clusters[n]
        if mention.gender and cluster.gender and mention.gender != cluster.gender:
            continue
        for name in cluster.names:
            parts = name_parts(name)
            if mention.text.isupper() and len(word) >= 2 and cluster.type != "person" and acronym(name) == word:
                return n
            if len(parts) > 1 and word in (parts[-1], parts[0]) and (cluster.type in ("person", "media") or word == parts[-1]):
                at = bisect.bisect_left(cluster.full_starts, mention.start)
                if at:  # the full name nearest before, else the first one after
                    candidates.append((0, -cluster.full_starts[at - 1], n))
                else:
                    candidates.append((1, cluster.full_starts[0] if cluster.full_starts else 0, n))
                break
    return min(candidates)[2] if candidates else None


def entities_of(text: str, index: EntityIndex, speaking: set[int] = frozenset()) -> list[Entity]:
    """Return the public entities of an index, with ids e1, e2, …

    A cluster of untyped names counts only when it speaks (clusters in
    ``speaking``): as a person, or a place if its name says so.
    """
    entities = []
    for n, cluster in enumerate(index.clusters):
        kind = cluster.type
        if kind not in ENTITY_TYPES:
            if n not in speaking:
                continue
            kind = "place" if kind == "other" else "person"
        entities.append(
            Entity(
                id=index.entity_id(n),
                name=cluster.name,
                type=kind,
                names=cluster.names,
                mentions=[Span.from_parts(text, [(m.start, m.end)]) for m in cluster.mentions],
            )
        )
    return entities


@step("entities")
def add_entities(article: Article, settings: Settings) -> Article:
    """Find the article's entities and their name mentions."""
    words = article.ext.get("words") or tokenize(article.text)
    mentions = find_mentions(article.text, words)
    index = build_index(article.text, mentions, alias_table(settings["enrich"]["aliases"]))
    article.ext["entities"] = index
    article.entities = entities_of(article.text, index)
    return article
