"""The YAML config: one typed model, validated once when it is loaded.

Every key has a default here; `narrate init` writes the same defaults, commented, from
`data/narrate.yaml`. Precedence is flag > config file > default, applied in `load_config`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from narrate.errors import ConfigError
from narrate.models import LexiconEntry

DEFAULT_CONFIG_NAME = "narrate.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PiperOptions(_Strict):
    voice: str = "joe"
    """The bundled voice's name, a voice name found in `voice_dirs`, or a path to a `.onnx` file."""
    voice_dirs: tuple[str, ...] = ()
    speaker: Optional[int | str] = None
    noise_scale: Optional[float] = Field(default=None, ge=0, le=2)
    # Variation in phoneme length: 0.5, calmer than the voices' usual 0.8, was heard more clearly in the
    # listening benchmark (README). null keeps the voice's own setting.
    noise_w: Optional[float] = Field(default=0.5, ge=0, le=2)
    threads: int = Field(default=2, ge=1, le=64)
    download_url: Optional[str] = None
    """A mirror of Piper's voice collection (default: its own, on Hugging Face)."""


class HibariOptions(_Strict):
    voice: str = "heart"
    """`heart` is inside the package; hibari's other voices are downloaded once, when named."""
    threads: int = Field(default=2, ge=1, le=64)
    download_url: Optional[str] = None
    """A mirror of hibari's voice folder (default: its own, on Hugging Face)."""


class GttsOptions(_Strict):
    lang: Optional[str] = None
    """None: the article's language."""
    tld: str = "com"
    slow: bool = False
    timeout: float = Field(default=20.0, gt=0, le=300)


class Pauses(_Strict):
    # Chosen by the listening benchmark (README): 0.15 s at commas, semicolons and dashes beat the voice's
    # own pauses and calmer noise settings on mean recogniser error, and most on plain prose.
    clause: float = Field(default=0.15, ge=0, le=2)
    sentence: float = Field(default=0.3, ge=0, le=10)
    paragraph: float = Field(default=0.7, ge=0, le=10)
    section: float = Field(default=1.5, ge=0, le=10)


class AudioOptions(_Strict):
    bitrate: Literal[32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] = 64
    loudness: float = Field(default=-16.0, ge=-31, le=-10)
    true_peak: float = Field(default=-1.0, ge=-9, le=0)
    intro: Optional[str] = None
    outro: Optional[str] = None


class CleanOptionsModel(_Strict):
    captions: bool = False
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    code: Literal["skip", "announce"] = "skip"
    tables: Literal["read", "skip", "announce"] = "read"
    second_opinions: bool = True

    @field_validator("keep", "drop")
    @classmethod
    def _valid_patterns(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {pattern!r} ({exc})") from None
        return patterns


class CacheOptions(_Strict):
    dir: Optional[str] = None
    max_mb: int = Field(default=2048, ge=1, le=1_000_000)


class FetchOptions(_Strict):
    timeout: float = Field(default=20.0, gt=0, le=300)


class Pronunciation(_Strict):
    """One lexicon entry: say, spell or ipa (with say beside ipa for engines that take no phonemes)."""

    say: Optional[str] = None
    spell: bool = False
    ipa: Optional[str] = None
    ignore_case: bool = False

    @model_validator(mode="before")
    @classmethod
    def _older_spelling(cls, data: Any) -> Any:
        """`phonemes:` was the key's first name; configs that use it keep working."""
        if isinstance(data, dict) and "phonemes" in data and "ipa" not in data:
            data = {("ipa" if k == "phonemes" else k): v for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _one_way(self) -> "Pronunciation":
        ways = sum([self.say is not None, self.spell, self.ipa is not None])
        paired = ways == 2 and self.say is not None and (self.spell or self.ipa is not None)
        if ways != 1 and not paired:
            raise ValueError("give one of say, spell: true, or ipa (say may go with either)")
        return self


class SpeechOptionsModel(_Strict):
    language: Optional[str] = None
    """The article's language (ISO 639-1, e.g. en, ru), instead of the one narrate detects."""
    urls: Literal["short", "skip", "full"] = "short"
    date_order: Literal["mdy", "dmy"] = "mdy"


class RoleVoice(_Strict):
    """Voice settings for one role (the title and headings, or quotations); unset keys follow the main voice."""

    voice: Optional[str] = None
    speaker: Optional[int | str] = None
    speed: Optional[float] = Field(default=None, ge=0.5, le=2.0)


class Roles(_Strict):
    title: Optional[RoleVoice] = None
    quote: Optional[RoleVoice] = None


class EpisodeOptions(_Strict):
    read_title: bool = True
    read_author: bool = True


class Owner(_Strict):
    name: Optional[str] = None
    email: Optional[str] = None


class Funding(_Strict):
    url: str
    text: str = "Support the show"


class SyncOptions(_Strict):
    ledger: Optional[str] = None  # default: the user data folder, one ledger per target
    workers: int = Field(default=0, ge=0, le=64)  # 0: one per core


class PodcastOptions(_Strict):
    title: Optional[str] = None
    author: Optional[str] = None
    description: Optional[str] = None
    language: str = "en"
    base_url: Optional[str] = None
    feed: Optional[str] = None  # where `publish` and `sync` put the show: a folder or an fsspec URL
    storage_options: dict[str, Any] = {}  # passed to fsspec for a remote feed (region, endpoint_url, ...)
    owner: Owner = Owner()
    category: Optional[str] = None
    subcategory: Optional[str] = None
    explicit: bool = False
    image: Optional[str] = None
    type: Literal["episodic", "serial"] = "episodic"
    copyright: Optional[str] = None
    funding: Optional[Funding] = None
    locked: bool = True

    @field_validator("category")
    @classmethod
    def _apple_category(cls, value: Optional[str]) -> Optional[str]:
        from narrate.podcast.categories import CATEGORIES

        if value is not None and value not in CATEGORIES:
            raise ValueError(f"not one of Apple's categories: {', '.join(CATEGORIES)}")
        return value

    @model_validator(mode="after")
    def _apple_subcategory(self) -> "PodcastOptions":
        from narrate.podcast.categories import CATEGORIES

        if self.subcategory is not None:
            allowed = CATEGORIES.get(self.category or "", ())
            if self.subcategory not in allowed:
                raise ValueError(f"subcategory {self.subcategory!r} is not under {self.category!r}"
                                 + (f"; choose from {', '.join(allowed)}" if allowed else ""))
        return self

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.match(r"https?://[^/\s]+", value):
            raise ValueError("must be an absolute http(s) URL, e.g. https://example.com/podcast/")
        return value if value is None or value.endswith("/") else value + "/"


class Config(_Strict):
    engine: str = "piper"
    speed: float = Field(default=1.0, ge=0.5, le=2.0)
    output_dir: str = "output"
    workers: int = Field(default=0, ge=0, le=64)
    hibari: HibariOptions = HibariOptions()
    piper: PiperOptions = PiperOptions()
    gtts: GttsOptions = GttsOptions()
    pauses: Pauses = Pauses()
    audio: AudioOptions = AudioOptions()
    episode: EpisodeOptions = EpisodeOptions()
    clean: CleanOptionsModel = CleanOptionsModel()
    fetch: FetchOptions = FetchOptions()
    cache: CacheOptions = CacheOptions()
    podcast: PodcastOptions = PodcastOptions()
    speech: SpeechOptionsModel = SpeechOptionsModel()
    sync: SyncOptions = SyncOptions()
    roles: Roles = Roles()
    pronunciations: dict[str, Pronunciation] = {}
    pronunciations_file: Optional[str] = None

    base_dir: Path = Field(default=Path("."), exclude=True)
    """Folder that relative paths in the file are resolved against (the config file's folder)."""

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        from narrate.speech.engines import engine_names

        names = engine_names()
        if value not in names:
            raise ValueError(f"unknown engine {value!r}; available: {', '.join(names)}")
        return value

    def lexicon(self) -> tuple:
        """The pronunciation entries: the shared file's first, then this config's, which win."""
        entries: dict[str, Pronunciation] = {}
        shared = self.path(self.pronunciations_file)
        if shared is not None:
            entries.update(load_lexicon_file(shared))
        entries.update(self.pronunciations)
        # Longest first, so "New York Times" is matched before "New York".
        return tuple(LexiconEntry(word, p.say, p.spell, p.ipa, p.ignore_case)
                     for word, p in sorted(entries.items(), key=lambda kv: -len(kv[0])))

    def path(self, value: str | None) -> Path | None:
        """Resolve a path from the config file relative to that file, as a user expects."""
        if value is None:
            return None
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate


def _key_name(part: Any) -> str:
    text = str(part)
    return text if re.fullmatch(r"[\w-]+", text) else repr(text)


def _describe(error: dict[str, Any]) -> str:
    key = ".".join(_key_name(part) for part in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{key}: unknown key"
    got = repr(error["input"])
    got = got if len(got) <= 60 else got[:57] + "..."
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"{key}: {message[0].lower()}{message[1:]} (got {got})"


def _set_dotted(data: dict, dotted: str, value: Any) -> None:
    node = data
    *parents, leaf = dotted.split(".")
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[leaf] = value


def load_config(path: Path | None, overrides: dict[str, Any] | None = None) -> Config:
    """Read `path` (or `./narrate.yaml` if present, else defaults), lay flag `overrides` on top.

    `overrides` maps dotted keys (`piper.voice`) to values; None values are ignored, so callers
    can pass every flag and only the ones the user set take effect.
    """
    source = "defaults"
    data: dict[str, Any] = {}
    if path is None and Path(DEFAULT_CONFIG_NAME).is_file():
        path = Path(DEFAULT_CONFIG_NAME)
    if path is not None:
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config file ({exc})") from None
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or "invalid YAML"
            raise ConfigError(f"{path}: {problem}{where}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: the config must be a mapping of keys to values")
        if "base_dir" in loaded:
            raise ConfigError(f"{path}: base_dir: unknown key")
        data = loaded
        data["base_dir"] = path.resolve().parent
    overrides = dict(overrides or {})
    voice = overrides.pop("voice", None)
    for dotted, value in overrides.items():
        if value is not None:
            _set_dotted(data, dotted, value)
    if voice is not None:  # --voice: a voice of the chosen engine, or one that says which engine it is
        if overrides.get("engine") is None:
            from narrate.speech.engines import engine_for_voice

            data["engine"] = engine_for_voice(voice, data.get("engine", Config.model_fields["engine"].default))
        _set_dotted(data, f"{data['engine']}.voice", voice)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigError(f"{source}: {' '.join(problems.split())}") from None


def load_lexicon_file(path: Path) -> dict[str, Pronunciation]:
    """A shared pronunciation file: a YAML mapping of word to entry, as under `pronunciations:`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"pronunciations_file: {path} not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the pronunciation file ({exc})") from None
    if isinstance(data, dict) and "pronunciations" in data:
        data = data["pronunciations"]
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a pronunciation file maps words to {{say: ...}}, {{spell: true}} or {{ipa: ...}}")
    try:
        return {str(word): Pronunciation.model_validate(entry) for word, entry in data.items()}
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigError(f"{path}: {' '.join(problems.split())}") from None


def template() -> str:
    """The commented config `narrate init` writes."""
    from importlib.resources import files

    return files("narrate").joinpath("data/narrate.yaml").read_text(encoding="utf-8")
