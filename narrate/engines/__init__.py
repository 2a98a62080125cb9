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
    from narrate.engines.base import Engine

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
