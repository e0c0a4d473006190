"""The library's entry points, mirrored by the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quotegraph.config import Settings, load_settings, override
from quotegraph.pipeline import Pipeline


def load(
    model: str | Path | None = None,
    *,
    config: str | Path | None = None,
    settings: Settings | None = None,
    **overrides: Any,
) -> Pipeline:
    """Return a reusable pipeline with the shipped tagger, or the one at ``model``.

    Settings are ``settings`` if given, else the defaults overlaid by the
    ``config`` file; ``overrides`` go on top as ``section__key=value``, e.g.
    ``load(tagger__quantize=False)``.
    """
    settings = override(settings or load_settings(config), {k.replace("__", "."): v for k, v in overrides.items()})
    if model is not None:
        settings["tagger"]["path"] = str(model)
    return Pipeline(settings)
