"""The library's entry points, mirrored by the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quotegraph.config import load_settings
from quotegraph.pipeline import Pipeline


def load(model: str | Path | None = None, *, config: str | Path | None = None, **overrides: Any) -> Pipeline:
    """Return a reusable pipeline with the shipped tagger, or the one at ``model``.

    ``overrides`` are settings as ``section.key=value`` pairs given with ``__``,
    e.g. ``load(tagger__quantize=False)``.
    """
    settings = load_settings(config, {key.replace("__", "."): value for key, value in overrides.items()})
    if model is not None:
        settings["tagger"]["path"] = str(model)
    return Pipeline(settings)
