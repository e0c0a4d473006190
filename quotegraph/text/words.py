"""Split text into words with character offsets, and describe each word's shape.

The tagger labels words, so word boundaries must fall where annotators put span
boundaries: clitics ("’s", "n’t") and every punctuation mark are words of their
own. Shapes carry what the uncased encoder cannot see: capitals, digits, quote
marks, whether a word stands inside quotation marks or opens a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

WORD = re.compile(
    r"""
    [^\W\d_]+(?=n['’]t\b)          # "do" of "don't"
  | n['’]t\b                       # "n't"
  | ['’](?:s|re|ve|ll|d|m)\b       # clitics
  | [^\W_]+(?:['’](?!(?:s|re|ve|ll|d|m)\b)[^\W_]+|\.[^\W_]+)*   # words, numbers, O'Malley, U.S, 3.5
  | \S                             # any other single character
    """,
    re.VERBOSE | re.IGNORECASE,
)

OPENING_QUOTES = "“‘«„‚"
CLOSING_QUOTES = "”’»"
STRAIGHT_QUOTES = "\"'`"

# Shape ids; 0 is padding.
SHAPES = ("pad", "lower", "title", "upper", "mixed", "digit", "punct", "open_quote", "close_quote", "straight_quote", "other")
SHAPE_ID = {name: i for i, name in enumerate(SHAPES)}


@dataclass(frozen=True)
class Words:
    """Words of a text: ``starts``/``ends`` offsets and per-word feature ids."""

    text: str
    starts: np.ndarray
    ends: np.ndarray
    shape: np.ndarray  # SHAPE_ID of each word
    context: np.ndarray  # bit 0: inside quotation marks, bit 1: first word of a paragraph

    def __len__(self) -> int:
        return len(self.starts)

    def strings(self) -> list[str]:
        return [self.text[a:b] for a, b in zip(self.starts, self.ends)]


def word_shape(word: str) -> int:
    if word in OPENING_QUOTES:
        return SHAPE_ID["open_quote"]
    if word in CLOSING_QUOTES:
        return SHAPE_ID["close_quote"]
    if word in STRAIGHT_QUOTES or word == "''" or word == "``":
        return SHAPE_ID["straight_quote"]
    if word[0].isdigit():
        return SHAPE_ID["digit"]
    if not word[0].isalnum():
        return SHAPE_ID["punct"]
    if word.islower():
        return SHAPE_ID["lower"]
    if word.isupper() and len(word) > 1:
        return SHAPE_ID["upper"]
    if word[0].isupper() and (len(word) == 1 or word[1:].islower() or not word[1:].isalpha()):
        return SHAPE_ID["title"]
    if word[0].isupper():
        return SHAPE_ID["mixed"]
    return SHAPE_ID["other"]


# A quotation in curly single marks ("Rip Trump As A ‘Disgusting Fraud.’"): an opening mark before a word, and
# the first closing mark after it, within the paragraph, that no letter follows (not the apostrophe of "don’t").
SINGLE_QUOTED = re.compile(r"(?<![\w’'])‘(?=\w)[^\n‘’]{0,200}(?:’\w[^\n‘’]{0,200})*’(?!\w)")


def tokenize(text: str) -> Words:
    """Return the words of ``text`` with offsets and features, in one pass."""
    starts, ends, shapes, context = [], [], [], []
    inside = False
    single = [(m.start(), m.end()) for m in SINGLE_QUOTED.finditer(text)] if "‘" in text else []
    in_single = 0  # index of the next single-quoted span
    paragraph_start = True
    previous_end = 0
    for match in WORD.finditer(text):
        start, end = match.span()
        word = match.group()
        if "\n" in text[previous_end:start]:
            paragraph_start = True
            inside = False  # an unclosed quote ends with its paragraph; the next one reopens it
        shape = word_shape(word)
        # '' and `` (NYT and typewriter style) are one quotation mark written as two words
        doubled = word in "'`" and text[end : end + 1] == word
        if word in "'`" and ends and ends[-1] == start and text[start - 1] == word:
            closes = False  # the second half of a doubled mark: where the first half left off
            quoted = context[-1] & 1
        else:
            closes = inside and (word == '"' or (doubled and word == "'") or (shape == SHAPE_ID["close_quote"] and word != "’"))
            opens = not inside and (word == '"' or doubled or (shape == SHAPE_ID["open_quote"] and word != "‘"))
            inside = inside or opens
            quoted = int(inside)
        while in_single < len(single) and single[in_single][1] <= start:
            in_single += 1
        if in_single < len(single) and single[in_single][0] <= start:
            quoted = 1
        starts.append(start)
        ends.append(end)
        shapes.append(shape)
        context.append(quoted | (2 if paragraph_start else 0))
        inside = inside and not closes
        paragraph_start = False
        previous_end = end
    return Words(
        text=text,
        starts=np.asarray(starts, dtype=np.int64),
        ends=np.asarray(ends, dtype=np.int64),
        shape=np.asarray(shapes, dtype=np.int64),
        context=np.asarray(context, dtype=np.int64),
    )


def quotations(words: Words) -> list[tuple[int, int]]:
    """Return the character spans of the runs of words inside quotation marks, marks included."""
    inside = np.flatnonzero(words.context & 1)
    if not len(inside):
        return []
    breaks = np.flatnonzero(np.diff(inside) > 1)
    firsts = np.concatenate(([inside[0]], inside[breaks + 1]))
    lasts = np.concatenate((inside[breaks], [inside[-1]]))
    return [(int(words.starts[a]), int(words.ends[b])) for a, b in zip(firsts, lasts)]
