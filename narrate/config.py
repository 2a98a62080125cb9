"""The YAML config: one typed model, validated once when it is loaded.

Every key has a default here; `narrate init` writes the same defaults, commented, from
`data/narrate.yaml`. Precedence is flag > config file > default, applied in `load_config`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from narrate.errors import ConfigError
from narrate.models import LexiconEntry

DEFAULT_CONFIG_NAME = "narrate.yaml"
ENGINE_ENTRY_POINTS = "narrate.engines"
"""The entry-point group engines register under (narrate's own in its pyproject, a plugin in its own)."""


# The keys that name an engine or an Apple category are checked against what the package declares (its entry
# points, a data file), so loading the config imports neither the speech room nor the podcast room.
def engine_names() -> list[str]:
    return sorted(engine_entry_points())


@lru_cache(maxsize=1)
def engine_entry_points() -> dict:
    """The installed engines' entry points by name, found once per process: listing entry points reads
    every installed package's metadata, a few hundredths of a second each time."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENGINE_ENTRY_POINTS)}


@lru_cache(maxsize=1)
def apple_categories() -> dict[str, tuple[str, ...]]:
    """Apple Podcasts' category list (the values `itunes:category` accepts) and each one's subcategories."""
    from importlib.resources import files

    text = files("narrate").joinpath("data/apple_categories.json").read_text(encoding="utf-8")
    return {name: tuple(subcategories) for name, subcategories in json.loads(text).items()}


class _Strict(BaseModel):
    # Each key's docstring is its description, from which docs/configuration.md is generated (by
    # scripts/reference.py, which reads them from the source: pydantic's own reading of attribute
    # docstrings parses this file at every start, a sixth of a title-only rebuild).
    model_config = ConfigDict(extra="forbid", frozen=True)


class PiperOptions(_Strict):
    voice: str = "joe"
    """The bundled voice (`joe`, US English), a voice name found in `voice_dirs`, or a path to a Piper voice's
    `.onnx` file with its `.onnx.json` beside it."""
    voice_dirs: tuple[str, ...] = ()
    """Folders searched for Piper voices (also listed by `narrate voices`)."""
    speaker: Optional[int | str] = None
    """Speaker id (a number) or name from the voice's `.onnx.json`, for multi-speaker voices."""
    noise_scale: Optional[float] = Field(default=None, ge=0, le=2)
    """Variation in the voice's timbre; null keeps the voice's own value."""
    # 0.5, calmer than the voices' usual 0.8, was heard more clearly in the listening benchmark.
    noise_w: Optional[float] = Field(default=0.5, ge=0, le=2)
    """Variation in the length of its sounds; null keeps the voice's own value. The default was chosen by the
    listening test (docs/benchmarks.md)."""
    threads: int = Field(default=2, ge=1, le=64)
    """CPU threads for the neural network."""
    download_url: Optional[str] = None
    """A mirror of Piper's voice collection (default: its own, on Hugging Face)."""


class HibariOptions(_Strict):
    voice: str = "heart"
    """`heart` is inside the package; hibari's other voices are downloaded once, when named."""
    threads: int = Field(default=2, ge=1, le=64)
    """CPU threads for the neural network."""
    download_url: Optional[str] = None
    """A mirror of hibari's voice folder (default: its own, on Hugging Face)."""


class GttsOptions(_Strict):
    lang: Optional[str] = None
    """Language code (en, fr, ...); unset, the article's language."""
    tld: str = "com"
    """Google accent host: `com`, `co.uk`, `com.au`, `ca`, `co.in`, `ie`, `co.za`, ..."""
    slow: bool = False
    """Slow reading."""
    timeout: float = Field(default=20.0, gt=0, le=300)
    """Seconds to wait for Google before giving up."""


class Pauses(_Strict):
    # Chosen by the listening benchmark (docs/benchmarks.md): 0.15 s at commas, semicolons and dashes beat the voice's
    # own pauses and calmer noise settings on mean recogniser error, and most on plain prose.
    clause: float = Field(default=0.15, ge=0, le=2)
    """Seconds of silence at a comma, semicolon, colon or dash inside a sentence (Piper; 0: the voice's own, shorter
    pause)."""
    sentence: float = Field(default=0.3, ge=0, le=10)
    """Seconds of silence after each sentence."""
    paragraph: float = Field(default=0.7, ge=0, le=10)
    """Seconds of silence after each paragraph."""
    section: float = Field(default=1.5, ge=0, le=10)
    """Seconds of silence after each section."""


class AudioOptions(_Strict):
    bitrate: Literal[32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] = 64
    """MP3 constant bitrate in kbps (an MPEG-1 Layer III rate; 64 is the usual choice for speech)."""
    loudness: float = Field(default=-16.0, ge=-31, le=-10)
    """Integrated loudness target in LUFS (Apple: -16)."""
    true_peak: float = Field(default=-1.0, ge=-9, le=0)
    """True-peak ceiling in dBTP (Apple: -1)."""
    intro: Optional[str] = None
    """An audio file (any format ffmpeg reads) played before the narration, faded at its join."""
    outro: Optional[str] = None
    """An audio file played after the narration, faded at its join."""


class CleanOptionsModel(_Strict):
    captions: bool = False
    """Read image captions (dropped by default)."""
    keep: tuple[str, ...] = ()
    """Regular expressions (case-insensitive): blocks that match are never dropped."""
    drop: tuple[str, ...] = ()
    """Regular expressions (case-insensitive): blocks that match are always dropped."""
    code: Literal["skip", "announce"] = "skip"
    """Markdown code blocks: skip them, or announce that one is skipped."""
    tables: Literal["read", "skip", "announce"] = "read"
    """Data tables in web pages and Markdown: read them row by row (cells parted by commas), skip them, or announce
    that one is skipped."""
    second_opinions: bool = True
    """Web pages: three other readings of the page (trafilatura's defaults, readability-lxml and the copied-text
    reader) and the rules feed the block scorer, which decides what is article; false reads with the rules alone."""

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
    """The cache folder (default: the user cache folder; the `NARRATE_CACHE_DIR` variable wins over both)."""
    max_mb: int = Field(default=2048, ge=1, le=1_000_000)
    """Size limit in MB of built audio and readings; the least recently used entries go first, never the current build's (downloaded voices and start-up copies are kept and not counted)."""


class FetchOptions(_Strict):
    timeout: float = Field(default=20.0, gt=0, le=300)
    """Seconds to wait for a web server."""


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
    """Web addresses: `short` (the host: example dot com), `full`, or `skip`."""
    date_order: Literal["mdy", "dmy"] = "mdy"
    """Numeric dates such as 3/4/2025: `mdy` (March fourth) or `dmy` (the third of April)."""


class RoleVoice(_Strict):
    """Voice settings for one role (the title and headings, or quotations); unset keys follow the main voice."""

    voice: Optional[str] = None
    """A Piper voice, as `piper.voice`."""
    speaker: Optional[int | str] = None
    """A speaker of a multi-speaker voice."""
    speed: Optional[float] = Field(default=None, ge=0.5, le=2.0)
    """Speaking rate."""


class Roles(_Strict):
    title: Optional[RoleVoice] = None
    """A voice, speaker or speed of its own for the title and headings; unset keys follow the main voice."""
    quote: Optional[RoleVoice] = None
    """The same for quotations (paragraphs that are one quotation)."""


class EpisodeOptions(_Strict):
    read_title: bool = True
    """Read the title at the start of the episode."""
    read_author: bool = True
    """Read the byline ("By ...") after the title, when the article names an author."""


class Owner(_Strict):
    name: Optional[str] = None
    """`itunes:owner` name."""
    email: Optional[str] = None
    """`itunes:owner` e-mail (Apple e-mails the owner to verify the show)."""


class Funding(_Strict):
    url: str
    """Where listeners can support the show."""
    text: str = "Support the show"
    """The link's text."""


class SyncOptions(_Strict):
    ledger: Optional[str] = None  # default: the user data folder, one ledger per target
    """The sync database's path (default: the user data folder, one per show)."""
    workers: int = Field(default=0, ge=0, le=64)  # 0: one per core
    """Articles built side by side (0: one per core)."""
    read_from: Literal["auto", "feed", "page"] = "auto"
    """Where an article a full-text feed carries is read from: `feed` (the item's own content), `page` (the
    article's address), or `auto`: the feed, unless its text looks like an excerpt and the page gives clearly
    more of the article."""


class PodcastOptions(_Strict):
    title: Optional[str] = None
    """The show's title: the feed's title and the episodes' ID3 album (default "Narrated articles")."""
    author: Optional[str] = None
    """The show's author; ID3 artist when the article names no author."""
    description: Optional[str] = None
    """The show's description."""
    language: str = "en"
    """The show's language."""
    base_url: Optional[str] = None
    """Where the feed folder is served (`feed.xml` lives at `base_url + "feed.xml"`)."""
    feed: Optional[str] = None  # where `publish` and `sync` put the show: a folder or an fsspec URL
    """Where `publish` and `sync` put the show: a folder (default `OUTPUT_DIR/feed`), or for `sync` an fsspec URL
    (`s3://bucket/show/`, `sftp://host/var/www/show/`; pip install 'narrate-podcast[s3]' or 'narrate-
    podcast[sftp]')."""
    storage_options: dict[str, Any] = {}  # passed to fsspec for a remote feed (region, endpoint_url, ...)
    """Options for that filesystem (region, endpoint, key file, e.g. `client_kwargs: {region_name: eu-west-1}`);
    credentials come from the standard places (`AWS_*` variables, `~/.aws`, `~/.ssh`) and are never written
    anywhere."""
    owner: Owner = Owner()
    category: Optional[str] = None
    """A category from Apple's list (default News in the feed)."""
    subcategory: Optional[str] = None
    """A subcategory of that category, from Apple's list."""
    explicit: bool = False
    """`itunes:explicit`."""
    image: Optional[str] = None
    """Cover art (JPEG or PNG, square, 1400-3000 px), embedded in every episode and published with the show."""
    type: Literal["episodic", "serial"] = "episodic"
    """`itunes:type`."""
    copyright: Optional[str] = None
    """The feed's copyright line."""
    funding: Optional[Funding] = None
    """`{url: ..., text: ...}` for `podcast:funding` (and the page's support link)."""
    locked: bool = True
    """`podcast:locked`: other hosts may not import the show."""

    @field_validator("category")
    @classmethod
    def _apple_category(cls, value: Optional[str]) -> Optional[str]:
        categories = apple_categories()
        if value is not None and value not in categories:
            raise ValueError(f"not one of Apple's categories: {', '.join(categories)}")
        return value

    @model_validator(mode="after")
    def _apple_subcategory(self) -> "PodcastOptions":
        if self.subcategory is not None:
            allowed = apple_categories().get(self.category or "", ())
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
    """The speech engine: `piper` (offline), `hibari` (offline) or `gtts` (Google, online); third-party engines register under the
    `narrate.engines` entry-point group."""
    speed: float = Field(default=1.0, ge=0.5, le=2.0)
    """Speaking rate: 1.0 is the voice's natural pace, 1.2 is 20% faster (Piper: length scale; gTTS: ffmpeg `atempo`,
    pitch kept)."""
    output_dir: str = "output"
    """Where `narrate build` writes episodes when `-o` is not given."""
    workers: int = Field(default=0, ge=0, le=64)
    """Synthesis processes: 0 picks one per CPU core (up to 4) when there is enough text to be worth it; 1
    synthesises in this process with `piper.threads` threads. Each extra process holds its own copy of the voice
    (about 150 MB for the bundled one)."""
    hibari: HibariOptions = HibariOptions()
    """The hibari engine's options."""
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
    """Words said your way (docs/voices.md): whole words, case-sensitive unless `ignore_case: true`; each entry takes
    one of `say` (substitute text), `spell: true` (letter by letter) or `phonemes` (IPA, Piper only)."""
    pronunciations_file: Optional[str] = None
    """A YAML file of more entries in the same shape, shared between configs (the entries in `pronunciations` win)."""

    base_dir: Path = Field(default=Path("."), exclude=True)
    """Folder that relative paths in the file are resolved against (the config file's folder)."""

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, value: str) -> str:
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

    def files_read(self) -> list[Path]:
        """The files this config names that a build reads (besides the article): the pronunciation file,
        the jingles, the cover image, and Piper voices given as files (each with its `.onnx.json`). A
        watching build watches them too."""
        named = [self.pronunciations_file, self.audio.intro, self.audio.outro, self.podcast.image]
        return list(dict.fromkeys([*(self.path(value) for value in named if value), *self.voice_files()]))

    def voice_files(self) -> list[Path]:
        """The Piper voices given as files (`piper.voice` or a role's voice ending in `.onnx`), each with
        its `.onnx.json`."""
        voices = [self.piper.voice] + [role.voice for role in (self.roles.title, self.roles.quote)
                                       if role is not None and role.voice]
        files = []
        for voice in voices:
            if Path(voice).suffix == ".onnx":
                model = self.path(voice)
                files += [model, Path(f"{model}.json")]
        return files

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


def load_config(path: Path | None, overrides: dict[str, Any] | None = None,
                voice_owner: Callable[[str, str], str] | None = None) -> Config:
    """Read `path` (or `./narrate.yaml` if present, else defaults), lay flag `overrides` on top.

    `overrides` maps dotted keys (`piper.voice`) to values; None values are ignored, so callers
    can pass every flag and only the ones the user set take effect. A `voice` override goes to the
    engine `voice_owner(voice, engine)` names (the caller's, so that no room is imported here), or to
    the chosen engine.
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
        import yaml  # only when there is a file to read: a tenth of `narrate`'s start-up otherwise

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
        engine = data.get("engine", Config.model_fields["engine"].default)
        if overrides.get("engine") is None and voice_owner is not None:
            data["engine"] = engine = voice_owner(voice, engine)
        _set_dotted(data, f"{engine}.voice", voice)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigError(f"{source}: {' '.join(problems.split())}") from None


def load_lexicon_file(path: Path) -> dict[str, Pronunciation]:
    """A shared pronunciation file: a YAML mapping of word to entry, as under `pronunciations:`."""
    import yaml

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
