"""Enrichment: who the source is, what kind of speech act, when, and in reply to what.

Each step is a function ``step(article, settings) -> Article`` registered by name
with ``@step("name")``; ``enrich`` runs the steps named in ``enrich.steps``, in
that order, over an article whose attributions the extractor has found. Steps
read what earlier steps wrote (the acts step reads the speakers' types) and
keep private working data in ``article.ext[name]``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from quotegraph.config import Settings
from quotegraph.errors import BadSetting
from quotegraph.model import Article

Step = Callable[[Article, Settings], Article]

STEPS: dict[str, Step] = {}
MODULES = ("entities", "speakers", "acts", "times", "responses")


def step(name: str) -> Callable[[Step], Step]:
    """Register an enrichment step under ``name``."""

    def register(function: Step) -> Step:
        STEPS[name] = function
        return function

    return register


def enrich(article: Article, settings: Settings) -> Article:
    """Run the configured enrichment steps over ``article``, in order.

    Raises:
        BadSetting: a step name that no module registers.
    """
    for module in MODULES:
        importlib.import_module(f"quotegraph.enrich.{module}")
    for name in settings["enrich"]["steps"]:
        if name not in STEPS:
            raise BadSetting(f"[Q305] unknown enrichment step {name!r} in enrich.steps - known: {', '.join(STEPS)}")
        article = STEPS[name](article, settings)
    return article
