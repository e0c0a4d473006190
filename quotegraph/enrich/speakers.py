"""Resolve each attribution's source to a speaker: an entity, or anonymous, with role and affiliation.

A source span is read in this order:

1. It holds a name: the entity of its head name ("Jane Roe, a spokeswoman for
   the Health Ministry" → Jane Roe; "the Clinton campaign" → the Clinton
   campaign, an organisation named after its candidate).
2. It is a relative pronoun ("X, who said"): the name just before it.
3. It is a personal pronoun: "he"/"she" the nearest person mentioned before it
   whose gender agrees, preferring the last speaker; "it" the nearest
   organisation, medium or document; "they" the nearest group or
   organisation; "I"/"we" inside a quotation the quotation's speaker.
4. It is a description: "the report"/"the poll" the last document source with
   that head, "the ministry"/"the campaign" the nearest organisation whose name
   has that word, "the newspaper" the nearest medium, "the senator"/"the
   nominee" the nearest person with that title or role.
5. Otherwise unnamed people ("officials", "a source close to the talks") are
   ``anonymous`` and unnamed collectives ("critics", "voters") a ``group``.

Role and affiliation come from the text around the entity's mentions: a title
before a name ("Health Minister Jane Roe", "Clinton campaign manager Robby
Mook", "Tulsa police Chief Chuck Jordan"), an apposition after it ("Jane Roe,
a spokeswoman for the Health Ministry,", "Victor Cha, who served as Asia
director for the National Security Council", "the Rev. Peter Wherry, of
Mayfield Baptist Church,"), an organisation's possessive before it ("NBC's
Dante Chinni"), or the source's own description for unnamed sources. The
first role the article gives is kept, and the first affiliation, which may come
from a later mention than the role. A former post ("former CIA Director", "who
served as …") gives a role but no affiliation.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from quotegraph.config import Settings
from quotegraph.enrich import step
from quotegraph.enrich.entities import EntityIndex, entities_of, plain_key
from quotegraph.model import Article, Attribution, Span, Speaker
from quotegraph.nlp.mentions import ACRONYM, PARTY_TAG, Mention, lexicon
from quotegraph.text.words import quotations, tokenize

DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "some", "one", "another", "two", "three", "several", "many", "most", "other"}
POSSESSIVE_DETERMINERS = {"his", "her", "its", "their"}
NUMBERS = {"two", "three", "four", "five", "six", "several", "a few", "some"}
PREPOSITIONS = ("for", "of", "at", "with", "to", "from", "in", "on", "close to", "familiar with")
WORD = re.compile(r"[\w’'.-]+|[^\w\s]")
RECENT = 1500  # characters back a pronoun or description looks for its referent
LOOK_BACK = 3000  # characters back a role description ("the senator") looks for people
NO_ROLE = {"organization", "media", "document"}
ORGANISATION_NOUNS = {"campaign", "administration", "team", "camp", "government", "party", "committee", "police"}


@dataclass
class Resolution:
    """What a source refers to: a cluster index and/or a speaker type, with role and affiliation found on the way."""

    cluster: int | None = None
    type: str = "unknown"
    role: str | None = None
    affiliation: str | None = None
    name: str | None = None


@step("speakers")
def add_speakers(article: Article, settings: Settings) -> Article:
    """Set ``speaker`` on every attribution with a source, and on continuations."""
    index: EntityIndex = article.ext["entities"]
    heads = {
        a.id: head_name(article.text, a.source, names_in(index, a.source)) for a in article.attributions if a.source is not None
    }
    index.speaking = {index.cluster_of[id(head)] for head in heads.values() if head is not None and id(head) in index.cluster_of}
    index.quoted = mentions_in_contents(article, index)
    index.in_quotes = mentions_in_quotes(article, index)
    roles = entity_roles(article.text, index)
    index.main_person = main_person(index)
    resolved: dict[str, Speaker] = {}
    resolutions: dict[str, Resolution] = {}
    first_person = lexicon()["speaker_pronouns"]
    ordered = sorted(article.attributions, key=lambda a: bool(a.source and a.source.text.lower() in first_person))
    for attribution in ordered:
        resolution = resolve_source(article, index, attribution, heads.get(attribution.id), resolved)
        if resolution.cluster is None and resolution.name and resolution.type in ("organization", "document"):
            resolution.cluster = add_described(index, attribution.source, resolution)
        if resolution.cluster is not None and is_description(attribution.source, heads.get(attribution.id)):
            roles.setdefault(resolution.cluster, []).append((attribution.source.start, description_text(attribution.source.text), None))
        elif resolution.cluster is not None and resolution.role:  # a lede's description named later
            roles.setdefault(resolution.cluster, []).append((attribution.source.start, resolution.role, None))
        resolutions[attribution.id] = resolution
        resolved[attribution.id] = speaker_of(index, resolution, {})
    for start, cluster, description in described_people(article, index, resolved):
        roles.setdefault(cluster, []).append((start, description, None))
    first_roles = {cluster: first_role_and_affiliation(found) for cluster, found in roles.items()}
    for attribution in article.attributions:
        if attribution.id in resolutions:
            attribution.speaker = speaker_of(index, resolutions[attribution.id], first_roles)
        elif attribution.continues:
            attribution.speaker = next((a.speaker for a in article.attributions if a.id == attribution.continues), None)
    speaking = index.speaking | {index.cluster_index(a.speaker.entity) for a in article.attributions if a.speaker and a.speaker.entity}
    article.entities = entities_of(article.text, index, speaking)
    return article


GENERIC = {"average", "typical", "ordinary", "everyday", "hypothetical"}
NAMED_BEFORE = re.compile(r"(?:\b[A-Z][\w.’'-]*|\([A-Z][\w.]*-[\w.]+\)),\s*$")  # "Jim Clyburn, ", "(D-S.C.), "
DESCRIPTION = re.compile(r"\b[Tt]he ((?:[A-Z][\w.-]+ |[a-z][\w-]+ ){0,3}([a-z][\w-]+))\b(?!\s+[A-Z])")


def described_people(article: Article, index: EntityIndex, resolved: dict[str, Speaker]) -> list[tuple[int, int, str]]:
    """Return (position, cluster, description) for "the Republican nominee"-like phrases that name a role of a person."""
    lex = lexicon()
    found = []
    quoted = merged_spans(piece for attribution in article.attributions for piece in attribution.content.pieces)
    quoted_starts = [start for start, _ in quoted]
    for match in DESCRIPTION.finditer(article.text):
        at = bisect.bisect_right(quoted_starts, match.start()) - 1
        if at >= 0 and match.start() < quoted[at][1]:
            continue  # a speaker's words, not the article's: "Clinton is the superior candidate"
        if NAMED_BEFORE.search(article.text, max(0, match.start() - 40), match.start()):
            continue  # an apposition: "Rep. Jim Clyburn (D-S.C.), the assistant leader of …" describes the name before it
        written = match.group(1).split()
        # "the Vermont senator acknowledged that": the description ends at its role noun
        ends = [n for n, word in enumerate(written) if word.islower() and word in lex["role_nouns"]]
        if not ends or written[ends[0]] in ("member", "head", "official"):
            continue
        written = written[: ends[0] + 1]
        words = [w.lower() for w in written]
        if GENERIC & set(words):
            continue  # "the average taxpaying American worker": a kind of person, not one
        span = Span.from_parts(article.text, [(match.start(), match.start(1) + len(" ".join(written)))])
        resolution = resolve_role_description(article, index, span, words[-1], words, resolved, guess=False)
        if resolution.cluster is not None:
            found.append((match.start(), resolution.cluster, " ".join(written)))
    return found


def merged_spans(spans) -> list[tuple[int, int]]:
    """Return the union of (start, end) spans as sorted, disjoint spans."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def mentions_in_contents(article: Article, index: EntityIndex) -> set[int]:
    """Return the ids of the mentions that lie inside an attribution's content: what is said, not who says it."""
    inside = set()
    for attribution in article.attributions:
        for start, end in attribution.content.pieces:
            inside.update(id(m) for m in index.within(start, end))
    return inside


def mentions_in_quotes(article: Article, index: EntityIndex) -> set[int]:
    """Return the ids of the mentions inside the quotation marks of an attribution's content.

    A title there is the speaker's ("“Candidate Trump should …”"); one in the
    writer's words around it holds ("described Democratic presidential nominee
    Hillary Clinton as a “disgrace”").
    """
    marks = quotations(article.ext.get("words") or tokenize(article.text))  # the pipeline's words, where it ran
    inside = set()
    for attribution in article.attributions:
        for start, end in attribution.content.pieces:
            for quote_start, quote_end in marks:
                if quote_start < end and start < quote_end:
                    inside.update(id(m) for m in index.within(max(start, quote_start), min(end, quote_end)))
    return inside


def main_person(index: EntityIndex) -> int | None:
    """Return the person named at least three times and twice as often as any other, if there is one."""
    counts = sorted(((len(c.mentions), n) for n, c in enumerate(index.clusters) if c.type == "person"), reverse=True)
    if counts and counts[0][0] >= 3 and (len(counts) == 1 or counts[0][0] >= 2 * counts[1][0]):
        return counts[0][1]
    return None


def is_description(source: Span | None, head: Mention | None) -> bool:
    """Is the source (whose head name is ``head``) a description ("the Democratic nominee"), not a name or a pronoun?"""
    if source is None or head is not None:
        return False
    words = source.text.lower().split()
    return len(words) > 1 and (words[0] in ("the", "this", "that") or words[0].endswith(("'s", "’s")))


def description_text(source: str) -> str:
    """Return a description without its determiner or owner ("Obama's"), cut before a comma, preposition or clause."""
    words = source.split()[1:]
    for n, word in enumerate(words):
        if word.lower() in ("of", "for", "at", "with", "who", "which", "in") or word.endswith(","):
            return " ".join(words[: n + (1 if word.endswith(",") else 0)]).rstrip(",")
    return " ".join(words)


def add_described(index: EntityIndex, source: Span, resolution: Resolution) -> int:
    """Make the source a mention of the entity a description names ("the Clinton campaign", "a Quinnipiac poll")."""
    mention = Mention(start=source.start, end=source.end, text=source.text, kind="description", type=resolution.type)
    return index.add(mention, plain_key(resolution.name), canonical=resolution.name)


def speaker_of(index: EntityIndex, resolution: Resolution, roles: dict[int, tuple[str | None, str | None]]) -> Speaker | None:
    """Turn a resolution into the public speaker.

    Only people, named or not, have a role: "the appeals court", "the poll" name what a speaker is, not a post.
    """
    if resolution.cluster is None:
        if resolution.type == "unknown" and resolution.role is None:
            return Speaker(type="unknown")
        role = resolution.role if resolution.type not in NO_ROLE else None
        return Speaker(type=resolution.type, role=role, affiliation=resolution.affiliation, name=resolution.name)
    cluster = index.clusters[resolution.cluster]
    role, affiliation = roles.get(resolution.cluster, (None, None))
    kind = {"place": "organization", "other": "organization", "unknown": "person"}.get(cluster.type, cluster.type)
    return Speaker(
        entity=index.entity_id(resolution.cluster),
        name=cluster.name,
        type=kind,
        role=(role or resolution.role) if kind not in NO_ROLE else None,
        affiliation=affiliation or resolution.affiliation,
    )


def resolve_source(
    article: Article, index: EntityIndex, attribution: Attribution, head: Mention | None, resolved: dict[str, Speaker]
) -> Resolution:
    """Return what the source of ``attribution`` refers to; ``head`` is the name the source is about, if any."""
    source = attribution.source
    if source is None:
        return Resolution()
    if head is not None and not led_by_document(source, head):
        return resolve_name(article.text, index, source, head)
    words = [re.sub(r"(?:’s|'s|’)$", "", w.lower()) for w in WORD.findall(source.text)]
    if not words:
        return Resolution()
    lex = lexicon()
    first = words[0]
    if len(words) == 1 and first in lex["relative_pronouns"]:
        described = described_before(article.text, source.start)
        if first in ("who", "whom", "whose") and described:  # "an architect who", "the Republican nominee, who"
            return resolve_description(article, index, Span.from_parts(article.text, [described]), article.text[described[0] : described[1]].lower().split(), resolved)
        people = ("person", "unknown", "group")
        accept = (lambda c: c.type in people) if first in ("who", "whom", "whose") else (lambda c: c.type not in people)
        found = nearest_before(index, source.start, accept, limit=60, text=article.text)
        if found.cluster is None and described and described[1] >= source.start - 3:
            # "the scientific literature, which", "Jared Diamond's 2005 best seller, which": what the noun says
            head = article.text[described[0] : described[1]].lower().replace("best seller", "bestseller").split()[-1]
            if head in lex["document_heads"]:
                return Resolution(type="document")
        return found
    if len(words) == 1 and (first in lex["male_pronouns"] or first in lex["female_pronouns"]):
        gender = "m" if first in lex["male_pronouns"] else "f"
        return resolve_personal(article, index, source.start, gender, resolved, own_words=attribution.content.pieces)
    if len(words) == 1 and first in lex["speaker_pronouns"]:
        return resolve_first_person(article, index, attribution, resolved)
    if len(words) == 1 and first in lex["neuter_pronouns"]:
        return nearest_before(index, source.start, lambda c: c.type in ("organization", "media", "document"))
    if len(words) == 1 and first in lex["plural_pronouns"]:
        return nearest_before(index, source.start, lambda c: c.type in ("group", "organization"), fallback="group")
    return resolve_description(article, index, source, words, resolved)


def led_by_document(source: Span, name: Mention) -> bool:
    """Is the source a document the name only describes ("a 2014 study by Justin Levitt")?"""
    before = source.text[: name.start - source.start].lower().split()
    return any(word in lexicon()["document_heads"] for word in before[:3]) and any(w in ("by", "from", "of") for w in before)


def names_in(index: EntityIndex, span: Span) -> list[Mention]:
    """Return the name mentions inside ``span``."""
    return [m for m in index.within(span.start, span.end) if m.kind == "name" and m.end <= span.end]


def head_name(text: str, source: Span, names: list[Mention]) -> Mention | None:
    """Return the name a source is about: the first that no word of the source follows.

    "Trump campaign spokesman Jason Miller" is about Jason Miller; "Jane Roe, a
    spokeswoman for the Health Ministry" about Jane Roe; "the Clinton campaign"
    about the Clinton campaign. A name in a "for/of X" phrase, a possessive or a
    modifier ("the Republican nominee", "Clinton aides") leaves a description.
    """
    lex = lexicon()
    modifiers = []
    for mention in names:
        after = text[mention.end : source.end]
        before = [w for w in text[max(source.start, mention.start - 16) : mention.start].lower().split() if w not in lex["honorifics"]]
        if before[-2:-1] == ["for"] and before[-1] in ("the", "a", "an"):
            before.pop()  # "a lawyer for the Harbor Street Association", but "a panel of the court" is the court's
        if before and before[-1] in ("for", "of", "at", "with", "to", "from"):
            continue
        if not after.strip() or re.match(r"\s*(?:[,(—–-]|who\b|and\b|of\b)|(?:’s|'s)\s*$", after):
            return mention
        following = re.sub(r"^(?:’s|'s)", "", after).split()
        if following and following[0].lower() in ORGANISATION_NOUNS:
            modifiers.append(mention)
    return modifiers[0] if modifiers else None


def resolve_name(text: str, index: EntityIndex, source: Span, mention: Mention) -> Resolution:
    """Resolve a source holding a name, minding "the Clinton campaign"-like organisations."""
    following = re.sub(r"^(?:’s|'s)", "", text[mention.end : source.end].lower()).split()
    if following and following[0] in ORGANISATION_NOUNS and index.clusters[index.cluster_of[id(mention)]].type in ("person", "unknown"):
        name = f"{mention.text.split()[-1]} {following[0]}"  # "Hillary Clinton's campaign" -> "Clinton campaign"
        cluster = find_cluster(index, plain_key(name))
        if cluster is not None:
            return Resolution(cluster=cluster)
        return Resolution(type="organization", name=name)
    return Resolution(cluster=index.cluster_of.get(id(mention)))


def find_cluster(index: EntityIndex, key: str) -> int | None:
    """Return the cluster whose key is ``key``."""
    for n, cluster in enumerate(index.clusters):
        if cluster.key == key:
            return n
    return None


# The noun phrase a relative "who" follows, when it is no name: "the Republican nominee for president, who".
DESCRIBED_BEFORE = re.compile(
    r"(?<![\w’'])((?i:the|a|an|some|many|several|those|other|two|three)\b(?:\s+[\w’'-]+){0,6}?\s+[a-z][\w-]*|[a-z][\w-]*)\s*,?\s*$"
)
# A place after a preposition ("nervous Democrats on Capitol Hill, who"): not what "who" is about.
LOCATIVE_BEFORE = re.compile(r"\b(?:on|in|at|from|near|across)\s+(?:the\s+)?$")


def described_before(text: str, position: int) -> tuple[int, int] | None:
    """Return the span of the description ending right before a relative pronoun at ``position``, if it is one."""
    match = DESCRIBED_BEFORE.search(text, max(0, position - 80), position)
    if match is None or any(ch in match.group(1) for ch in ".;:!?\n\"“”"):
        return None
    words = match.group(1).split()
    if not words[-1][:1].islower() or words[-1] in lexicon()["relative_pronouns"]:
        return None
    return match.start(1), match.start(1) + len(match.group(1))


def nearest_before(
    index: EntityIndex, position: int, accept, *, limit: int = RECENT, fallback: str = "unknown", text: str | None = None
) -> Resolution:
    """Return the cluster of the nearest accepted name mention that ends before ``position``.

    Given the ``text``, a name after a locative preposition ("Democrats on
    Capitol Hill, who") is passed over.
    """
    for mention in reversed(index.within(position - limit - 200, position)):
        if mention.kind == "pronoun" or mention.end > position or position - mention.end > limit:
            continue
        if text is not None and LOCATIVE_BEFORE.search(text, max(0, mention.start - 12), mention.start):
            continue
        cluster = index.cluster_of.get(id(mention))
        if cluster is not None and accept(index.clusters[cluster]):
            return Resolution(cluster=cluster)
    return Resolution(type=fallback)


# A sentence that opens with a participle phrase and a comma, up to a pronoun: "Asked about Trump, he".
PARTICIPLE_OPENING = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=[.!?][”\"]\s)|(?<=\n))[A-Z][a-z]+(?:ing|ed)\b[^.!?;:“”\"]*,\s*$")


def resolve_personal(
    article: Article, index: EntityIndex, position: int, gender: str, resolved: dict[str, Speaker],
    *, own_words: list[tuple[int, int]] = (),
) -> Resolution:
    """Resolve "he"/"she": the nearest agreeing person before, strongly preferring the last speaker.

    The article's main person (named twice as often as anyone else) counts as
    nearer than its distance, names inside attributions' contents as farther:
    the people a speaker talks about are seldom the next "he said". Names in
    ``own_words``, the content this pronoun's speaker says, do not count at all
    ("“I love Larry,” he said" is not Larry), nor do names in a participle phrase
    that opens the pronoun's sentence: its subject is the pronoun's referent
    ("Campaigning against Mitt Romney, he barely mentioned…" is not Romney).
    """
    last_speaker = previous_speaker(article, position, resolved)
    opening = PARTICIPLE_OPENING.search(article.text, max(0, position - 300), position)
    passed_over = [*own_words, (opening.start(), position)] if opening else own_words
    best: tuple[float, int] | None = None
    for mention in index.within(position - RECENT - 200, position):
        if mention.kind != "name" or mention.end > position or position - mention.end > RECENT:
            continue
        if any(start <= mention.start < end for start, end in passed_over):
            continue
        cluster_index = index.cluster_of.get(id(mention))
        if cluster_index is None:
            continue
        cluster = index.clusters[cluster_index]
        if cluster.type != "person" and not (cluster.type == "unknown" and cluster_index in index.speaking) or (
            cluster.gender and cluster.gender != gender
        ):
            continue
        score = float(position - mention.end)
        if last_speaker == cluster_index:
            score *= 0.1
        if cluster_index == index.main_person:
            score *= 0.3
        if not cluster.gender:
            score *= 1.5
        if cluster.type == "unknown":
            score *= 2.0
        if id(mention) in index.quoted:
            score *= 3.0
        if best is None or score < best[0]:
            best = (score, cluster_index)
    return Resolution(cluster=best[1]) if best else Resolution(type="person")


def previous_speaker(article: Article, position: int, resolved: dict[str, Speaker]) -> int | None:
    """Return the cluster index of the speaker of the last attribution before ``position``."""
    for attribution in reversed(article.attributions[: bisect.bisect_left(content_starts(article), position)]):
        if attribution.id in resolved:
            return index_of(resolved[attribution.id].entity)
    return None


def content_starts(article: Article) -> list[int]:
    """Return where the article's attributions' contents start, in order (computed once per article)."""
    starts = article.ext.get("content_starts")
    if starts is None or len(starts) != len(article.attributions):
        starts = article.ext["content_starts"] = [a.content.start for a in article.attributions]
    return starts


def resolve_first_person(article: Article, index: EntityIndex, attribution: Attribution, resolved: dict[str, Speaker]) -> Resolution:
    """Resolve "I"/"we": the speaker of the quotation around it, or of the attribution before."""
    source = attribution.source
    before = bisect.bisect_right(content_starts(article), source.start)
    for other in article.attributions[max(0, before - 20) : before]:
        if other is not attribution and other.content.start <= source.start < other.content.end and other.id in resolved:
            return resolution_of(resolved[other.id])
    cluster = previous_speaker(article, source.start, resolved)
    return Resolution(cluster=cluster) if cluster is not None else Resolution(type="unknown")


def index_of(entity: str | None) -> int | None:
    """Return the cluster index of a public entity id."""
    return int(entity[1:]) - 1 if entity else None


def resolution_of(speaker: Speaker) -> Resolution:
    """Turn a resolved speaker back into a resolution."""
    if speaker.entity:
        return Resolution(cluster=index_of(speaker.entity))
    return Resolution(type=speaker.type, role=speaker.role, affiliation=speaker.affiliation, name=speaker.name)


def resolve_description(
    article: Article, index: EntityIndex, source: Span, words: list[str], resolved: dict[str, Speaker]
) -> Resolution:
    """Resolve a source without a name: a description, an unnamed source or a collective."""
    lex = lexicon()
    core = description_core(words)
    head = core[-1] if core else words[-1]
    # "the senator", "his aide", "Obama's former campaign strategist"
    owned = source.text.split()[0].endswith(("'s", "’s"))
    definite = words[0] in ("the", "this", "that") or words[0] in POSSESSIVE_DETERMINERS or owned
    role, affiliation = description_role(index, source, core)
    if not definite and (head in lex["role_nouns"] or head in lex["organization_heads"]):
        later = identified_later(article, index, source, head)
        if later.cluster is not None:
            return later
    if head in lex["document_heads"]:
        return resolve_document(article, index, source, head, core)
    if definite and head in lex["organization_heads"] | ORGANISATION_NOUNS:
        found = nearest_before(index, source.start, lambda c: head in plain_key(c.name).split() and c.type != "person")
        if found.cluster is not None:
            return found
        if words[0] in POSSESSIVE_DETERMINERS:
            owner = resolve_personal(article, index, source.start, "f" if words[0] == "her" else "m", resolved)
            if owner.cluster is not None:
                name = f"{index.clusters[owner.cluster].name.split()[-1]} {head}"
                cluster = find_cluster(index, plain_key(name))
                return Resolution(cluster=cluster) if cluster is not None else Resolution(type="organization", name=name)
        return Resolution(type="organization")
    if definite and head in ("newspaper", "paper", "network", "outlet", "magazine", "station", "channel", "website", "site", "broadcaster", "agency"):
        found = nearest_before(index, source.start, lambda c: c.type == "media")
        if found.cluster is not None:
            return found
    if head in lex["anonymous_heads"] and not (definite and head in lex["role_nouns"] and head not in ("official", "source")):
        return Resolution(type="anonymous", role=role, affiliation=affiliation)
    counted = words[0] in NUMBERS and head.endswith("s") and head[:-1] in lex["role_nouns"]
    if counted:  # "two Democratic speechwriters": specific people, unnamed
        return Resolution(type="anonymous", role=role, affiliation=affiliation)
    if head in lex["group_heads"] or (head.endswith("s") and head[:-1] in lex["role_nouns"]):
        return Resolution(type="group")
    if definite and (head in lex["role_nouns"] or head in lex["title_roles"] or head in lex["male_words"] or head in lex["female_words"]):
        return resolve_role_description(article, index, source, head, core, resolved)
    if head in lex["role_nouns"]:
        return Resolution(type="anonymous", role=role, affiliation=affiliation)
    return Resolution(type="unknown")


LOOK_AHEAD = 1000  # characters after a headline or lede description that may name it
SAME_ROLE = {"judge": {"justice"}, "justice": {"judge"}}  # "a New York judge" … "Supreme Court Justice Frank Nervo"


def same_role(head: str) -> set[str]:
    """Return the title words that name the role ``head`` names: "judge" is also a "justice"."""
    return {head, *SAME_ROLE.get(head, ())}


def identified_later(article: Article, index: EntityIndex, source: Span, head: str) -> Resolution:
    """Resolve a headline or lede description to the name the next paragraphs give it.

    News often holds a name back ("A federal appeals court ruled Friday…", then
    "the U.S. Court of Appeals for the Sixth Circuit"): the first organisation
    after the source whose name holds the description's head noun, or person
    whose title does, within ``LOOK_AHEAD`` characters; failing that, for a
    person's role ("A former DNC chairman says…"), the first person named in a
    source after it, who takes the description as role.
    """
    if sum(1 for line in article.text[: source.start].split("\n")[:-1] if line.strip()) > 1:
        return Resolution()  # past the headline and the lede
    heads = same_role(head)
    for mention in index.within(source.end, source.end + LOOK_AHEAD):
        cluster = index.cluster_of.get(id(mention))
        if mention.kind != "name" or cluster is None:
            continue
        entity = index.clusters[cluster]
        words = title_words(mention.title or "") if entity.type == "person" else set(plain_key(entity.name).split())
        if heads & words:
            return Resolution(cluster=cluster)
    if head in lexicon()["role_nouns"] and head not in lexicon()["anonymous_heads"]:
        found = first_named_speaker(article, index, source.end, source.end + LOOK_AHEAD)
        found.role = re.sub(r"^(?:[Aa]n?|[Tt]he) ", "", source.text) if found.cluster is not None else None
        return found  # the description is the person's first role: "Former DNC chairman"
    return Resolution()


def first_named_speaker(article: Article, index: EntityIndex, start: int, end: int) -> Resolution:
    """Return the first person named in a source between ``start`` and ``end``: who a lede's "A former DNC chairman says" turns out to be."""
    for attribution in sorted(article.attributions, key=lambda a: a.source.start if a.source else len(article.text)):
        if attribution.source is None or not start <= attribution.source.start < end:
            continue
        for mention in names_in(index, attribution.source):
            cluster = index.cluster_of.get(id(mention))
            if cluster is not None and index.clusters[cluster].type in ("person", "unknown"):
                return Resolution(cluster=cluster)
    return Resolution()


def description_core(words: list[str]) -> list[str]:
    """Return a description's noun phrase: without its determiner, up to a preposition, clause or comma."""
    start = 1 if words and words[0] in DETERMINERS else 0
    released = lexicon()["release_participles"]  # "the poll released Friday"
    core: list[str] = []
    for word in words[start:]:
        if word in ("for", "of", "at", "with", "to", "from", "in", "on", "who", "which", "that", "close", "familiar", ",", "(", "—", "–") or word in released:
            break
        core = [] if word in ("’s", "'s") else [*core, word]
    return core


def description_role(index: EntityIndex, source: Span, core: list[str]) -> tuple[str | None, str | None]:
    """Return the role and affiliation an unnamed source's description states ("a spokesman for the ministry", "WHO officials")."""
    orgs = [m for m in names_in(index, source) if index.clusters[index.cluster_of[id(m)]].type in ("organization", "media")]
    return " ".join(core) or None, orgs[0].text if orgs else None


def resolve_document(article: Article, index: EntityIndex, source: Span, head: str, core: list[str]) -> Resolution:
    """Resolve "the report"/"a new Quinnipiac poll": a document named after the names in it, or the last such source."""
    names = names_in(index, source)
    head_at = source.text.lower().rfind(head)
    if names and source.start + head_at > names[0].start:
        return Resolution(type="document", name=article.text[names[0].start : source.start + head_at + len(head)])
    if names:  # "a study by Loyola Law School professor Justin Levitt"
        return Resolution(type="document", name=description_text(source.text).rstrip(",") if source.text.split()[0].lower() in DETERMINERS else source.text)
    starts = content_starts(article)
    nearby = article.attributions[bisect.bisect_left(starts, source.start - RECENT * 3) : bisect.bisect_right(starts, source.end + RECENT)]
    for attribution in reversed(nearby):
        earlier = attribution.source
        if earlier is None or earlier.start >= source.start or source.start - earlier.end > RECENT * 2:
            continue
        earlier_names = names_in(index, earlier)
        if earlier_names and head in earlier.text.lower():
            return Resolution(type="document", name=f"{earlier_names[0].text} {head}")
    return Resolution(type="document")


def resolve_role_description(
    article: Article, index: EntityIndex, source: Span, head: str, core: list[str], resolved: dict[str, Speaker],
    *, guess: bool = True,
) -> Resolution:
    """Resolve "the senator", "the New York businessman": the person described so, else the last speaker.

    Each person mentioned before scores the description's words found in the
    title and around the mentions ("Vermont Sen. Bernie Sanders"); the best
    score wins, then the most mentioned; only people named in the
    ``LOOK_BACK`` characters before count, and for "the woman", "the
    chairman" only people of that gender or of none known. No word found:
    the article's main person if one is named twice as often as any other
    (and the gender allows), else the last speaker if a person, else the
    nearest person.
    """
    lex = lexicon()
    wanted = {w for w in core if w not in DETERMINERS and w not in ("former", "current", "then", "and", "new")}
    gender = "f" if head in lex["female_words"] else "m" if head in lex["male_words"] else None
    nearby: dict[int, list[Mention]] = {}
    for mention in index.within(source.start - LOOK_BACK, source.start):
        cluster = index.cluster_of.get(id(mention))
        if mention.kind == "name" and cluster is not None and index.clusters[cluster].type == "person":
            if gender and index.clusters[cluster].gender not in (None, gender):
                continue  # "the woman" is no man
            nearby.setdefault(cluster, []).append(mention)
    best: tuple[int, int, int] | None = None
    for n, mentions in nearby.items():
        if any(m.title and same_role(head) & title_words(m.title) for m in mentions):
            return Resolution(cluster=n)  # "the president" of "President Obama", "the senator" of "Sen. Kaine"
        seen = set()
        for mention in mentions:  # the words around the mention, not the description's own
            seen.update(WORD.findall(article.text[max(0, mention.start - 80) : min(mention.end + 80, source.start)].lower()))
        hits = len(wanted & seen)
        candidate = (hits, len(index.clusters[n].mentions), n)
        if hits and (best is None or candidate > best):
            best = candidate
    if best is not None:
        return Resolution(cluster=best[-1])
    main_gender = index.clusters[index.main_person].gender if index.main_person is not None else None
    if index.main_person is not None and (gender is None or main_gender in (None, gender)):
        return Resolution(cluster=index.main_person)
    if not guess:
        return Resolution()
    if gender:
        return resolve_personal(article, index, source.start, gender, resolved)
    last = previous_speaker(article, source.start, resolved)
    if last is not None and index.clusters[last].type == "person":
        return Resolution(cluster=last)
    return nearest_before(index, source.start, lambda c: c.type == "person", fallback="person")


ABBREVIATED_TITLES = {"sen.": "senator", "gov.": "governor", "rep.": "representative", "gen.": "general", "del.": "delegate", "lt.": "lieutenant"}


def title_words(title: str) -> set[str]:
    """Return the lowercase words of a title, abbreviations spelled out ("Sen." -> "senator")."""
    return {ABBREVIATED_TITLES.get(word, word) for word in title.lower().split()}


def entity_roles(text: str, index: EntityIndex) -> dict[int, list[tuple[int, str | None, str | None]]]:
    """Return the roles and affiliations (position, role, affiliation) the article gives each person at its names."""
    roles: dict[int, list[tuple[int, str | None, str | None]]] = {}
    for mention in index.mentions:
        cluster = index.cluster_of.get(id(mention))
        if mention.kind != "name" or cluster is None or index.clusters[cluster].type not in ("person", "unknown"):
            continue
        if id(mention) in index.in_quotes:
            continue  # a speaker's words: "Candidate Trump should follow the precedent"
        title = title_role(text, index, mention) or (None, None)
        before = apposition_before(text, mention) or (None, None)  # written first: "Trump's running mate, Indiana Gov. Mike Pence,"
        apposition = apposition_role(text, index, mention) or (None, None)
        role, affiliation = owned_role(text, before[0] or title[0] or apposition[0], mention.start)
        affiliation = (
            affiliation or before[1] or title[1] or apposition[1] or possessor_affiliation(text, mention)
            or stated_affiliation(text, mention)
        )
        if role or affiliation:
            roles.setdefault(cluster, []).append((mention.start, role, affiliation))
    return roles


def owned_role(text: str, role: str | None, position: int) -> tuple[str | None, str | None]:
    """Split "campaign's press secretary" into the role and the organisation the text calls "the campaign".

    The organisation is the last one named with that noun before ``position``
    ("the Clinton campaign" -> "Clinton campaign", as sources name it); with
    none, "the campaign" itself.
    """
    words = (role or "").split()
    if len(words) < 2:
        return role, None
    owner = words[0].lower().removesuffix("’s").removesuffix("'s")
    if owner == words[0].lower() or owner not in ORGANISATION_NOUNS:
        return role, None
    named = re.findall(rf"\b([A-Z][\w-]+)(?:['’]s)? {owner}\b", text[max(0, position - LOOK_BACK) : position])
    return " ".join(words[1:]), f"{named[-1]} {owner}" if named else f"the {owner}"


NAME_FOR = re.compile(r" (?:for (?=the |[A-Z])|of (?=the ))")  # "Cameron Easley for Morning Consult", "Ann Lee of the Urban Institute"
NOW_HOLDS = re.compile(  # "Mr. Podesta is now the chairman of …", "… served as …, and is now president of …"
    r"(?: (?:served|was|worked)\b[^.;:“”\"]{0,80}? and)? (?:is|has been) (?:now |also |currently )*(?:the |an? )?"
    r"((?:[\w-]+ ){0,3}[\w-]+) (?:of|at|for) "
)
RUNS = re.compile(  # "Kenneth Baer, a former official who runs Crosscut Strategies"
    r",[^.;:“”\"()]{0,80}?\bwho (?:now |also |currently )?(?:runs|leads|heads|directs|chairs|founded|co-founded) "
)


def stated_affiliation(text: str, mention: Mention) -> str | None:
    """Return the organisation the text says a person works for, right after the name.

    After "for" or "of" the organisation must end the phrase or come before a
    speech verb ("Ann Lee of the Urban Institute said"): "Johnson for the
    Libertarian presidential nomination" and "McCain for the Arizona seat"
    name no employer.
    """
    after = text[mention.end : mention.end + 200]
    stated = NAME_FOR.match(after) or RUNS.match(after) or NOW_HOLDS.match(after)
    if stated is None or (stated.re is NOW_HOLDS and stated.group(1).split()[-1].lower() not in lexicon()["role_nouns"]):
        return None
    words = phrase_words(after[stated.end() :])
    organisation = possessed_organisation(words) or organisation_at(words)
    if organisation and organisation.endswith(("'s", "’s")):
        return None  # an owner, not an employer: "a supporter of Mr. Trump's pugilistic instincts"
    if organisation and stated.re is NAME_FOR:
        rest = words[len(organisation.split()) + (words[:1] == ["the"]) :]
        if rest and rest[0].lower() not in SPEECH_VERBS:
            return None
    return organisation


SPEECH_VERBS = {"said", "says", "told", "tells", "wrote", "writes", "added", "adds", "noted", "notes", "argued", "explained"}


def phrase_words(text: str) -> list[str]:
    """Return the words of ``text`` up to the first comma, semicolon, bracket or sentence end (not "Mrs.")."""
    words = []
    for word in text.split()[:12]:
        if word.endswith((",", ";", ":", ")")) or (word.endswith(".") and len(word) > 4):
            words.append(word.rstrip(",;:)."))
            break
        words.append(word)
    return words


POSSESSED = re.compile(r"(?:[A-Z][\w.-]* ){0,2}[A-Z][\w-]*['’]s (?:[\w'’-]+ ){0,5}[\w'’-]+")
OWNED_BODIES = ORGANISATION_NOUNS | {"effort", "operation", "office", "staff"}


def possessed_organisation(words: list[str]) -> str | None:
    """Return a named owner's campaign or effort: "Mrs. Clinton's presidential campaign", "Clinton's get-out-the-vote effort".

    The phrase must name a body ("campaign", "effort", "office"): "Mr. Trump's pugilistic instincts" is none.
    """
    phrase = " ".join(words)
    if not POSSESSED.fullmatch(phrase):
        return None
    return phrase if OWNED_BODIES & {word.lower() for word in words} else None


def first_role_and_affiliation(found: list[tuple[int, str | None, str | None]]) -> tuple[str | None, str | None]:
    """Return the first role and the first affiliation among (position, role, affiliation) findings."""
    ordered = sorted(found, key=lambda finding: finding[0])
    role = next((role for _, role, _ in ordered if role), None)
    affiliation = next((affiliation for _, _, affiliation in ordered if affiliation), None)
    return role, affiliation


FORMER = {"former", "ex", "onetime", "retired"}
CLERGY = {"rev", "rev.", "reverend"}  # honorifics that are a role too: "the Rev. Al Sharpton"
TITLE_BEFORE = re.compile(r"((?:[\w’'.-]+ ){0,5}?)([\w.-]+) $")
APPOSITION = re.compile(
    r"^, (?:(?:a|an|the|who is|who was|is|who serves as|who served as|who is also|who was also) )?"
    r"(?!(?:who|whom|whose|which|that) )([^,;()“”\"]{2,120}?)(?:,|(?<!\b[A-Z])\.(?:\s|$)|;| who | said| says| told|$)"
)
PAST_POST = re.compile(r"^, who (?:served as|was)\b")
POSSESSOR_BEFORE = re.compile(r"\b((?:[A-Z](?:[\w&-]|\.(?=\w))*\s+){0,3}[A-Z](?:[\w&-]|\.(?=\w))*)['’]s\s+$")


def title_role(text: str, index: EntityIndex, mention: Mention) -> tuple[str | None, str | None] | None:
    """Return the role (and affiliation) in front of a name: "Clinton campaign manager Robby Mook".

    A title the name carries ("Virginia AFL-CIO President") takes the words
    before it too ("Tulsa police Chief").
    """
    lex = lexicon()
    title = mention.title if mention.title and mention.title.lower() not in lex["honorifics"] - CLERGY else None
    if title:
        title_start = written_start(text, mention)
        window, ending = text[max(0, title_start - 80) : title_start], title.split()
    else:
        window, ending = text[max(0, mention.start - 80) : mention.start], []
    match = TITLE_BEFORE.search(window)
    words = (match.group(1) + match.group(2)).split() if match else []
    if not ending and (not words or " ".join(words[-2:]).lower() not in lex["role_nouns"] and words[-1].lower() not in lex["role_nouns"]):
        return None
    kept: list[str] = []
    stopped_at = ""  # the word before the title, where it stopped ("former" in "former CIA Director")
    for word in reversed(words):
        lower = stopped_at = word.lower()
        if kept and f"{lower} {kept[0].lower()}" in lex["role_nouns"]:  # "first lady", "vice president"
            kept.insert(0, word)
            stopped_at = ""
            continue
        sentence_end = word.endswith(".") and len(word) > 3 and lower not in lex["honorifics"] | lex["title_roles"]
        # a verb ends the title ("Christie described Democratic presidential nominee Clinton"); "retired" keeps
        # the post former, so that it names no affiliation
        verb = word.islower() and lower.endswith("ed") and lower != "retired"
        if lower in DETERMINERS or lower in lex["not_names"] or word.endswith((",", ";", ":")) or sentence_end or verb:
            break
        if ending and not (word[:1].isupper() or lower in ORGANISATION_NOUNS):
            break
        kept.insert(0, word)
        stopped_at = ""
    if ending and kept and not (split_title(kept + ending)[1]):
        kept = []  # words before a title that name no organisation are not part of it
    kept += ending
    if not kept:
        return None
    if stopped_at in FORMER:  # "former CIA Director David Petraeus": a former post names no affiliation
        return " ".join([stopped_at, *kept]), None
    role, affiliation = split_title(kept)
    if affiliation is None and (employer := person_before_role(index, kept)):
        return " ".join(kept[len(employer.split()) :]), employer
    if affiliation is None and match and kept == words and kept[0].lower() in LOCAL_FORCES:
        place = PLACE_BEFORE.search(window, 0, match.start())
        affiliation = f"{place.group(1)} {kept[0]}" if place else None
    return role, affiliation


LOCAL_FORCES = {"police", "sheriff’s", "sheriff's"}  # "Tulsa, Okla., police officer Betty Shelby" works for the Tulsa police
PLACE_BEFORE = re.compile(r"\b([A-Z][\w-]+)(?:, (?:[A-Z][a-z]{1,4}\.|[A-Z]\.[A-Z]\.),)? $")


def written_start(text: str, mention: Mention) -> int:
    """Return where a name begins in the text, its title ("Sen.", "Health Minister") included."""
    return text.rindex(mention.title, 0, mention.start) if mention.title else mention.start


def person_before_role(index: EntityIndex, title: list[str]) -> str | None:
    """Return the person a title says its holder works for: "Clinton" in "Clinton communication director"."""
    if len(title) < 2:
        return None
    people = {
        key for cluster in index.clusters if cluster.type == "person"
        for key in (plain_key(cluster.name), plain_key(cluster.name.split()[-1]))
    }
    for n in range(len(title) - 1, 0, -1):
        owner = " ".join(title[:n]).removesuffix("’s").removesuffix("'s")
        if all(word[:1].isupper() for word in title[:n]) and plain_key(owner) in people:
            return owner
    return None


def possessor_affiliation(text: str, mention: Mention) -> str | None:
    """Return the organisation whose possessive stands before a name: "NBC's Dante Chinni" -> "NBC"."""
    match = POSSESSOR_BEFORE.search(text, max(0, mention.start - 60), mention.start)
    if match is None:
        return None
    owner = match.group(1).split()
    return " ".join(owner) if is_organisation_name(owner) else None


PARTIES = {"republican", "democrat"}
BODIES = {"committee", "subcommittee", "council", "board", "commission", "panel", "caucus", "court"}  # a seat "on" them
PARTY_ADJECTIVES = {"republican", "democratic", "gop", "democrat", "state", "federal", "former", "u.s."}


def split_title(words: list[str]) -> tuple[str, str | None]:
    """Split the organisation off a title: "NBC News moderator" -> ("moderator", "NBC News").

    The organisation is the title's leading capitalised words when they end in
    an organisation or media word or are an acronym ("Ohio Democratic Party
    Chairman", "Virginia AFL-CIO President"), or when a word like "campaign"
    follows them ("Hillary Clinton's campaign manager" -> "Hillary Clinton's
    campaign"). "Senate", "House" and party adjectives stay in the role.
    """
    lex = lexicon()
    heads = lex["organization_heads"] | lex["media_heads"]
    for n in range(len(words) - 1, 0, -1):
        owner, rest = words[:n], words[n:]
        if not all(w[:1].isupper() for w in owner) or plain_key(owner[0]) in PARTY_ADJECTIVES:
            continue
        last = owner[-1].lower().removesuffix("’s").removesuffix("'s")
        if rest[0].lower() in ORGANISATION_NOUNS and len(rest) > 1:
            return " ".join(rest), " ".join(owner + rest[:1])
        if (last in heads or is_acronym(owner[-1])) and " ".join(owner).lower() not in ("senate", "house", "white house"):
            return " ".join(rest), " ".join(owner)
    return " ".join(words), None


def is_acronym(word: str) -> bool:
    """Is ``word`` an acronym, hyphenated ones ("AFL-CIO") included?"""
    return ACRONYM.match(word) is not None or (
        "-" in word and all(ACRONYM.match(part) for part in word.split("-"))
    )


def organisation_at(words: list[str]) -> str | None:
    """Return the organisation named at the start of ``words`` ("The Atlantic, …", "Seton Hall University in …").

    It is the leading run of capitalised words and name joiners, with a word
    like "campaign" after it ("the Clinton campaign"); a run after "the" is an
    organisation even when one word long ("the Atlantic").
    """
    lex = lexicon()
    after_the = bool(words) and words[0].lower() == "the"
    article = words[:1] if after_the and words[0] == "The" else []  # "The Atlantic" keeps its "The"
    words = words[1:] if after_the else words
    run: list[str] = []
    for word in words:
        if not (word[:1].isupper() or (run and word.lower() in lex["name_joiners"])):
            break
        run.append(word)
    while run and run[-1].lower() in lex["name_joiners"]:
        run.pop()
    person_like = run and run[0].lower() in lex["title_roles"] | lex["male_names"] | lex["female_names"]
    heads = lex["organization_heads"] | lex["media_heads"]
    if person_like and not any(word.lower() in heads for word in run):  # not "Peter G. Peterson Institute for …"
        return None  # a person ("a chief of staff to President Bill Clinton"), not "Christopher Newport University"
    if run and len(words) > len(run) and words[len(run)].lower() in ORGANISATION_NOUNS:
        return " ".join(run + [words[len(run)]])
    if run and (is_organisation_name(run) or (after_the and not run[-1].endswith(("’s", "'s")))):
        return " ".join(article + run)
    return None


def is_organisation_name(words: list[str]) -> bool:
    """Does a capitalised phrase name an organisation ("Princeton University", "The Atlantic", "NAACP")?"""
    lex = lexicon()
    name = " ".join(words)
    return bool(words) and (
        len(words) > 1 and all(w[:1].isupper() or w.lower() in lex["name_joiners"] for w in words)
        or is_acronym(name)
        or name.lower() in lex["media_names"]
        or words[-1].lower() in lex["organization_heads"] | lex["media_heads"]
    )


APPOSITION_BEFORE = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=\n))((?:A|An|The|Another|[A-Z][\w.-]*['’]s)\s[^,;:“”\"()]{1,80}?),\s+$")
# Inside a sentence, a description after a determiner and before a name set off by commas: "he summoned his
# senior climate adviser, Brian Deese, to the Oval Office".
APPOSITION_INSIDE = re.compile(r"\b(?:a|an|the|his|her|their|its)\s([^,;:“”\"()]{1,60}?),\s+$")


def apposition_before(text: str, mention: Mention) -> tuple[str | None, str | None] | None:
    """Return the role and affiliation of a description set off by a comma before a name.

    "A lawyer for the news outlets, David Schulz, said": the role runs from
    after the determiner to the first role noun, the affiliation as in
    ``apposition_role``. Inside a sentence the description must end in its
    role noun and the name be followed by a comma ("his senior climate
    adviser, Brian Deese, to the Oval Office").
    """
    start = written_start(text, mention)
    match = APPOSITION_BEFORE.search(text, max(0, start - 100), start)
    if match:
        return role_and_affiliation(match.group(1).split()[1:])
    match = APPOSITION_INSIDE.search(text, max(0, start - 80), start)
    if match and text.startswith(",", mention.end):
        words = match.group(1).split()
        found = role_and_affiliation(words)
        return found if found and len(found[0].split()) == len(words) else None  # the description ends in its role noun
    return None


def apposition_role(text: str, index: EntityIndex, mention: Mention) -> tuple[str | None, str | None] | None:
    """Return the role and affiliation of an apposition after a name: "Jane Roe, a spokeswoman for the Health Ministry,".

    The role runs to its first role noun ("a tax lawyer and senior fellow at …"
    gives "tax lawyer"), with a lowercase "of" phrase after it ("professor of
    geosciences"); the affiliation is the first organisation named after a
    "for", "of", "at" or "with" ("… at Princeton University").
    """
    after = text[mention.end : mention.end + 200]
    party_tag = PARTY_TAG.match(after.lstrip())
    if party_tag:  # "Rep. Gregory W. Meeks (D-N.Y.), chairman of …"
        after = after.lstrip()[party_tag.end() :]
    match = APPOSITION.match(after)
    if not match:
        return None
    words = match.group(1).split()
    if words[:1] in (["of"], ["from"], ["at"], ["with"]):  # "the Rev. Peter Wherry, of Mayfield Baptist Church,"
        affiliation = organisation_at(words[1:])
        return (None, affiliation) if affiliation else None
    found = role_and_affiliation(words)
    if found and PAST_POST.match(after):
        return found[0], None  # "who served as general chairman of the DNC": a former post, no affiliation
    return found


def role_and_affiliation(words: list[str]) -> tuple[str, str | None] | None:
    """Return the role up to the first role noun of a description, and the organisation it is "for", "of" or "at"."""
    lex = lexicon()
    lowered = [word.lower() for word in words]

    def ends_role(n: int) -> bool:  # a role noun of one to three words ends at word n: "mate" of "running mate"
        if n >= len(words) or (lowered[n] in PARTIES and words[n + 1 : n + 2] and words[n + 1][:1].isupper()):
            return False  # "the Republican National Committeeman": a party's name, not a party member
        return any(" ".join(lowered[max(0, n - k) : n + 1]) in lex["role_nouns"] for k in range(3))

    for n in range(len(words)):
        if ends_role(n) and not ends_role(n + 1):
            break
    else:
        return None
    role, rest = words[: n + 1], words[n + 1 :]
    if lowered[n] in PARTIES and rest[:1] != ["on"]:
        return " ".join(role), None  # "Republican of South Carolina" is a party tag, no affiliation
    affiliation = None
    for k, word in enumerate(rest):
        if word in ("for", "of", "at", "with", "to", "on") and (affiliation := organisation_at(rest[k + 1 :])):
            if word != "on" or affiliation.split()[-1].lower() in BODIES:
                break  # "the top Democrat on the House Intelligence Committee"; not "an expert on China"
            affiliation = None
    if affiliation is None and rest[:1] == ["of"] and len(rest) > 1 and not rest[1][:1].isupper():
        role += rest[:2]
    return " ".join(role), affiliation
