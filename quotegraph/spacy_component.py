"""quotegraph as a spaCy component: ``nlp.add_pipe("quotegraph")``.

After it runs, ``doc._.attributions`` holds one spaCy ``Span`` per attribution:
the content (its whole extent when discontinuous), labelled with the kind, with
``span._.source`` and ``span._.cue`` as spans (or None) and
``span._.attribution`` as the JSON object of the output contract (with its
act, speaker, time, responds_to and continues); ``doc._.entities`` holds the
article's entities as JSON objects. The role
spans also go to ``doc.spans["quotegraph"]`` (labels SOURCE, CUE, CONTENT) for
displaCy's span view. The component tokenises nothing itself: spans are
aligned to the Doc's tokens, widened to whole tokens where needed.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from quotegraph.api import load

for name, default in (("attributions", None), ("date", None), ("entities", None)):
    if not Doc.has_extension(name):
        Doc.set_extension(name, default=default)
for name in ("source", "cue", "attribution"):
    if not Span.has_extension(name):
        Span.set_extension(name, default=None)


class QuotegraphComponent:
    """Find attributions in each Doc; the pipeline is loaded once, when the component is made."""

    def __init__(self, nlp: Language, name: str, model: str | None, quantize: bool) -> None:
        self.name = name
        self.pipeline = load(model, tagger__quantize=quantize)

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate(doc, self.pipeline(doc.text, date=doc._.date))

    def pipe(self, docs, batch_size: int = 8):
        docs = list(docs)
        items = [{"id": str(i), "text": doc.text, "date": doc._.date} for i, doc in enumerate(docs)]
        for doc, article in zip(docs, self.pipeline.pipe(items, batch_size=batch_size)):
            yield self._annotate(doc, article)

    def _annotate(self, doc: Doc, article) -> Doc:
        attributions, role_spans = [], []
        for attribution in article.attributions:
            record: dict[str, Any] = attribution.model_dump(mode="json")
            content = doc.char_span(attribution.content.start, attribution.content.end, label=attribution.kind, alignment_mode="expand")
            if content is None:
                continue
            content._.attribution = record
            for role in ("source", "cue"):
                span = getattr(attribution, role)
                role_span = doc.char_span(span.start, span.end, label=role.upper(), alignment_mode="expand") if span else None
                setattr(content._, role, role_span)
                if role_span is not None:
                    role_spans.append(role_span)
            role_spans.append(Span(doc, content.start, content.end, label="CONTENT"))
            attributions.append(content)
        doc._.attributions = attributions
        doc._.entities = [entity.model_dump(mode="json") for entity in article.entities]
        doc.spans["quotegraph"] = role_spans
        return doc


@Language.factory("quotegraph", default_config={"model": None, "quantize": True})
def make_quotegraph(nlp: Language, name: str, model: str | None, quantize: bool) -> QuotegraphComponent:
    """Make the quotegraph component; ``model`` is a tagger directory (default: the shipped one)."""
    return QuotegraphComponent(nlp, name, model, quantize)
