"""When each statement was made: a time expression in the cue's clause, resolved to dates.

For every attribution the step looks, in the sentence that holds the cue (or,
without a cue, the source or the content), for a time expression that
modifies the cue: "said Sunday", "told CNN on Monday", "said in an interview
Tuesday", "In a speech on Sept. 12, Obama said", "said last week", "said in
2012", "said two days ago", "In a March 2016 meeting, Trump said". It takes the
one nearest the cue, at most ``MAX_GAP`` characters away (not counting the
source between them) with no other cue-like verb, quote mark, clause opener
("that", "who") or content in between; a time that opens the sentence, set
off by a comma, dates its main clause however far ("Eight years ago, when
Mr. Obama ran for president, both men had…") unless a quotation or dash
comes between. Right after the content it takes one
within ``CLOSE_AFTER_CONTENT`` characters or after an event phrase ("rejected
that argument in a ruling released Thursday"). A "when", "while" or "as"
clause right after the cue or the content dates them ("said as she and
hundreds of others moved through the city early Sunday morning"), unless the
cue is a future or an infinitive ("will work to call for amendments when the
draft goes …"), and so does
an event's time before a "when" clause that holds the cue ("in the 2012
election, when President Obama painted Romney as…", "this week's debate,
when Clinton suggested…"), and the time of the speech a possessive source made
("his remarks on Saturday carried … a tacit acknowledgment"). An event the
article dates elsewhere dates the phrases around it ("the day before the
debate" after "the first presidential debate Monday night"; "after the
debate" is the debate's day). It never takes one inside the
content, nor inside another attribution's content: that is what the content
talks about, not when it was said; nor inside the source, except the release
date of a document ("a poll released Friday"); the one exception is a weekday
that closes a content which is the cue's object, not a clause ("Trump cited
his endorsements from 88 generals Tuesday."). Expressions after "since",
"until", "before", "after", "by" or "next" are skipped: they do not say when,
unless the cue itself follows that word ("After aides insisted in June …").
A possessive ("Monday's debate") is a time only after a preposition ("At
Friday's rally, she said"): "will use Monday's debate" names an occasion.
A bare month or year is a time after "in" or "during", or inside an event
phrase ("at its July summit", "in his 2002 book").
``Time.text`` is the expression without its preposition ("Sunday" in "on
Sunday", "2012" in "in 2012").

Dates are resolved against the article date, as ISO "YYYY-MM-DD":

- a weekday ("Sunday", "Sunday night", "early Monday") is the latest such day
  on or before the article date, so "said Monday" in a Monday article is that
  day; "last Sunday" is the latest strictly before it ("this past" reads as
  "last" throughout);
- "today", "tonight", "this morning" are the article date; "yesterday" and
  "last night" the day before;
- a month and day ("Sept. 12", "3 March") without a year fall in the latest
  year that keeps them on or before the article date; "March 3 and 4",
  "March 3-4" and "March 3 to 5" give ``value`` and ``value_end``;
- "last week" is Monday to Sunday of the previous calendar week, "this week"
  and "earlier this week" Monday to Sunday of the article's week; "last
  month" and "last year" are the whole previous month and year, "this month"
  and "this year" the whole current ones; "last weekend" is the latest whole
  Saturday and Sunday before the article date, "the weekend" and "this
  weekend" the latest Saturday on or before it and the Sunday after;
- "in March" is the latest March that begins on or before the article date,
  "in March 2015" that month, "in 2012" that year, first to last day;
- "three days ago" and "a week ago" are the day that many days before the
  article date; "two months ago" the whole month and "eight years ago" the
  whole year that many months or years before it;
- a U.S. holiday ("Labor Day", "Thanksgiving", "Election Day") is its latest
  day on or before the article date, if within half a year; else this year's,
  still ahead, which a statement time never takes.

A range is the whole calendar period, even where it runs past the article
date; an expression whose first day is after the article date is not taken:
a statement lies in the past. Vague expressions ("recently", "earlier", "this fall") are no
times. Without an article date, expressions that carry their year still
resolve; the others keep their offsets and text with ``value`` None.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from quotegraph.config import Settings
from quotegraph.enrich import step
from quotegraph.model import Article, Attribution, Span, Time
from quotegraph.nlp.mentions import lexicon
from quotegraph.text.sentences import boundaries

# Farthest a time expression may lie from the cue, in characters of text between them.
MAX_GAP = 60
# How far from the cue another attribution's content may start and still be checked for holding a time.
NEARBY_CONTENT = 2000
# Farthest a time expression may follow the content it comes after ("… on Friday").
CLOSE_AFTER_CONTENT = 12

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS, 1)}

WEEKDAY_NAME = rf"(?:{'|'.join(WEEKDAYS)})\b"
MONTH = (
    r"\b(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:\.|\b))(?!-)"
)
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b(?![:.,]?\d)"
YEAR = r"(?:19|20)\d\d\b"
DAY_RANGE = r"(?:\s*[-–]\s*|\s+(?:and|to|through|until)\s+)"
PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"

# The counts "N days ago" may start with: "a", "two", "twelve", "twenty-two".
UNITS = "one two three four five six seven eight nine".split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = (
    {"a": 1, "an": 1}
    | {word: n for n, word in enumerate(UNITS, 1)}
    | {word: n for n, word in enumerate("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(), 10)}
    | {word: 10 * n for n, word in enumerate(TENS, 2)}
    | {f"{ten}-{unit}": 10 * n + m for n, ten in enumerate(TENS, 2) for m, unit in enumerate(UNITS, 1)}
)

EXPRESSIONS = {
    # "Sept. 12", "Monday, Oct. 5, 2016", "March 3 and 4", "3 March", "3rd of March"
    "date": rf"(?:{WEEKDAY_NAME},?\s+)?"
    rf"(?:{MONTH}\s*{DAY}(?:{DAY_RANGE}(?:{MONTH}\s*)?{DAY})?|{DAY}(?:{DAY_RANGE}{DAY})?\s+(?:of\s+)?{MONTH})"
    rf"(?:,?\s+{YEAR})?",
    # "Sunday", "last Sunday", "early Monday", "Friday afternoon"; not "Super Tuesday"
    "weekday": r"(?<!Super )(?<!Black )(?<!Cyber )(?<!Good )"
    rf"(?:(?i:earlier|later|late|early)\s+)?(?:(?i:last|this\s+past)\s+)?{WEEKDAY_NAME}{PART_OF_DAY}",
    # "today", "earlier today", "this morning", "yesterday afternoon", "last night"; not "USA Today"
    "day": r"(?:(?i:earlier|later)\s+)?(?:to(?:day|night)|(?<![A-Za-z] )To(?:day|night))\b(?!\s+[Ss]how)"
    r"|[Tt]his\s+(?:morning|afternoon|evening)"
    rf"|[Yy]esterday{PART_OF_DAY}|(?i:last\s+night)",
    # "last week", "earlier this week", "this past weekend", "the weekend", "last year"
    "period": r"(?i:(?:(?:earlier|late|early)\s+)?this|last|this\s+past)\s+(?i:week(?:end)?|month|year)\b"
    r"|(?i:the\s+weekend)\b",
    # "March", "early March", "March 2015" (after "in")
    "month": rf"(?:(?i:early|late)\s+|mid-)?{MONTH}(?:,?\s+{YEAR})?",
    # "2012" (after "in")
    "year": YEAR,
    # "two days ago", "a week ago", "eight years ago"
    "ago": rf"(?<![\w-])(?i:(?:{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))}|\d{{1,2}})\s+(?:day|week|month|year)s?\s+ago)\b",
    # "Labor Day", "on Thanksgiving", "in a Memorial Day speech"
    "holiday": r"(?:New\s+Year['’]s\s+(?:Day|Eve)|Martin\s+Luther\s+King(?:\s+Jr\.)?\s+Day|Presidents['’]?\s+Day"
    r"|Memorial\s+Day|Independence\s+Day|Fourth\s+of\s+July|Labor\s+Day|Columbus\s+Day|Election\s+Day"
    r"|Veterans['’]?\s+Day|Thanksgiving(?:\s+Day)?|Christmas(?:\s+(?:Eve|Day))?)\b",
}
# The U.S. holidays, by their first words (lowercase, no apostrophes): (month, day, weekday). A holiday on a
# weekday is the first such weekday on or after that month and day: Labor Day is the first Monday on or
# after September 1, Thanksgiving the first Thursday on or after November 22.
HOLIDAYS = {
    "new years day": (1, 1, None), "new years eve": (12, 31, None), "martin luther": (1, 15, 0), "presidents day": (2, 15, 0),
    "memorial day": (5, 25, 0), "independence day": (7, 4, None), "fourth of": (7, 4, None), "labor day": (9, 1, 0),
    "columbus day": (10, 8, 0), "election day": (11, 2, 1), "veterans day": (11, 11, None), "thanksgiving": (11, 22, 3),
    "christmas eve": (12, 24, None), "christmas": (12, 25, None),
}
# How far back a holiday may lie before the article date; a later one is this year's, still ahead, so not taken.
HOLIDAY_LOOK_BACK = dt.timedelta(days=183)
ALTERNATIVES = "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in EXPRESSIONS.items())
EXPRESSION = re.compile(ALTERNATIVES)
# An expression with the preposition before it; the preposition is not part of the expression.
PREPOSITION = r"(?i:on|in|during|over|at|from|since|until|till|by|before|after|next|ahead\s+of|this\s+coming)"
EXPRESSION_IN_TEXT = re.compile(rf"\b(?:(?P<preposition>{PREPOSITION})\s+)?(?:{ALTERNATIVES})")
# Prepositions that put the statement before, after or around the time, not at it.
NOT_AT = {"since", "until", "till", "by", "before", "after", "next", "ahead of", "this coming"}
# A bare month or year is a time only after one of these ("in March", "in 2012"), or inside an event phrase.
MONTH_OR_YEAR_AFTER = {"in", "during"}
# Occasions a statement is made at: "in a March 2016 meeting", "in a ruling released Thursday".
EVENT = (
    r"(?:meeting|interview|speech|summit|book|election|debate|rally|statement|letter|report|op-ed|episode|hearing"
    r"|ruling|decision|press\s+conference|news\s+conference|conference|address|appearance|memo|column|article"
    r"|tweet|post|broadcast|session|testimony|filing|briefing|convention|campaign|visit|panel|discussion|town\s+hall"
    r"|remarks|call|show|program|podcast|event)s?"
)
# An event phrase that ends where a month or year begins ("in a ", "at its ", "in his new ").
EVENT_BEFORE = re.compile(r"\b(?i:in|at|during|on)\s+(?i:a|an|the|his|her|its|their|this|that)\s+(?:[a-z][\w-]*\s+)?$")
# The event noun after the month or year ("March 2016 meeting", "July summit in Warsaw").
EVENT_AFTER = re.compile(rf"\s+(?:[a-z][\w-]*\s+){{0,2}}?{EVENT}\b")
# Between a content and a time that dates it: an event phrase ("… in an interview earlier Thursday").
EVENT_AFTER_CONTENT = re.compile(
    rf"[\s,]*(?i:in|during|at|on)\s+(?i:a|an|the|his|her|its|their)\s+(?:[\w’'-]+\s+){{0,3}}?{EVENT}"
    r"(?:\s+(?:released|published|issued|held|given|aired))?\s+(?:(?:on|in)\s+)?"
)
# A subordinate clause after the cue or the content whose time dates them: "said as she and hundreds of others
# moved through the city early Sunday morning", "described him as X when he ran for the White House in 2008".
SUBORDINATE_AFTER = re.compile(
    r"[\s,]*\b(?:when|while|as)\s+(?:he|she|they|we|I|it|the|a|an|his|her|their|[A-Z])[^,;:.!?“”\"]{0,100}?\s+(?:(?i:on|in)\s+)?"
)
# An event phrase and a "when" clause between an expression and the cue: "in the 2012 election, when
# President Obama painted …", "this week's presidential debate, when Clinton suggested …".
WHEN_AFTER_EVENT = re.compile(
    rf"(?:['’]s)?\s+(?:[a-z][\w-]*\s+){{0,2}}?{EVENT}\b(?:\s+in\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?,\s+when\s+"
)
# Between a possessive source and its time: the speech it made ("his remarks on Saturday").
SPEECH_AFTER_SOURCE = re.compile(rf"\s+(?:[a-z][\w-]*\s+)?{EVENT}\s+(?:(?i:on|in|at|during)\s+)?")
# An event the article dates: "Monday night's debate", "the first presidential debate Monday night", "the vote on Sept. 12".
_DAY = rf"(?:{EXPRESSIONS['weekday']}|{EXPRESSIONS['date']})"
DATED_EVENT = re.compile(
    rf"(?P<day_before>{_DAY})['’]s\s+(?:[a-z][\w-]*\s+){{0,2}}?(?P<noun_before>{EVENT})\b"
    rf"|\b(?P<noun_after>{EVENT})\s+(?:(?:on|of)\s+)?(?P<day_after>{_DAY})"
)
# A time given by a dated event: "the day before the debate", "after the debate".
ANCHORED = re.compile(
    rf"\b(?P<offset>(?i:(?:the\s+)?(?:day|night)\s+(?:before|after)|after))\s+the\s+(?:[a-z][\w-]*\s+){{0,2}}?(?P<noun>{EVENT})\b"
)
# What lies between two coordinated cues after the first one's content: " and", ", and then".
AND_THEN = re.compile(r"[\s,]*\band\b(?:\s+then|\s+also)?\s*")
# A possessive after an expression: "Monday's", "this year’s".
POSSESSIVE_AFTER = re.compile(r"['’]s\b")
# The release date of a document source: "a poll released Friday", "a report published in June",
# "a report released by the Department of Veterans Affairs last month".
RELEASED = re.compile(
    r"\b(?:" + "|".join(sorted(lexicon()["release_participles"])) + r")\s+(?:by\s+[^,;.]{1,80}?\s+)?(?:(?:on|in)\s+)?$"
)

# A phrase that ends in the expression and puts the statement before or after it.
NOT_AT_PHRASE = re.compile(r"\b(?i:after|before|since|until|ahead\s+of|up\s+to)\b[^,;:]*$")
# Between the cue and its time: another cue-like verb, a quote mark, a bracket or a clause opener.
CLAUSE_BREAK = re.compile(
    r"[“”\";:()]|,\s*(?:and|or)\b|\b(?:said|say|says|saying|told|tell|tells|added|adds|wrote|writes|asked|asks"
    r"|stated|states|announced|claimed|argued|insisted|noted|explained|according|that|who|whom|whose|which|when"
    r"|where|while|because|although|though|if|but|since|after|before)\b"
)
# A title in quotation marks ("On Tuesday's episode of “The Steve Harvey Morning Show,” she said"): no clause break.
QUOTED_TITLE = re.compile(r"[“\"](?:[A-Z0-9][\w’'.:-]*,?\s*|(?:of|the|a|an|and|in|on|to|for|with)\s+){1,10}[”\"]")
# A relative clause that the expression ends ("Smith, who arrived on Sunday, said"): its time, not the cue's.
RELATIVE_CLAUSE = re.compile(r"\b(?:who|whom|whose|which)\b[^,;:.!?]*$")
# "Sept." before a day: not a sentence end, though ``boundaries`` takes it for one.
ABBREVIATED_MONTH_BEFORE_DAY = re.compile(r"(?<![A-Za-z])(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.\s+\d")
MONTH_NAME = re.compile(MONTH)
NUMBER = re.compile(r"\d+")
PREVIOUS = re.compile(r"\b(?i:last|past)\b")


class Expression(NamedTuple):
    """A time expression found in a text: its offsets and its text."""

    start: int
    end: int
    text: str


@step("times")
def add_times(article: Article, settings: Settings) -> Article:
    """Set the time of every attribution from the time expression in its cue's clause."""
    ends = sentence_ends(article.text)
    events = dated_events(article.text, article.date) if ANCHORED.search(article.text) else {}  # most articles have none
    by_start = sorted(article.attributions, key=lambda a: a.content.start)
    starts = [a.content.start for a in by_start]
    for attribution in article.attributions:
        anchor = anchor_of(attribution)
        # Other attributions whose content may hold a time of this sentence, found by where they start.
        nearby = by_start[bisect_left(starts, anchor.start - NEARBY_CONTENT) : bisect_right(starts, anchor.end + NEARBY_CONTENT)]
        others = [
            piece
            for other in nearby
            if other is not attribution and not any(a <= anchor.start < b for a, b in other.content.pieces)
            for piece in other.content.pieces
        ]
        attribution.time = time_of(article.text, attribution, article.date, ends, others, events)
    for first, second in zip(article.attributions, article.attributions[1:]):
        if second.time is None and first.time is not None and shares_subject(article.text, first, second, ends):
            second.time = first.time  # "The council on Friday condemned the test and pledged to impose sanctions"
    return article


def shares_subject(text: str, first: Attribution, second: Attribution, ends: list[int]) -> bool:
    """Is ``second``'s cue a verb coordinated with ``first``'s, in the same sentence and with the same source?"""
    if first.source is None or second.source is None or first.cue is None or second.cue is None:
        return False
    if (first.source.start, first.source.end) != (second.source.start, second.source.end) or second.cue.start < first.cue.end:
        return False
    between = text[max(first.cue.end, first.content.end) : second.cue.start]
    return bisect_left(ends, first.cue.end) == bisect_left(ends, second.cue.start) and AND_THEN.fullmatch(between) is not None


def anchor_of(attribution: Attribution) -> Span:
    """Return the span whose clause dates an attribution: its cue, else its source, else its content."""
    return attribution.cue or attribution.source or attribution.content


def sentence_ends(text: str) -> list[int]:
    """Return the sentence ends of ``text`` as ``boundaries`` finds them, less those inside "Sept. 12"."""
    return [
        end
        for end in boundaries(text).tolist()
        if not ABBREVIATED_MONTH_BEFORE_DAY.search(text, max(0, end - 5), end + 3)
    ]


def time_of(
    text: str, attribution: Attribution, date: dt.date | None, sentence_ends: list[int],
    other_contents: list[tuple[int, int]] = (), events: dict[str, dt.date] | None = None,
) -> Time | None:
    """Return when ``attribution`` was made, from the expression nearest its cue, or None.

    ``other_contents`` are the content parts of the article's other
    attributions that do not hold this one's cue: times inside them are theirs.
    ``events`` are the days the article dates its events on (``dated_events``).
    """
    anchor = anchor_of(attribution)
    start, end = sentence_around(sentence_ends, anchor, len(text))
    candidates = []
    anchored = anchored_expressions(text, start, end, events or {})
    for expression in find_expressions(text, start, end, anchor) + list(anchored):
        if any(a < expression.end and expression.start < b for a, b in other_contents):
            continue
        distance = clause_distance(text, attribution, anchor, expression)
        if distance is None:
            continue
        value, value_end = anchored[expression] if expression in anchored else resolve(expression.text, date)
        if date is not None and value is not None and value > date.isoformat():
            continue
        # Nearest first; at equal distance, after the cue ("said Monday") before it.
        candidates.append(((distance, expression.start < anchor.start), expression, value, value_end))
    if not candidates:
        return None
    _, expression, value, value_end = min(candidates, key=lambda candidate: candidate[0])
    return Time(start=expression.start, end=expression.end, text=expression.text, value=value, value_end=value_end)


def clause_distance(text: str, attribution: Attribution, anchor: Span, expression: Expression) -> int | None:
    """Return how many characters lie between ``anchor`` and ``expression``, or None if it is not in its clause.

    It is not where it lies inside the content or the source, more than
    ``MAX_GAP`` characters away, with content, another cue-like verb or a
    clause break between them (the source between them does not count), or
    at the end of a relative clause before the cue.
    """
    content, source = attribution.content.pieces, attribution.source
    if any(a < expression.end and expression.start < b for a, b in content):
        return 0 if dates_object(text, attribution, expression) else None
    if source and any(a < expression.end and expression.start < b for a, b in source.pieces):
        return 0 if RELEASED.search(text, source.start, expression.start) else None
    if expression.start >= anchor.start:
        gap_start, gap_end = anchor.end, expression.start
    else:
        gap_start, gap_end = expression.end, anchor.start
    if any(gap_start <= a < gap_end for a, _ in content):
        # "offered some advice to Clinton on Friday": a time right after the
        # content, and outside it, still dates the cue's clause.
        content_end = max(b for _, b in content)
        if expression.start < content_end:
            return None
        if expression.start - content_end > CLOSE_AFTER_CONTENT:
            if EVENT_AFTER_CONTENT.fullmatch(text, content_end, expression.start):
                return CLOSE_AFTER_CONTENT
            subordinate = SUBORDINATE_AFTER.fullmatch(text, content_end, expression.start)
            return MAX_GAP if subordinate and not is_future(text, anchor) else None
        if CLAUSE_BREAK.search(text, content_end, expression.start):
            return None
        return expression.start - content_end
    if expression.start >= anchor.end and SUBORDINATE_AFTER.fullmatch(text, anchor.end, expression.start):
        return None if is_future(text, anchor) else MAX_GAP
    if source and source.end <= expression.start < anchor.start and SPEECH_AFTER_SOURCE.fullmatch(text, source.end, expression.start):
        return MAX_GAP  # "his remarks on Saturday carried … a tacit acknowledgment": when the source spoke
    when = WHEN_AFTER_EVENT.match(text, expression.end)
    if when and when.end() <= anchor.start:
        # "in the 2012 election, when President Barack Obama painted …": the event's time dates the "when" clause.
        between = text[when.end() : anchor.start]
        if source and source.start >= when.end():
            between = text[when.end() : source.start] + text[source.end : anchor.start]
        return MAX_GAP if len(between) <= MAX_GAP and not CLAUSE_BREAK.search(between) else None
    if expression.end <= anchor.start and opens_sentence(text, expression) and not OTHER_CLAUSE.search(text, expression.end, anchor.start):
        # "Eight years ago, when Mr. Obama ran for president, both men had…": a time
        # that opens the sentence, set off by a comma, dates its main clause.
        return MAX_GAP
    # The source may lie in between ("On Monday, Rep. Gwen Moore (D-Wis.) said"): look on either side of it.
    source_start, source_end = (source.start, source.end) if source else (gap_end, gap_end)
    source_between = max(0, min(gap_end, source_end) - max(gap_start, source_start))
    if gap_end - gap_start - source_between > MAX_GAP:
        return None
    around_source = ((gap_start, min(gap_end, source_start)), (max(gap_start, source_end), gap_end))
    if any(CLAUSE_BREAK.search(QUOTED_TITLE.sub(" ", text[a:b])) for a, b in around_source if a < b):
        return None
    if (
        expression.end <= anchor.start
        and "," in text[gap_start:gap_end]
        and RELATIVE_CLAUSE.search(text, max(0, expression.start - MAX_GAP), expression.start)
    ):
        return None
    return max(0, gap_end - gap_start - source_between)


# A cue that has not happened yet: "will work … to call for amendments when the draft goes to the committee".
FUTURE_BEFORE = re.compile(r"\b(?:will|would|to|going to|plans? to)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def is_future(text: str, cue: Span) -> bool:
    """Is the cue an infinitive or a future ("to call for", "will say"), whose clauses say when it is to happen?"""
    return cue.text.lower().startswith("to ") or FUTURE_BEFORE.search(text, max(0, cue.start - 40), cue.start) is not None


# A word that makes a content a clause: "the vote would be held Tuesday", "Clinton reached out Tuesday".
VERB_LIKE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|will|would|can|could|should|shall|may|might|must|has|have|had|did|does|do|[a-z]+ed)\b"
)
# The start of a content that is a clause or a quotation, not an object: "that …", "he …", "“…", "to …".
CLAUSE_CONTENT = re.compile(r"[\W]*(?:that|to|he|she|they|it|we|i|you|there|this|these|those)\b|\W", re.IGNORECASE)


def dates_object(text: str, attribution: Attribution, expression: Expression) -> bool:
    """Does a day that ends the content date the cue: "Trump cited his endorsements from 88 generals Tuesday."?

    Only a weekday or "yesterday"-like day, where the content is the cue's object, not a clause or a
    quotation with a time of its own, and the day closes the sentence.
    """
    cue, content = attribution.cue, attribution.content
    kind = EXPRESSION.fullmatch(expression.text)
    return (
        cue is not None and cue.end <= content.start and expression.end == content.end
        and kind is not None and kind.lastgroup in ("weekday", "day")
        and text[content.end : content.end + 1] in (".", "")
        and not CLAUSE_CONTENT.match(content.text)
        and not VERB_LIKE.search(text, content.start, expression.start)
    )


# A quotation, dash, colon or semicolon between a sentence’s opening time and a cue: the cue is in another clause.
OTHER_CLAUSE = re.compile(r"[“”\"—–;:]")
SENTENCE_OPENING = re.compile(r"(?:^|[.!?][”\"’']?\s+|\n)\s*(?:(?i:in|on|at|by|since|until|back)\s+)?$")


def opens_sentence(text: str, expression: Expression) -> bool:
    """Does ``expression`` open its sentence, set off by a comma ("On Monday, …", "Eight years ago, when …")?"""
    return text.startswith(",", expression.end) and SENTENCE_OPENING.search(text, max(0, expression.start - 12), expression.start) is not None


def sentence_around(ends: list[int], span: Span, length: int) -> tuple[int, int]:
    """Return the start and end of the sentence, or sentences, that hold ``span``."""
    before = bisect_right(ends, span.start)
    after = bisect_left(ends, span.end)
    return (ends[before - 1] if before else 0), (ends[after] if after < len(ends) else length)


def find_expressions(text: str, start: int, end: int, anchor: Span | None = None) -> list[Expression]:
    """Return the time expressions of ``text[start:end]`` that can say when something was said (at ``anchor``)."""
    expressions = []
    for match in EXPRESSION_IN_TEXT.finditer(text, start, end):
        kind = match.lastgroup
        if kind in ("year", "period") and WHEN_AFTER_EVENT.match(text, match.end(kind)):
            # "the 2000 election in Florida, when …", "after this week's debate, when …": when the event was
            expressions.append(Expression(match.start(kind), match.end(kind), match[kind]))
            continue
        preposition = " ".join((match["preposition"] or "").lower().split())
        if preposition in NOT_AT:
            continue
        if kind in ("month", "year") and preposition not in MONTH_OR_YEAR_AFTER and not in_event_phrase(text, match.start(kind), match.end(kind)):
            continue
        if not preposition and POSSESSIVE_AFTER.match(text, match.end(kind)):  # "use Monday's debate": what, not when
            continue
        not_at = NOT_AT_PHRASE.search(text, max(start, match.start() - MAX_GAP), match.start())
        if not_at and not (anchor and not_at.start() <= anchor.start < match.start()):  # "after a test in January"
            continue
        expressions.append(Expression(match.start(kind), match.end(kind), match[kind]))
    return expressions


def dated_events(text: str, date: dt.date | None) -> dict[str, dt.date]:
    """Return the day of each event the article dates, by its noun: "Monday night's debate", "the debate on Monday".

    The first dated mention of an event noun counts; days resolve as weekdays and dates do.
    """
    events: dict[str, dt.date] = {}
    for match in DATED_EVENT.finditer(text):
        noun = (match["noun_after"] or match["noun_before"]).lower().removesuffix("s")
        value, _ = resolve(match["day_before"] or match["day_after"], date)
        if noun not in events and value is not None:
            events[noun] = dt.date.fromisoformat(value)
    return events


def anchored_expressions(text: str, start: int, end: int, events: dict[str, dt.date]) -> dict[Expression, tuple[str, None]]:
    """Return the expressions of ``text[start:end]`` that date a statement by a dated event, with their day.

    "the day before the debate" is the day before the debate's, "the day after" the day after,
    "after the debate" (a spin room, a press conference) that day.
    """
    found = {}
    for match in ANCHORED.finditer(text, start, end):
        day = events.get(match["noun"].lower().removesuffix("s"))
        if day is None:
            continue
        offset = match["offset"].lower().split()
        day += ONE_DAY * (-1 if offset[-1] == "before" else 1 if len(offset) > 1 else 0)
        found[Expression(match.start(), match.end(), match.group())] = (day.isoformat(), None)
    return found


def in_event_phrase(text: str, start: int, end: int) -> bool:
    """Say whether a month or year sits inside an event phrase: "in a March 2016 meeting", "at its July summit"."""
    return bool(EVENT_BEFORE.search(text, max(0, start - 40), start) and EVENT_AFTER.match(text, end))


def resolve(expression_text: str, date: dt.date | None) -> tuple[str | None, str | None]:
    """Return the first and last day ``expression_text`` stands for, the last None for a single day.

    Relative expressions need the article ``date``; without it, or for an
    impossible date, the first day is None too.
    """
    match = EXPRESSION.fullmatch(expression_text)
    if match is None:
        return None, None
    try:
        first, last = RESOLVERS[match.lastgroup](expression_text, date)
    except ValueError:  # "Feb. 30"
        return None, None
    if first is None:
        return None, None
    return first.isoformat(), (last.isoformat() if last != first else None)


DayRange = tuple[dt.date | None, dt.date | None]
ONE_DAY = dt.timedelta(days=1)


def date_range(text: str, date: dt.date | None) -> DayRange:
    """Resolve a month and day, or days, with or without a year."""
    months = [MONTH_NUMBERS[name[:3]] for name in MONTH_NAME.findall(text)]
    numbers = NUMBER.findall(text)
    days = [int(n) for n in numbers if len(n) <= 2]
    years = [int(n) for n in numbers if len(n) == 4]
    if years:
        year = years[0]
    elif date is None:
        return None, None
    else:
        year = date.year if (months[0], days[0]) <= (date.month, date.day) else date.year - 1
    first = dt.date(year, months[0], days[0])
    last = dt.date(year, months[-1], days[-1])
    if last < first:  # "Dec. 30 to Jan. 2"
        last = last.replace(year=year + 1)
    return first, last


def weekday_range(text: str, date: dt.date | None) -> DayRange:
    """Resolve a weekday: the latest on or before ``date``, strictly before after "last"."""
    if date is None:
        return None, None
    weekday = next(i for i, name in enumerate(WEEKDAYS) if name in text)
    back = (date.weekday() - weekday) % 7
    if back == 0 and is_previous(text):
        back = 7
    day = date - dt.timedelta(days=back)
    return day, day


def day_range(text: str, date: dt.date | None) -> DayRange:
    """Resolve "today", "tonight", "this morning", "yesterday", "last night"."""
    if date is None:
        return None, None
    lowered = text.lower()
    day = date - ONE_DAY if "yesterday" in lowered or lowered.startswith("last") else date
    return day, day


def period_range(text: str, date: dt.date | None) -> DayRange:
    """Resolve "this/last week", "the/this/last weekend", "this/last month", "this/last year"."""
    if date is None:
        return None, None
    unit = text.lower().split()[-1]
    previous = is_previous(text)
    if unit == "week":
        monday = date - dt.timedelta(days=date.weekday())
        return (monday - 7 * ONE_DAY, monday - ONE_DAY) if previous else (monday, monday + 6 * ONE_DAY)
    if unit == "weekend":
        saturday = date - dt.timedelta(days=(date.weekday() - 5) % 7)
        if previous and date.weekday() >= 5:
            saturday -= 7 * ONE_DAY
        return saturday, saturday + ONE_DAY
    if unit == "month":
        month = date.replace(day=1) - ONE_DAY if previous else date
        return whole_month(month.year, month.month)
    return whole_year(date.year - 1 if previous else date.year)


def month_range(text: str, date: dt.date | None) -> DayRange:
    """Resolve a month, with or without a year: its first to its last day."""
    month = MONTH_NUMBERS[MONTH_NAME.search(text)[0][:3]]
    year_match = NUMBER.search(text)
    if year_match:
        year = int(year_match[0])
    elif date is None:
        return None, None
    else:
        year = date.year if month <= date.month else date.year - 1
    return whole_month(year, month)


def year_range(text: str, date: dt.date | None) -> DayRange:
    """Resolve a year: January 1 to December 31."""
    year = int(text)
    return whole_year(year)


def ago_range(text: str, date: dt.date | None) -> DayRange:
    """Resolve "N days/weeks/months/years ago": that day, or that whole month or year."""
    if date is None:
        return None, None
    count_word, unit = text.lower().split()[:2]
    count = int(count_word) if count_word.isdigit() else NUMBER_WORDS[count_word]
    unit = unit.removesuffix("s")
    if unit in ("day", "week"):
        day = date - dt.timedelta(days=count * (7 if unit == "week" else 1))
        return day, day
    if unit == "month":
        months = date.year * 12 + date.month - 1 - count
        return whole_month(months // 12, months % 12 + 1)
    return whole_year(date.year - count)


def holiday_range(text: str, date: dt.date | None) -> DayRange:
    """Resolve a U.S. holiday: its latest day on or before ``date`` within half a year, else this year's."""
    if date is None:
        return None, None
    key = " ".join(re.sub(r"['’]", "", text.lower()).split())
    month, day, weekday = next(rule for name, rule in HOLIDAYS.items() if key.startswith(name))

    def in_year(year: int) -> dt.date:
        first = dt.date(year, month, day)
        return first if weekday is None else first + dt.timedelta(days=(weekday - first.weekday()) % 7)

    holiday = in_year(date.year)
    if holiday > date and date - in_year(date.year - 1) <= HOLIDAY_LOOK_BACK:
        holiday = in_year(date.year - 1)
    return holiday, holiday


def whole_month(year: int, month: int) -> DayRange:
    """Return the first and last day of a month."""
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return dt.date(year, month, 1), following - ONE_DAY


def whole_year(year: int) -> DayRange:
    """Return the first and last day of a year."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def is_previous(text: str) -> bool:
    """Say whether ``text`` points back to the previous one ("last Sunday", "this past week")."""
    return PREVIOUS.search(text) is not None


RESOLVERS = {
    "date": date_range,
    "weekday": weekday_range,
    "day": day_range,
    "period": period_range,
    "month": month_range,
    "year": year_range,
    "ago": ago_range,
    "holiday": holiday_range,
}
