"""Turn an Article into the rows of the corpus tables; no database here."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from typing import Any

from quotegraph.enrich.entities import alias_table, plain_key
from quotegraph.model import Article, Attribution, Span, Speaker

# Speaker types that name someone; anonymous and unknown speakers get no source.
SOURCE_TYPES = frozenset({"person", "organization", "media", "document", "group"})


def text_hash(text: str) -> str:
    """Return the sha256 hex digest of an article text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_key(speaker: Speaker | None) -> str | None:
    """Return the cross-article identity of a speaker, ``"<type>:<name key>"``, or None when it names no one.

    The name key is the canonical key of the shipped alias list when the name is
    listed there ("ISIL" -> "islamic state"), else ``plain_key(name)``, which
    makes "Ministry of Health" and "the Health Ministry" equal; accents are
    folded ("José" = "Jose"), since news spells foreign names both ways.
    """
    if speaker is None or not speaker.name or speaker.type not in SOURCE_TYPES:
        return None
    aliases = alias_table()
    alias = aliases.get(speaker.name.lower()) or aliases.get(plain_key(speaker.name))
    return f"{speaker.type}:{without_accents(alias[0] if alias else plain_key(speaker.name))}"


def without_accents(text: str) -> str:
    """Drop combining marks: "José Martí" -> "Jose Marti"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def source_names(article: Article) -> dict[str, tuple[Speaker, set[str]]]:
    """Return source key -> (first speaker with that key, all names it goes by) for an article's named speakers.

    The names are the speaker's and those of its entity in the article: they become the source's aliases.
    """
    entities = {entity.id: entity for entity in article.entities}
    sources: dict[str, tuple[Speaker, set[str]]] = {}
    for attribution in article.attributions:
        speaker = attribution.speaker
        key = source_key(speaker)
        if key is None:
            continue
        entity = entities.get(speaker.entity or "")
        names = sources.setdefault(key, (speaker, set()))[1]
        names.update([speaker.name, *([entity.name, *entity.names] if entity else [])])
    return sources


def article_rows(article: Article, ingested_at: str, source_ids: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """Return the rows of an article, by table: ``articles``, ``entities`` and ``attributions``.

    ``source_ids`` maps the source keys of its speakers to ``sources`` ids; an
    entity is linked to the source of the attributions it speaks in.
    """
    attributions = [
        attribution_row(article.id, attribution, source_ids.get(source_key(attribution.speaker) or ""))
        for attribution in article.attributions
    ]
    speaking = {row["speaker_entity"]: row["source_id"] for row in attributions if row["source_id"] is not None}
    entities = [
        {"article_id": article.id, "id": e.id, "name": e.name, "type": e.type, "source_id": speaking.get(e.id)}
        for e in article.entities
    ]
    return {"articles": [article_row(article, ingested_at)], "entities": entities, "attributions": attributions}


def article_row(article: Article, ingested_at: str) -> dict[str, Any]:
    """Return the ``articles`` row of an article."""
    date = article.date.isoformat() if article.date else None
    return {
        "id": article.id,
        "text_sha256": text_hash(article.text),
        "text": article.text,
        "date": date,
        "month": date[:7] if date else None,
        "title": article.title,
        "url": article.url,
        "publisher": getattr(article, "publisher", None),
        "byline": article.byline,
        "n_attributions": len(article.attributions),
        "schema_version": article.schema_version,
        "ingested_at": ingested_at,
    }


def attribution_row(article_id: str, attribution: Attribution, source_id: int | None) -> dict[str, Any]:
    """Return the ``attributions`` row of an attribution, linked to ``source_id``."""
    speaker = attribution.speaker or Speaker()
    time = attribution.time
    content = attribution.content
    return {
        "article_id": article_id,
        "id": attribution.id,
        "kind": attribution.kind,
        "act": attribution.act,
        "confidence": attribution.confidence,
        **span_columns("source", attribution.source),
        **span_columns("cue", attribution.cue),
        **span_columns("content", content),
        "content_parts": json.dumps(content.parts) if content.parts else None,
        "speaker_entity": speaker.entity,
        "speaker_name": speaker.name,
        "speaker_type": speaker.type if attribution.speaker else None,
        "role": speaker.role,
        "affiliation": speaker.affiliation,
        "source_id": source_id,
        "time_start": time.start if time else None,
        "time_end": time.end if time else None,
        "time_text": time.text if time else None,
        "time_value": time.value if time else None,
        "time_value_end": time.value_end if time else None,
        "responds_to": attribution.responds_to,
        "continues": attribution.continues,
    }


def span_columns(name: str, span: Span | None) -> dict[str, Any]:
    """Return ``<name>_start``, ``<name>_end`` and ``<name>_text`` of a span (None when absent)."""
    return {
        f"{name}_start": span.start if span else None,
        f"{name}_end": span.end if span else None,
        f"{name}_text": span.text if span else None,
    }


def search_row(row: dict[str, Any]) -> tuple[str, str, str, str]:
    """Return the full-text row of an attribution row: ids, content, and who (speaker name and source text)."""
    who = " ".join(part for part in (row["speaker_name"], row["source_text"]) if part)
    return row["article_id"], row["id"], row["content_text"], who


def now() -> str:
    """Return the current UTC time in ISO 8601, to the second."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
