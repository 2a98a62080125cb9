"""The one place that knows the stage order: article -> speech plan -> clips -> audio -> files."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from narrate.cache import file_stamps
from narrate.config import Config
from narrate.errors import OutputError
from narrate.models import Article, Episode, EpisodeMeta, Loudness, Utterance

DESCRIPTION_CHARS = 400
# The ID3 album (and feed title) when the config names no show: podcast apps expect one.
DEFAULT_SHOW = "Narrated articles"

Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total); the CLI draws it, tests ignore it."""


@dataclass(frozen=True)
class MetaOverrides:
    """Episode metadata given on the command line; each wins over the article's own."""

    title: str | None = None
    author: str | None = None
    date: str | None = None


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "episode"


def read_article(source: str, config: Config, reader_model: str | None = None, cache=None) -> Article:
    """Ingest, clean and segment: the script narrate will speak for `source` (path, URL or -).

    `reader_model` is another block scorer's weights than the shipped ones (to measure a model on the pages
    it was not trained on). With a `cache`, a local file read before with the same bytes, settings and
    reader is not read again: its reading is in the cache (the reader's imports and cleaning are most of
    what a rebuild that changes only the title would cost)."""
    key = _reading_key(source, config, reader_model) if cache is not None else None
    known = cache.reading(key) if key is not None else None
    if known is not None:
        return Article.from_record(known)
    from narrate.article.read import read_source

    article = _script(read_source(source, fetch_timeout=config.fetch.timeout), config, reader_model)
    if key is not None:
        cache.put_reading(key, article.to_record())
    return article


# What a reading depends on besides the file and the settings: narrate's reader and the libraries it
# reads with, recognised by their files' sizes and times (an upgrade rewrites them).
_READER_CODE = ("models.py", "article/*.py", "data/*.npz")
_READER_LIBRARIES = ("lxml", "trafilatura", "readability", "ftfy", "markdown_it", "charset_normalizer", "yaml",
                     "pysbd", "numpy")
# The same for the speech plan: the spoken forms and the sentence splitter.
_PLAN_CODE = ("models.py", "pipeline.py", "article/sections.py", "speech/normalize.py")
_PLAN_LIBRARIES = ("num2words", "pysbd", "emoji")


def _code_stamps(code: tuple[str, ...], libraries: tuple[str, ...], extra: tuple[Path, ...] = ()) -> list:
    """Size and modification time of narrate's files matching `code` and of each library's entry file:
    a cached result made by other code (an upgrade, an edit) is then never taken for this code's."""
    return [*file_stamps(_code_files(code, libraries)), *file_stamps(extra)]


@lru_cache(maxsize=4)
def _code_files(code: tuple[str, ...], libraries: tuple[str, ...]) -> tuple[Path, ...]:
    """(Found once per process: a sync worker builds one article after another.)"""
    import importlib.util

    package = Path(__file__).parent
    files = [path for pattern in code for path in sorted(package.glob(pattern))]
    files += [Path(spec.origin) for spec in map(importlib.util.find_spec, libraries) if spec and spec.origin]
    return tuple(files)


def _reading_key(source: str, config: Config, reader_model: str | None) -> str | None:
    """The cache key of a local file's reading, or None for what may change unseen (a URL, stdin)."""
    import hashlib

    from narrate.article.fetch import MAX_INPUT_BYTES, is_url
    from narrate.cache import content_key

    if source == "-" or is_url(source):
        return None
    try:
        if not Path(source).is_file() or Path(source).stat().st_size > MAX_INPUT_BYTES:
            return None
        digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
        stamps = _code_stamps(_READER_CODE, _READER_LIBRARIES, (Path(reader_model),) if reader_model else ())
    except OSError:
        return None  # the reader reports what is wrong with the file
    return content_key({"reading": stamps, "source": str(Path(source).resolve()), "bytes": digest,
                        "clean": config.clean.model_dump(mode="json")})


def read_html(html: str, name: str, config: Config, url: str | None = None) -> Article:
    """The same for a page given as text rather than found at an address: the article a full-text feed
    item carries, read exactly as a saved page would be."""
    from narrate.article.read import html_source

    return _script(html_source(html, name, url=url), config)


def _script(raw, config: Config, reader_model: str | None = None) -> Article:
    from narrate.article.clean import CleanOptions, clean
    from narrate.article.read import parse
    from narrate.article.sections import build_article
    from narrate.errors import IngestError

    draft = parse(raw, code=config.clean.code, tables=config.clean.tables)
    options = CleanOptions(keep_captions=config.clean.captions, keep=config.clean.keep, drop=config.clean.drop)
    if raw.kind == "text" and not draft.has_markup:  # copied text: the rules' verdicts feed the text scorer
        from narrate.article.clean import judge
        from narrate.article.text_scorer import read_text_with_model

        cleaned, dropped = read_text_with_model(draft, judge(draft, options), options, model_path=reader_model)
    else:
        cleaned, dropped = clean(draft, options)
    if raw.kind == "html" and config.clean.second_opinions:
        from narrate.article.consensus import agree, read_opinions
        from narrate.article.scorer import opinions_of, read_with_model

        readings = read_opinions(raw.text, draft.page_blocks)
        agreed, agreed_dropped = agree(cleaned, dropped, readings, keep=config.clean.keep)
        cleaned, dropped = read_with_model(
            raw.text, opinions_of(draft, cleaned, dropped, agreed, agreed_dropped, readings), agreed, options,
            model_path=reader_model)
    article = build_article(cleaned, dropped)
    if not any(re.search(r"\w", p) for section in article.sections for p in section.paragraphs):
        if raw.kind == "html":
            raise IngestError(f"{raw.name}: no article text found in the HTML")
        if not any(re.search(r"\w", section.title) for section in article.sections):
            raise IngestError(f"{raw.name}: no words to read")
    return article


def load_script(path: Path) -> Article:
    """A script saved by `narrate script --format json` (and perhaps edited)."""
    from narrate.article.script import from_json
    from narrate.errors import IngestError

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IngestError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(f"{path}: cannot read ({exc})") from None
    return from_json(text, str(path))


def _ends_with_stop(text: str) -> str:
    """Headings and list items often lack a full stop; adding one gives the voice a falling close."""
    return text if re.search(r"[.!?…:;\"'”’)]$", text) else text + "."


# A paragraph that is one quotation from start to end (the voice for quotes reads these).
_QUOTATION = re.compile(r"\s*[\"“«][^\"“”«»]+[\"”»][.,!?]?\s*")


def speech_language(config: Config) -> str:
    """The language the words are spoken in: the article's (or the one asked for), else gTTS's, else the show's."""
    chosen = config.speech.language or (config.gtts.lang if config.engine == "gtts" else None)
    return (chosen or config.podcast.language).split("-")[0]


def speech_options(config: Config):
    """How the configured show's text is made speakable (language, URLs, dates, the user's lexicon)."""
    from narrate.speech.engines import engine_class
    from narrate.speech.normalize import SpeechOptions

    return SpeechOptions(language=speech_language(config), urls=config.speech.urls, lexicon=config.lexicon(),
                         supports_phonemes=getattr(engine_class(config.engine), "takes_phonemes", False),
                         date_order=config.speech.date_order)


def with_article_language(article: Article, config: Config, cache=None) -> Config:
    """The config for this article: its language (detected, unless `speech.language` names one) is the
    one its words are spoken in, and the one gTTS speaks when `gtts.lang` is not set."""
    from narrate.article.language import primary

    language = primary(config.speech.language) if config.speech.language else _detected_language(article, cache)
    if language is None:
        return config
    return config.model_copy(update={"speech": config.speech.model_copy(update={"language": language})})


def _detected_language(article: Article, cache) -> str | None:
    """The article's language, remembered in `cache`: importing the detector (and numpy under it) takes
    a quarter of a second, most of what a rebuild that only changes a title costs after start-up."""
    from narrate.article.language import article_language, detector_text

    if cache is None:
        return article_language(article)
    from narrate.cache import content_key

    key = content_key({"detected language of": [detector_text(article), article.language]})
    known = cache.hint(key)
    if known is not None and "language" in known:
        return known["language"]
    language = article_language(article, unpacked_in=cache.root / "models")
    cache.put_hint(key, {"language": language})
    return language


def check_language(config: Config, engines: dict) -> None:
    """Fail, before anything is synthesised, when a voice would read the text in a language it does not speak."""
    from narrate.errors import ConfigError

    language = config.speech.language
    if language is None:
        return
    for role, engine in engines.items():
        spoken = getattr(engine, "language", None)
        if spoken is None or spoken == language:
            continue
        name, its = _language_name(language), _language_name(spoken)
        voice = getattr(engine, "voice", None) or getattr(getattr(engine, "model", None), "stem", "")
        whose = "" if role == "body" else f" for the {role}"
        raise ConfigError(
            f"the article is in {name} ({language}) and the {engine.name} voice {voice}{whose} speaks {its}: "
            f"use --engine gtts --language {language} (online), or a Piper voice that speaks {name} "
            f"(--engine piper --voice NAME, see docs/voices.md), or --language {spoken} if the text is {its}")


def _language_name(code: str) -> str:
    from gtts.lang import tts_langs

    return tts_langs().get(code, code)


def _join_abbreviations(sentences: list[str]) -> list[str]:
    """A piece the splitter ended at an abbreviation that stands before a name or a number
    ("Minneapolis-St." | "Paul suburbs grew.") is joined to what follows, so the voice does not fall."""
    from narrate.speech.normalize import ends_with_abbreviation

    joined: list[str] = []
    for sentence in sentences:
        if joined and ends_with_abbreviation(joined[-1]):
            joined[-1] = f"{joined[-1]} {sentence}"
        else:
            joined.append(sentence)
    return joined


@dataclass
class SpokenForms:
    """A paragraph's sentences and a text's spoken form, as `plan_speech` made them for one language and
    one set of speech settings: both depend on nothing else, so an edit that changed one paragraph finds
    every other one here and splits and normalises only its own. The `known_` ones are what a plan
    before made; `sentences` and `spoken` collect what this plan needed, to be kept for the next."""

    known_sentences: dict[str, list[str]] = field(default_factory=dict)
    known_spoken: dict[str, str] = field(default_factory=dict)
    sentences: dict[str, list[str]] = field(default_factory=dict)
    spoken: dict[str, str] = field(default_factory=dict)

    def split(self, paragraph: str, language: str) -> list[str]:
        if paragraph not in self.sentences:
            found = self.known_sentences.get(paragraph)
            if found is None:
                from narrate.article.sections import split_sentences

                found = split_sentences(paragraph, language)
                found = _join_abbreviations(found) if language == "en" else found
            self.sentences[paragraph] = found
        return self.sentences[paragraph]

    def say(self, text: str, options) -> str:
        if text not in self.spoken:
            found = self.known_spoken.get(text)
            if found is None:
                from narrate.speech.normalize import normalize

                found = _ends_with_stop(normalize(text, options))
            self.spoken[text] = found
        return self.spoken[text]

    def record(self) -> dict:
        return {"sentences": self.sentences, "spoken": self.spoken}

    def know_most_of(self, article: Article) -> bool:
        """Whether most of `article`'s paragraphs were planned before: it is an edit of that article."""
        paragraphs = [p for section in article.sections for p in section.paragraphs]
        return bool(paragraphs) and 2 * sum(p in self.known_sentences for p in paragraphs) >= len(paragraphs)

    @classmethod
    def from_record(cls, record: dict | None) -> SpokenForms:
        record = record or {}
        return cls(known_sentences=record.get("sentences", {}), known_spoken=record.get("spoken", {}))


def plan_speech(article: Article, config: Config, forms: SpokenForms | None = None,
                on_planned: Callable[[Utterance], None] | None = None) -> list[Utterance]:
    """Every piece of text the engine will speak, in order, with the pause after each.

    This is where the article's sentences meet the speech room's spoken forms, so it lives here.

    The title (and author) open the episode; a section that has its own heading starts by
    reading it. The written form is kept for the transcript; `spoken` is what the engine gets.
    `forms` holds sentences and spoken forms already made with these settings (see `SpokenForms`).
    `on_planned` is told of each utterance as it is planned: the build starts its voices meanwhile.
    """
    forms = forms if forms is not None else SpokenForms()
    pauses = config.pauses
    language = speech_language(config)
    options = speech_options(config)
    plan: list[Utterance] = []

    def add(text: str, section: int, pause: float, role: str = "body") -> None:
        if not re.search(r"\w", text):
            return  # a lone dash or ornament has nothing to say
        spoken = forms.say(text, options)
        if re.search(r"\w", spoken):
            plan.append(Utterance(written=text, spoken=spoken, section=section, pause_after=pause, role=role))
            if on_planned is not None:
                on_planned(plan[-1])

    opening = next((p for s in article.sections[:1] if not s.has_heading for p in s.paragraphs[:1]), "")
    # An untitled text is titled with its opening words: read them once, in the paragraph.
    title_is_opening = bool(re.match(re.escape(article.title.rstrip("…")) + r"(?!\w)", opening))
    if config.episode.read_title and not title_is_opening:
        add(article.title, 0, pauses.paragraph if (article.author and config.episode.read_author) else pauses.section,
            "title")
        if article.author and config.episode.read_author:
            add(f"By {article.author}", 0, pauses.section, "title")
    for index, section in enumerate(article.sections):
        if section.has_heading:
            add(section.title, index, pauses.paragraph, "title")
        for p_index, paragraph in enumerate(section.paragraphs):
            role = "quote" if _QUOTATION.fullmatch(paragraph) else "body"
            sentences = forms.split(paragraph, language)
            for s_index, sentence in enumerate(sentences):
                last_sentence = s_index == len(sentences) - 1
                last_paragraph = p_index == len(section.paragraphs) - 1
                pause = pauses.sentence
                if last_sentence:
                    pause = pauses.section if last_paragraph else pauses.paragraph
                add(sentence, index, pause, role)
    if plan:
        last = plan[-1]
        plan[-1] = Utterance(last.written, last.spoken, last.section, pauses.paragraph, last.role)
    return plan


def recorded_plan(article: Article, config: Config, cache, on_edit: Callable[[], None] | None = None,
                  on_planned: Callable[[Utterance], None] | None = None) -> list[Utterance]:
    """`plan_speech`, remembered in `cache` under the article, the settings and the code that make it:
    a rebuild of the same article then imports neither the spoken forms nor the sentence splitter.
    An article not planned before with these settings takes the spoken forms of the last one that was
    (for an edit, the same article before it): only the paragraphs it changed are split and normalised.
    `on_edit` is called before planning when most of the article was planned before: an edit, whose few
    new sentences will need the voice. `on_planned` is `plan_speech`'s, told of nothing when the plan is
    remembered."""
    from dataclasses import asdict

    from narrate.cache import content_key
    from narrate.speech.engines import engine_class

    if cache is None:
        return plan_speech(article, config, on_planned=on_planned)
    try:
        stamps = _code_stamps(_PLAN_CODE, _PLAN_LIBRARIES)
    except OSError:
        return plan_speech(article, config, on_planned=on_planned)
    settings = {"plan": stamps, "config": config.model_dump(mode="json"),
                "lexicon": [asdict(entry) for entry in config.lexicon()],
                "phonemes": getattr(engine_class(config.engine), "takes_phonemes", False)}
    key = content_key({**settings, "article": article.to_record()})
    known = cache.reading(key)
    if known is not None:
        return [Utterance(**utterance) for utterance in known["plan"]]
    forms_key = content_key({**settings, "spoken forms": True})
    forms = SpokenForms.from_record(cache.reading(forms_key))
    if on_edit is not None and forms.know_most_of(article):
        on_edit()
    plan = plan_speech(article, config, forms, on_planned)
    cache.put_reading(key, {"plan": [asdict(utterance) for utterance in plan]})
    cache.put_reading(forms_key, forms.record())  # this article's forms only: the record does not grow
    return plan


def episode_meta(article: Article, config: Config, overrides: MetaOverrides) -> EpisodeMeta:
    opening = article.description or next((p for s in article.sections for p in s.paragraphs), "")
    description = opening if len(opening) <= DESCRIPTION_CHARS else opening[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
    return EpisodeMeta(
        title=overrides.title or article.title,
        author=overrides.author or article.author or config.podcast.author,
        show=config.podcast.title or DEFAULT_SHOW,
        date=overrides.date or article.date,
        description=description or None,
        image=config.path(config.podcast.image),
        source_url=article.source_url,
    )


def sidecar_paths(mp3: Path) -> tuple[Path, Path, Path]:
    stem = mp3.with_suffix("")
    return Path(f"{stem}.chapters.json"), Path(f"{stem}.vtt"), Path(f"{stem}.srt")


def default_output(article: Article, config: Config, overrides: MetaOverrides) -> Path:
    return config.path(config.output_dir) / f"{slugify(overrides.title or article.title)}.mp3"


RENDITION_VERSION = 3  # bump when encoding changes, so older cached renditions are not reused


def _file_identity(path: Path | None) -> str | None:
    if path is None:
        return None
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return str(path)  # unreadable: load_jingle will report it


def rendition_key(plan, clip_keys: list[str], rate: int, config: Config) -> str:
    """Everything that decides the encoded audio: clips, pauses, jingles, loudness and bitrate."""
    from narrate.audio.pieces import PIECE_VERSION
    from narrate.cache import content_key

    return content_key({
        "version": RENDITION_VERSION, "pieces": PIECE_VERSION, "rate": rate,
        "clips": clip_keys,
        "pauses": [round(u.pause_after * rate) for u in plan],
        "intro": _file_identity(config.path(config.audio.intro)),
        "outro": _file_identity(config.path(config.audio.outro)),
        "audio": [config.audio.bitrate, config.audio.loudness, config.audio.true_peak],
    })


def _remove_stale_work(folder: Path) -> None:
    """A build killed outright (SIGKILL, power loss) cannot tidy up: its work folder goes on the next run."""
    for stale in folder.glob(".narrate-*-*"):
        pid = stale.name.split("-")[1]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(stale, ignore_errors=True)
        except PermissionError:
            continue  # another user's live build


def bundled_hint(identity: dict) -> dict | None:
    """Loudness facts measured for the voices narrate ships, so a first build can stream its encode."""
    import json
    from importlib.resources import files

    hints = json.loads(files("narrate").joinpath("data/voice_hints.json").read_text(encoding="utf-8"))
    return hints.get(str(identity.get("model")))


def build(article: Article, config: Config, mp3: Path, *, overrides: MetaOverrides = MetaOverrides(),
          use_cache: bool = True, progress: Progress | None = None, voices=None) -> Episode:
    """Narrate `article` into `mp3` and its sidecars; nothing appears at `mp3` unless all succeeded.

    `voices` (a `Voices`) is given by a caller that builds again and again: the engines are taken from
    it, and stay loaded, with their workers, for its next build."""
    from narrate.audio.assemble import PcmStream, layout
    from narrate.audio.jingles import load_jingle
    from narrate.audio.sidecars import chapters_json, srt, webvtt
    from narrate.audio.tags import write_tags
    from narrate.cache import Cache, cache_dir, content_key
    from narrate.speech.engines import load_role_engines
    from narrate.speech.speak import HeadStart, speak, utterance_keys

    report = progress or (lambda stage, done, total: None)
    meta = episode_meta(article, config, overrides)
    if meta.image is not None and not meta.image.is_file():
        raise OutputError(f"podcast.image: no image at {meta.image}")
    cache = Cache(cache_dir(config.path(config.cache.dir))) if use_cache else None
    config = with_article_language(article, config, cache)
    engines = voices.engines(config) if voices is not None else load_role_engines(config)
    check_language(config, engines)
    # The voices start loading while the plan is made, once it shows what the cache lacks (or that this is
    # an edit); a process that keeps its voices loaded (`voices`) has them already. Whatever started ends
    # with the block, on an error or Ctrl-C too.
    with HeadStart(engines, cache, config.workers) as head_start:
        ahead = voices is None
        plan = recorded_plan(article, config, cache, on_edit=head_start.load_beside if ahead else None,
                             on_planned=head_start.planned if ahead else None)
        engine = engines["body"]
        out_dir = mp3.parent
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            _remove_stale_work(out_dir)
            work = Path(tempfile.mkdtemp(prefix=f".narrate-{os.getpid()}-", dir=out_dir))
        except OSError as exc:
            raise OutputError(f"{out_dir}: cannot write here ({exc.strerror or exc})") from None
        encoder = None
        try:
            cache = cache or Cache(work / "cache")
            rate, identity = engine.sample_rate, engine.identity()
            intro_path, outro_path = config.path(config.audio.intro), config.path(config.audio.outro)
            intro = load_jingle(intro_path, rate, fade_in=False, fade_out=True) if intro_path else b""
            outro = load_jingle(outro_path, rate, fade_in=True, fade_out=True) if outro_path else b""
            staged_mp3, raw = work / "episode.mp3", work / "episode.pcm"
            key = rendition_key(plan, [k for _, k in utterance_keys(plan, engines)], rate, config)
            reused = cache.rendition(key) if use_cache else None
            hint_key = content_key({"voice": identity, "audio": [config.audio.loudness, config.audio.true_peak]})
            hint = cache.hint(hint_key) or bundled_hint(identity)
            stream = pieces = None
            if reused is None:
                from narrate.audio.encode import encode, hinted_gain
                from narrate.audio.pieces import Pieces
            if reused is None and hint and "typical_lufs" in hint:
                # The gain is known before the first sentence: encode each piece while the engine speaks.
                gain, ceiling = hinted_gain(hint["typical_lufs"], config.audio, hint)
                encoder = pieces = Pieces(raw, rate, gain, ceiling, config.audio.bitrate, cache)
                stream = PcmStream(plan, rate, raw, intro, pieces)
            clips = speak(plan, engines, cache, lambda done, total: report("speaking", done, total), config.workers,
                          on_ready=stream.ready if stream else None, voices=voices,
                          head_start=head_start)
            del engines, engine  # the voice's network is not needed past this point: free its memory for ffmpeg
            timeline = layout(article, plan, clips, rate, len(intro) // 2, len(outro) // 2)
            piece_files: list[Path] = []
            if reused is not None:
                shutil.copyfile(reused[0], staged_mp3)
                loudness = Loudness(reused[1]["integrated_lufs"], reused[1]["true_peak_dbtp"])
            else:
                report("encoding", 0, 1)
                if stream is None:
                    stream = PcmStream(plan, rate, raw, intro)
                    for position, clip in enumerate(clips):
                        stream.ready(position, clip)
                whole = stream.close(outro)
                loudness, learnt, piece_files = encode(raw, rate, staged_mp3, config.audio, whole, hint, pieces,
                                                       stream.bounds, cache)
                encoder = None  # finished
                raw.unlink()
                if use_cache:
                    cache.put_hint(hint_key, learnt)
                    cache.put_rendition(key, staged_mp3, {"integrated_lufs": loudness.integrated_lufs,
                                                          "true_peak_dbtp": loudness.true_peak_dbtp})
            report("writing", 0, 1)
            write_tags(staged_mp3, meta, timeline)
            targets = sidecar_paths(mp3)
            contents = (chapters_json(timeline, meta), webvtt(timeline), srt(timeline))
            staged = []
            for target, text in zip(targets, contents):
                path = work / target.name
                path.write_text(text, encoding="utf-8")
                staged.append((path, target))
            staged.append((staged_mp3, mp3))
            for source, target in staged:  # the MP3 goes last: its presence means the set is whole
                os.replace(source, target)
            if use_cache:
                keep = {clip.path for clip in clips} | set(piece_files)
                cache.evict(config.cache.max_mb * 1024 * 1024, keep=keep)
            report("done", 1, 1)
        except OSError as exc:
            raise OutputError(f"{out_dir}: cannot write the episode ({exc.strerror or exc})") from None
        finally:
            if encoder is not None:
                encoder.abandon()
            shutil.rmtree(work, ignore_errors=True)
    chapters, vtt, srt_path = sidecar_paths(mp3)
    return Episode(mp3=mp3, chapters_json=chapters, vtt=vtt, srt=srt_path, meta=meta, timeline=timeline,
                   loudness_lufs=loudness.integrated_lufs, true_peak_dbtp=loudness.true_peak_dbtp)
