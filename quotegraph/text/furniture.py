"""Find page furniture in plain text: share prompts, bylines, credits, datelines.

Text copied off a web page carries lines that are not the article: "Share on
Facebook", "By Jane Roe, Associated Press", "(AP Photo/John Doe)",
"Advertisement", "Subscribe to our newsletter". The tagger should not read them
as prose, so ``find_furniture`` finds them and ``mask`` blanks them out while
keeping every offset of the text.

The rules are conservative: a line is furniture only when it is short (at most
``MAX_LINE_CHARS`` characters once stripped) and the whole line matches one of
the patterns below; a sentence that merely mentions sharing or subscribing is
left alone.
"""

from __future__ import annotations

import re

from quotegraph.model import Span

MAX_LINE_CHARS = 120
LINE = re.compile(r"[^\r\n]+")

# One word of a person's name: "Jane", "JANE", "O'Neil", "Smith-Jones", "J.", or a particle ("de", "van").
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|(?:de|da|del|der|di|du|la|le|van|von|bin|al|el)\b)"
# A person or an outlet: one to five name words.
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,4}}"
# Several of them: "Jane Roe, John Doe and Max Moe".
_NAMES = rf"{_NAME}(?:[ \t]*(?:,|&|\band\b|,[ \t]*and\b)[ \t]*{_NAME})*"
# What follows a byline name: "Associated Press", "Staff Writer", "The Washington Post staff writer".
_ROLE_WORD = (
    r"(?:[A-Z][\w'’.&-]*|staff|writers?|reporters?|correspondents?|editors?|contributors?|columnists?"
    r"|senior|chief|political|special|national|foreign|of|the|for|and|at|in|to)"
)
_ROLE = rf"{_ROLE_WORD}(?:[ \t]+{_ROLE_WORD}){{0,6}}"

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?"
_NUMERIC_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}\.\d{1,2}\.\d{4})"
)
_DATE_TOKEN = (
    rf"(?:{_NUMERIC_DATE}|{_MONTH}|{_WEEKDAY}|\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?|\d{{1,4}}(?:st|nd|rd|th)?"
    r"|[ap]\.?m\.?"
    r"|gmt|utc|bst|cet|cest|[ecmp][sd]?t|at|on)"
)

# Photo agencies, and where a credited photo was found.
_AGENCY = (
    r"(?:Getty(?:\s+Images)?|AFP|AP|Reuters|EPA(?:-EFE)?|Shutterstock|iStock(?:photo)?|Alamy|Bloomberg|PA(?:\s+Media)?)"
)
_PHOTO_HOST = r"(?:Getty(?:\s+Images)?|iStock(?:photo)?|Shutterstock|Alamy|Instagram|Twitter|Facebook)"

PLATFORM = (
    r"(?:facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|messenger|flipboard|telegram|instagram|youtube"
    r"|tiktok|threads|bluesky|mastodon|e-?mail)"
)
SHARE_WORDS = rf"(?:{PLATFORM}|share|tweet|mail|print|save|copy\s+link|copy|link|comments?)"

# Each pattern must match a whole stripped line (``fullmatch``).
PATTERNS: dict[str, re.Pattern[str]] = {
    # "Share", "Share this article", "Share on Facebook", "Share with your friends".
    "share": re.compile(
        rf"share(?:\s+(?:this|the))?(?:\s+(?:article|story|post|page|link))?"
        rf"(?:\s+(?:on|via|to|with)\s+(?:{PLATFORM}|(?:your\s+)?(?:friends|followers|network)))?\s*[:.!]?",
        re.IGNORECASE,
    ),
    # A bar of share buttons: "Share Tweet Email", "Facebook | Twitter | LinkedIn".
    "share bar": re.compile(rf"{SHARE_WORDS}(?:[\s|,·•/]+{SHARE_WORDS})*\s*:?", re.IGNORECASE),
    # "Email this article", "Print this page", "Send this story to a friend".
    "send": re.compile(
        r"(?:email|e-mail|print|send|save)\s+(?:this|the)\s+(?:article|story|post|page)(?:\s+to\s+a\s+friend)?\s*[.:]?",
        re.IGNORECASE,
    ),
    # "Comments", "12 comments", "Comments (12)", "View comments", "Leave a comment", "Comment this post".
    "comments": re.compile(
        r"(?:(?:\d+|no)\s+)?comments?(?:\s*\(\d+\))?"
        r"|(?:show|view|load|hide|see|read|leave|post|add|write)(?:\s+(?:all|a|the|your))?(?:\s+\d+)?\s+comments?"
        r"|comment(?:\s+(?:on|this))?(?:\s+(?:this|the))?\s+(?:post|story|article)"
        r"|join\s+the\s+(?:discussion|conversation)",
        re.IGNORECASE,
    ),
    # "Click here to comment", "Click here to read the full report."
    "click here": re.compile(r"click\s+here\b.*", re.IGNORECASE),
    # "Subscribe to our newsletter", "Sign up for The Morning newsletter", "Subscribe now".
    "newsletter": re.compile(
        r"(?:subscribe|sign[ -]up|get\s+our|get\s+the\s+latest|join\s+our)\b.*"
        r"\b(?:newsletters?|inbox|e-?mails?|updates|alerts|briefings?|digests?|podcasts?|subscriptions?"
        r"|mailing\s+list)\b.*"
        r"|(?:subscribe|sign[ -]up)(?:\s+(?:now|today|here|for\s+free))?\s*[.!]?"
        r"|already\s+a\s+subscriber\b.*|newsletters?",
        re.IGNORECASE,
    ),
    # "Read more:", "Read more: Senate passes bill", "Read the rest here.", "Related:", "Continue reading",
    # "Watch the full interview below:".
    "read more": re.compile(
        r"(?:read\s+more|read\s+next|more|see\s+also|also\s+read|related|watch|listen)\s*:.*"
        r"|read\s+more"
        r"|read\s+(?:it\s+all|the\s+rest(?:\s+of\s+the\s+(?:story|article))?|the\s+full\s+(?:story|article))"
        r"(?:\s+(?:here|at\s+[\w .’'-]{1,40}))?\s*[.:]?"
        r"|watch\b.{0,80}\b(?:above|below|here)\s*[.:]?"
        r"|continue\s+reading(?:\s+the\s+main\s+story)?"
        r"|related(?:\s+(?:articles?|stories|coverage|content|links|topics|reading))?\s*:?"
        r"|(?:most\s+(?:read|popular|viewed)|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like)\s*:?",
        re.IGNORECASE,
    ),
    # "Advertisement", "Story continues below advertisement", "Sponsored content".
    "advertisement": re.compile(
        r"advertisement\s*:?|(?:story\s+)?continues\s+below(?:\s+advertisement)?|sponsored(?:\s+content)?"
        r"|scroll\s+to\s+continue(?:\s+with\s+content)?|ad",
        re.IGNORECASE,
    ),
    # "Photo: Jane Roe/Reuters", "Image copyright Getty Images", "Photograph by Jane Roe for The Times".
    "photo credit": re.compile(
        r"\(?(?:photo(?:graph)?|picture|image|pictured|credit|photo\s+credit|image\s+credit|video)"
        r"(?:\s*:|\s+by\b|\s+(?:copyright|caption|source)\b|/).*",
        re.IGNORECASE,
    ),
    # A caption ending in an agency credit: "The senator in Ohio. (AP Photo/John Doe)".
    "photo caption": re.compile(r".*\((?:[A-Z][\w.]*\s+)?(?:Photo|Photograph|Image)\s*[/:][^()]*\)\s*\.?"),
    # An agency credit alone: "Getty Images", "AFP via Getty Images", "Jane Roe/Reuters", "Getty/Instagram."
    "agency credit": re.compile(
        rf"(?:{_NAME}\s*(?:/|\bvia\b|\bfor\b)\s*)?{_AGENCY}"
        rf"(?:\s*(?:/|\bvia\b)\s*{_PHOTO_HOST})?\.?"
    ),
    # "By Jane Roe", "By JANE ROE and JOHN DOE, Associated Press", "By Jane Roe | Staff Writer".
    "byline": re.compile(rf"(?:By|BY|Written\s+by)[ \t]+{_NAMES}(?:[ \t]*(?:,|\||-|–|—|\bfor\b)[ \t]*{_ROLE})?\.?"),
    # "Jane Roe | Reporter".
    "name and role": re.compile(rf"{_NAME_WORD}[ \t]+{_NAME}[ \t]*\|[ \t]*{_ROLE}"),
    # "Reporting by Jane Roe in Washington; Editing by John Doe".
    "credits": re.compile(
        rf"\(?(?:(?:Additional\s+)?(?:[Rr]eporting|[Ww]riting|[Ee]diting)(?:\s+and\s+(?:reporting|writing|editing))?"
        rf"\s+by\s+{_NAMES}(?:\s+in\s+{_NAME})?[;,]?\s*)+\)?\.?"
    ),
    # "March 3, 2016", "Published: 3 March 2016 10:45 GMT", "Updated 10:45 a.m. ET, Thu March 3, 2016".
    "dateline": re.compile(
        rf"(?:(?:published|updated|posted|last\s+updated|first\s+published|modified)(?:\s+(?:on|at))?\s*:?\s*)?"
        rf"(?=.*(?:{_NUMERIC_DATE}|{_MONTH}\s*\d|\d\s*{_MONTH}))"
        rf"{_DATE_TOKEN}(?:[\s,.|/•·–—-]+(?:{_DATE_TOKEN}|updated|published))*",
        re.IGNORECASE,
    ),
    # "Follow us on Twitter", "Follow Jane Roe on Twitter: @janeroe. Email her at ...", "Like us on Facebook".
    "follow": re.compile(
        rf"(?i:follow)\s+(?:(?i:us|me)|{_NAMES})\s+(?i:on\s+{PLATFORM})\b.*|(?i:follow)\s+@\w+.*"
        rf"|(?i:(?:like|find)\s+us\s+on\s+{PLATFORM}(?:\s*(?:,|&|and)\s*{PLATFORM})*\s*[.!]?)"
    ),
    # "© 2016 The Associated Press. All rights reserved.", "Copyright 2016 Reuters".
    "copyright": re.compile(
        r"(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4})).*|.*\ball\s+rights\s+reserved\b.*"
        r"|this\s+material\s+may\s+not\s+be\s+published,\s+broadcast,\s+rewritten,?\s+or\s+redistributed\.?",
        re.IGNORECASE,
    ),
}


def find_furniture(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) ranges of the lines of ``text`` that are page furniture, in text order.

    A range covers the line without its line end and surrounding whitespace, so
    ``text[start:end]`` is the furniture as printed.
    """
    ranges = []
    for line in LINE.finditer(text):
        stripped = line.group().strip()
        if stripped and is_furniture(stripped):
            start = line.start() + line.group().index(stripped)
            ranges.append((start, start + len(stripped)))
    return ranges


def is_furniture(line: str) -> bool:
    """Tell whether a stripped line is short and wholly matches a furniture pattern."""
    return len(line) <= MAX_LINE_CHARS and any(pattern.fullmatch(line) for pattern in PATTERNS.values())


def mask(text: str, ranges: list[tuple[int, int]]) -> str:
    """Return ``text`` with the ranges blanked to spaces; line ends stay, so length and offsets do not change."""
    chars = list(text)
    for start, end in ranges:
        for i in range(max(0, start), min(end, len(chars))):
            if chars[i] not in "\r\n":
                chars[i] = " "
    return "".join(chars)


def furniture_spans(text: str, ranges: list[tuple[int, int]]) -> list[Span]:
    """Turn furniture ranges of ``text`` into spans for ``Article.boilerplate``."""
    return [Span.from_parts(text, [(start, end)]) for start, end in ranges]
