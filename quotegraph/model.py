"""The document model every stage reads and writes: Article, Attribution, Span.

Offsets are character offsets into ``Article.text``, end exclusive. The JSON
form (``Article.to_json()``) is the output contract, described by
``quotegraph/schema/article.schema.json``; it stays open so later stages can add
fields to articles and attributions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.1"

Kind = Literal["direct", "indirect", "mixed"]
Act = Literal[
    "statement", "report", "deny", "confirm", "accuse", "appeal", "warn", "downplay", "promise", "question", "belief"
]
EntityType = Literal["person", "organization", "media", "document", "group", "place"]
SpeakerType = Literal["person", "organization", "media", "document", "group", "anonymous", "unknown"]


class Span(BaseModel):
    """A stretch of the article text; ``parts`` is set only when it is discontinuous."""

    model_config = ConfigDict(extra="allow")

    start: int
    end: int
    text: str
    parts: list[tuple[int, int]] | None = None

    @classmethod
    def from_parts(cls, text: str, parts: list[tuple[int, int]]) -> "Span":
        """Build a span over ``parts`` of ``text``; one part gives a plain span.

        Whitespace is trimmed off each part, and parts that only whitespace
        separates are joined, so equal stretches of text give equal spans.
        """
        parts = normalise_parts(text, parts)
        start, end = parts[0][0], parts[-1][1]
        return cls(
            start=start,
            end=end,
            text=text[start:end],
            parts=[tuple(p) for p in parts] if len(parts) > 1 else None,
        )

    @property
    def pieces(self) -> list[tuple[int, int]]:
        """The (start, end) parts of the span, one for a continuous span."""
        return list(self.parts) if self.parts else [(self.start, self.end)]


def normalise_parts(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Trim whitespace off each part and join parts separated by whitespace only."""
    trimmed = []
    for start, end in sorted(parts):
        start, end = max(0, start), min(end, len(text))
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            trimmed.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in trimmed:
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged or sorted(parts)[:1]


class Speaker(BaseModel):
    """Who the source is: an entity of the article, or an anonymous or unknown one."""

    model_config = ConfigDict(extra="allow")

    entity: str | None = None
    name: str | None = None
    type: SpeakerType = "unknown"
    role: str | None = None
    affiliation: str | None = None


class Time(BaseModel):
    """When a statement was made: the expression and its dates (None when unresolved)."""

    model_config = ConfigDict(extra="allow")

    start: int
    end: int
    text: str
    value: str | None = None
    value_end: str | None = None


class Entity(BaseModel):
    """A person, organisation or other referent of an article, with all its mentions."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    type: EntityType
    names: list[str] = Field(default_factory=list)
    mentions: list[Span] = Field(default_factory=list)


class Attribution(BaseModel):
    """One attribution: who (source) said (cue) what (content), and how, when and to what."""

    model_config = ConfigDict(extra="allow")

    id: str
    source: Span | None = None
    cue: Span | None = None
    content: Span
    kind: Kind = "indirect"
    confidence: float = 1.0
    act: Act | None = None
    speaker: Speaker | None = None
    time: Time | None = None
    responds_to: str | None = None
    continues: str | None = None


class Article(BaseModel):
    """An article as it flows through the pipeline."""

    model_config = ConfigDict(extra="allow")

    id: str
    text: str
    date: dt.date | None = None
    title: str | None = None
    url: str | None = None
    byline: str | None = None
    attributions: list[Attribution] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    # Page furniture (share prompts, bylines, credits) left out of extraction.
    boilerplate: list[Span] = Field(default_factory=list)
    schema_version: str = SCHEMA_VERSION
    # Private working data of the stages, never serialised.
    ext: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="after")
    def _spans_point_into_text(self) -> "Article":
        for attribution in self.attributions:
            for span in (attribution.source, attribution.cue, attribution.content):
                if span is not None and self.text[span.start : span.end] != span.text:
                    raise ValueError(f"span {span.start}:{span.end} of {attribution.id} does not match the text")
        return self

    def to_json(self, *, include_text: bool = False) -> dict[str, Any]:
        """Return the article as the JSON output contract (without the text unless asked)."""
        data = self.model_dump(mode="json", exclude_none=False)
        if not include_text:
            data.pop("text")
        return _without_empty_parts(data)


def _without_empty_parts(value: Any) -> Any:
    """Drop ``"parts": null`` from every span: a continuous span has no parts."""
    if isinstance(value, dict):
        return {k: _without_empty_parts(v) for k, v in value.items() if not (k == "parts" and v is None)}
    if isinstance(value, list):
        return [_without_empty_parts(v) for v in value]
    return value
