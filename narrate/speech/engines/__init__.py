"""Speech engines, found through the `narrate.engines` entry-point group.

The built-in engines register themselves in narrate's own pyproject the same way a plugin
package would, so a third-party engine is a class with the `Engine` shape and one entry point.

narrate's config (and pydantic under it) is imported where it is used, not here: a worker process that
speaks imports an engine's module, and so this package, and needs neither.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from narrate.errors import ConfigError

if TYPE_CHECKING:
    from narrate.config import Config
    from narrate.speech.engines.base import Engine


def engine_class(name: str) -> type:
    from narrate.config import engine_entry_points, engine_names

    entry_point = engine_entry_points().get(name)
    if entry_point is not None:
        return entry_point.load()
    raise ConfigError(f"engine: unknown engine {name!r}; available: {', '.join(engine_names())}")


def load_engine(config: Config) -> Engine:
    """Build the configured engine; this is where its options are checked against what exists."""
    return engine_class(config.engine).from_config(config)


def engine_for_voice(voice: str, engine: str) -> str:
    """The engine a voice belongs to, when its name says so (hibari's `fenrir`, Piper's `joe` or a .onnx
    file); else the chosen `engine`, which may know the voice from its own folders."""
    from narrate.config import engine_names

    for name in engine_names():
        owns = getattr(engine_class(name), "owns_voice", None)
        if name != engine and owns is not None and owns(voice):
            return name
    return engine


class _VoiceSettings:
    """The settings that choose and shape the voices, as a key: equal settings, the same loaded engines."""

    FIELDS = {"engine", "speed", "hibari", "piper", "gtts", "roles", "pauses", "speech"}

    def __init__(self, config: Config):
        self.config = config
        self.key = (config.model_dump_json(include=self.FIELDS), str(config.base_dir))

    def with_voice_files(self) -> tuple:
        """The key with the size and time of each voice given as a file: a watching process that keeps its
        voices loads one again when its file is replaced."""
        from narrate.cache import file_stamps

        return (*self.key, tuple(map(tuple, file_stamps(self.config.voice_files()))))

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _VoiceSettings) and other.key == self.key


def load_role_engines(config: Config) -> dict[str, Engine]:
    """The main engine under "body", plus one for each role the config gives its own voice.

    A process that builds one article after another (a sync worker) keeps its engines, and so its
    loaded voice, from one article to the next instead of loading the network for each.
    """
    return _role_engines(_VoiceSettings(config))


class Voices:
    """The engines of a process that builds again and again (`narrate build --watch`), owned by it and
    handed to each build: the voices' networks, and the worker processes that speak with them, stay
    loaded from one build to the next, so an edit costs the sentences it changed and not a voice load.

    Close it (it is a context manager) to end the workers.
    """

    KEPT = 2  # voice settings kept at once: an edit of the config and the edit that undoes it

    def __init__(self):
        self._engines: dict[tuple, dict[str, Engine]] = {}
        self._pools: dict[int, object] = {}  # id of an engine set -> the worker pool that speaks for it

    def engines(self, config: Config) -> dict[str, Engine]:
        """The engines for `config`'s voice settings: the ones loaded before when they are the same."""
        key = _VoiceSettings(config).with_voice_files()
        if key not in self._engines:
            if len(self._engines) >= self.KEPT:
                oldest = next(iter(self._engines))
                self._end_pool(self._engines.pop(oldest))
            self._engines[key] = _load_role_engines(config)
        return self._engines[key]

    def pool(self, engines: dict[str, Engine], start: Callable[[], object]) -> object:
        """The worker pool kept for `engines`, started with `start()` when there is none yet."""
        if id(engines) not in self._pools:
            self._pools[id(engines)] = start()
        return self._pools[id(engines)]

    def discard_pool(self, engines: dict[str, Engine]) -> None:
        """End the pool of `engines` (it was interrupted mid-task: its workers may still be speaking)."""
        self._end_pool(engines)

    def warm(self, config: Config) -> None:
        """Load the voices in this process now, while nothing waits on them: the few sentences of an
        edit are spoken here (workers, when kept, speak the edits of many sentences)."""
        load_voices(self.engines(config))

    def _end_pool(self, engines: dict[str, Engine]) -> None:
        pool = self._pools.pop(id(engines), None)
        if pool is not None:
            pool.terminate()
            pool.join()

    def close(self) -> None:
        for engines in list(self._engines.values()):
            self._end_pool(engines)
        self._engines.clear()

    def __enter__(self) -> Voices:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def load_voices(engines: dict[str, Engine]) -> None:
    """Load each voice's network now rather than at its first sentence (engines that can: `load`)."""
    for engine in engines.values():
        load = getattr(engine, "load", None)
        if load is not None:
            load()


@lru_cache(maxsize=2)
def _role_engines(settings: _VoiceSettings) -> dict[str, Engine]:
    return _load_role_engines(settings.config)


def _load_role_engines(config: Config) -> dict[str, Engine]:
    engines = {"body": load_engine(config)}
    for role in ("title", "quote"):
        override = getattr(config.roles, role)
        if override is None:
            continue
        engine = engine_for_voice(override.voice, config.engine) if override.voice else config.engine
        changes = {k: v for k, v in (("voice", override.voice), ("speaker", override.speaker)) if v is not None}
        if engine != "piper":
            changes.pop("speaker", None)  # only Piper's voices hold several speakers
        options = getattr(config, engine)
        role_config = config.model_copy(update={"engine": engine, engine: options.model_copy(update=changes),
                                                "speed": override.speed or config.speed})
        engines[role] = load_engine(role_config)
    return engines
