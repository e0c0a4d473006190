"""Settings: the shipped ``defaults.toml``, overlaid by a user file and by overrides."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from quotegraph.errors import BadSetting

DEFAULTS = Path(__file__).with_name("defaults.toml")

Settings = dict[str, dict[str, Any]]


def load_settings(path: str | Path | None = None, overrides: dict[str, Any] | list[str] | None = None) -> Settings:
    """Return settings from the defaults, a TOML file and ``section.key=value`` overrides.

    Raises:
        BadSetting: an unknown section or key, or a value of the wrong type.
    """
    settings = tomllib.loads(DEFAULTS.read_text(encoding="utf-8"))
    if path:
        try:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise BadSetting(f"[Q301] cannot read settings file {path}: {error}") from error
        for section, values in user.items():
            for key, value in (values or {}).items():
                _set(settings, f"{section}.{key}", value)
    return override(settings, overrides)


def override(settings: Settings, overrides: dict[str, Any] | list[str] | None) -> Settings:
    """Return a copy of ``settings`` with ``section.key`` values (or ``section.key=value`` strings) set."""
    settings = copy.deepcopy(settings)
    if isinstance(overrides, list):
        overrides = dict(_parse_override(item) for item in overrides)
    for dotted, value in (overrides or {}).items():
        _set(settings, dotted, value)
    return settings


def _parse_override(item: str) -> tuple[str, Any]:
    if "=" not in item:
        raise BadSetting(f"[Q302] --set {item!r} is not section.key=value")
    dotted, raw = item.split("=", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word is a string
    return dotted.strip(), value


def _set(settings: Settings, dotted: str, value: Any) -> None:
    section, _, key = dotted.partition(".")
    if section not in settings or key not in settings[section]:
        known = ", ".join(f"{s}.{k}" for s in settings for k in settings[s])
        raise BadSetting(f"[Q303] unknown setting {dotted!r} - known settings: {known}")
    default = settings[section][key]
    if isinstance(default, bool) != isinstance(value, bool) or (
        isinstance(default, (int, float)) and not isinstance(value, (int, float))
    ) or (isinstance(default, str) and not isinstance(value, str)):
        raise BadSetting(f"[Q304] {dotted} takes a {type(default).__name__}, not {value!r}")
    settings[section][key] = copy.deepcopy(value)
