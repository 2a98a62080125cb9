"""Speech engines, found through the `narrate.engines` entry-point group.

The built-in engines register themselves in narrate's own pyproject the same way a plugin
package would, so a third-party engine is a class with the `Engine` shape and one entry point.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from narrate.errors import ConfigError

if TYPE_CHECKING:
    from narrate.config import Config
    from narrate.speech.engines.base import Engine

GROUP = "narrate.engines"


def engine_names() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=GROUP))


def engine_class(name: str) -> type:
    for ep in entry_points(group=GROUP):
        if ep.name == name:
            return ep.load()
    raise ConfigError(f"engine: unknown engine {name!r}; available: {', '.join(engine_names())}")


def load_engine(config: Config) -> Engine:
    """Build the configured engine; this is where its options are checked against what exists."""
    return engine_class(config.engine).from_config(config)


def load_role_engines(config: Config) -> dict[str, Engine]:
    """The main engine under "body", plus one for each role the config gives its own voice."""
    engines = {"body": load_engine(config)}
    for role in ("title", "quote"):
        override = getattr(config.roles, role)
        if override is None:
            continue
        piper = config.piper.model_copy(update={k: v for k, v in (("voice", override.voice),
                                                                    ("speaker", override.speaker)) if v is not None})
        role_config = config.model_copy(update={"piper": piper, "speed": override.speed or config.speed})
        engines[role] = load_engine(role_config)
    return engines
