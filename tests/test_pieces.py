"""The episode as pieces encoded apart and joined: the timeline, the joins, the header, and what an edit re-encodes."""

import random
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode
from mutagen.mp3._util import XingHeader

from narrate.audio.lame import output_args
from narrate.audio.ffmpeg import ffmpeg_exe
from narrate.audio.join import FRAME_SAMPLES, Piece, crc16, join, split_frames
from narrate.audio.pieces import Pieces, combined, frames_for
from narrate.cache import Cache

from conftest import FIXTURES, decode, loudness, read_chapters_json, run_cli

RATE = 22050


def lame_tag(mp3: Path):
    """The Xing/Info header and its LAME extension, as mutagen reads them."""
    info = MP3(mp3).info
    with mp3.open("rb") as handle:
        handle.seek(ID3(mp3).size if _has_id3(mp3) else 0)
        start = handle.tell()
        handle.seek(start + XingHeader.get_offset(info))
        return XingHeader(handle)


def _has_id3(mp3: Path) -> bool:
    return mp3.read_bytes()[:3] == b"ID3"


@pytest.fixture(scope="module")
def programme(tmp_path_factory) -> tuple[Path, list[tuple[int, int]]]:
    """Real narration at the voice's rate with digital silence in its pauses, and pieces cut in the
    middle of its longer pauses."""
    folder = tmp_path_factory.mktemp("pieces")
    out = folder / "source.mp3"
    assert run_cli("build", FIXTURES / "short.md", "-o", out, "-q").exit_code == 0
    pcm = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(out), "-ar", str(RATE), "-ac", "1",
                          "-f", "s16le", "-"], capture_output=True, check=True).stdout
    samples = np.frombuffer(pcm, dtype=np.int16).copy()
    samples[np.abs(samples) < 40] = 0  # the decoded pauses back to digital silence
    raw = folder / "programme.pcm"
    samples.tofile(raw)
    silent = np.concatenate(([0], (samples == 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(silent))
    cut_at = [int(a + b) // 2 for a, b in zip(edges[::2], edges[1::2])
              if b - a >= 0.5 * RATE and a > 0 and b < len(samples)]
    assert len(cut_at) >= 2
    starts = [0, *cut_at]
    return raw, [(start, end - start) for start, end in zip(starts, [*cut_at, len(samples)])]


def encode_pieces(raw: Path, bounds, folder: Path, name: str):
    pieces = Pieces(raw, RATE, 6.0, -1.5, 64, Cache(folder / name))
    for start, length in bounds:
        pieces.cut(start, length)
    encoded = pieces.finish()
    mp3 = folder / f"{name}.mp3"
    join([item.piece for item in encoded], mp3)
    return mp3, encoded


def test_a_file_of_one_piece_is_byte_for_byte_what_ffmpeg_writes(tmp_path):
    noise = (np.random.default_rng(7).normal(0, 3000, 44100 * 3)).astype(np.int16)
    mp3 = tmp_path / "ffmpeg.mp3"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "s16le", "-ar", "44100", "-ac", "1", "-i", "-",
                    *output_args(mp3, 64)], input=noise.tobytes(), check=True)
    joined = tmp_path / "joined.mp3"
    join([Piece(mp3, -(-len(noise) // FRAME_SAMPLES))], joined)
    assert joined.read_bytes() == mp3.read_bytes()  # frame count, sizes, seek table, delay, padding, both CRCs


def test_pieces_decode_on_the_timeline_of_one_encode_with_silent_joins(programme, tmp_path):
    raw, bounds = programme
    joined, encoded = encode_pieces(raw, bounds, tmp_path, "pieces")
    whole, _ = encode_pieces(raw, [(0, raw.stat().st_size // 2)], tmp_path, "whole")
    pieces_audio, rate, _ = decode(joined)
    whole_audio, _, _ = decode(whole)
    frames = [frames_for(length, RATE) for _, length in bounds]
    assert len(pieces_audio) == sum(frames) * FRAME_SAMPLES  # each piece a whole number of frames
    ratio = rate // RATE
    at = 0
    for (start, length), count in zip(bounds, frames):
        ours = pieces_audio[at:at + length * ratio]
        theirs = whole_audio[start * ratio:(start + length) * ratio]
        loud = int(np.argmax(np.abs(theirs)))
        window = slice(max(0, loud - 4000), loud + 4000)
        lags = range(-8, 9)
        best = max(lags, key=lambda lag: float(np.dot(ours[window], np.roll(theirs, lag)[window])))
        assert best == 0  # the piece's speech sits on the very sample it sits on in one encode
        assert np.sqrt(np.mean((ours - theirs) ** 2)) < 0.1 * np.sqrt(np.mean(theirs ** 2))
        if at:  # a join: silence either side, and no step between samples above the silence's floor
            around = pieces_audio[at - 2000:at + 2000]
            assert np.abs(around).max() < 1e-3 and np.abs(np.diff(around)).max() < 1e-3
        at += count * FRAME_SAMPLES
    # The pieces' own measures, combined, are what ffmpeg measures on the joined file.
    lufs, peak = loudness(joined)
    figures = combined(encoded)
    assert figures.integrated_lufs == pytest.approx(lufs, abs=0.1)
    assert figures.true_peak_dbtp == pytest.approx(peak, abs=0.1)


def crc16_bitwise(data: bytes) -> int:
    """CRC-16/ARC one bit at a time: slow, plain, and independent of narrate's table-and-rows version."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_the_header_describes_the_joined_file(programme, tmp_path):
    raw, bounds = programme
    joined, _ = encode_pieces(raw, bounds, tmp_path, "pieces")
    frames = [frames_for(length, RATE) for _, length in bounds]
    xing = lame_tag(joined)  # mutagen reads the Xing part; ffmpeg's LAME part says "Lavf", which it leaves alone
    data = joined.read_bytes()
    info_size = len(data) - sum(len(f) for f in split_frames(data)[1:])
    assert xing.is_info and xing.bytes == len(data)
    assert xing.frames == sum(frames) + 1  # the last piece keeps the frame that ends its own encode
    assert xing.toc[0] == 0 and xing.toc == sorted(xing.toc) and xing.toc[-1] > 240
    lame = data[21 + 120:21 + 156]
    delay, padding = int.from_bytes(lame[21:24], "big") >> 12, int.from_bytes(lame[21:24], "big") & 0xFFF
    assert delay == 576
    # What ffmpeg decodes (frames x 1152 - delay - padding) is exactly the pieces' frames.
    assert xing.frames * FRAME_SAMPLES - delay - padding == sum(frames) * FRAME_SAMPLES
    assert len(decode(joined)[0]) == sum(frames) * FRAME_SAMPLES
    assert int.from_bytes(lame[28:32], "big") == len(data)  # music length
    assert int.from_bytes(lame[32:34], "big") == crc16_bitwise(data[info_size:])  # music CRC
    head = bytearray(data[:190])
    head[21 + 154:21 + 156] = b"\0\0"
    assert int.from_bytes(lame[34:36], "big") == crc16_bitwise(bytes(head))  # the tag's CRC
    info = MP3(joined).info
    # Each piece's encoder spreads its padding bytes on its own, so the average is 64 kbit/s to 0.1%.
    assert info.bitrate_mode == BitrateMode.CBR and info.bitrate == pytest.approx(64000, rel=1e-3)


def piece_files(cache: Path) -> set[Path]:
    return {p for p in (cache / "pieces").glob("*/*.mp3") if not p.name.startswith(".")}


def test_an_edit_re_encodes_only_the_piece_it_touches(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(cache))
    paragraphs = [" ".join(f"Paragraph {p}, sentence {s}, about the harbour and its boats." for s in range(3))
                  for p in range(12)]
    source = tmp_path / "a.md"
    source.write_text("# Harbour\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    assert run_cli("build", source, "-o", tmp_path / "a.mp3", "-q").exit_code == 0
    before = piece_files(cache)
    assert len(before) >= 3
    paragraphs[6] = paragraphs[6].replace("sentence 1,", "sentence one, now longer,")
    source.write_text("# Harbour\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    out = tmp_path / "b.mp3"
    assert run_cli("build", source, "-o", out, "-q").exit_code == 0
    assert len(piece_files(cache) - before) == 1  # the edited piece; the others, shifted in time, reused
    lufs, peak = loudness(out)
    assert -17.0 <= lufs <= -15.0 and peak <= -1.0
    chapters = read_chapters_json(out.with_suffix(".chapters.json"))["chapters"]
    samples, rate, _ = decode(out)
    assert abs(len(samples) / rate - chapters[-1]["endTime"]) < 0.002
    tags = ID3(out)
    assert [(frame.start_time, frame.end_time) for frame in tags.getall("CHAP")] == \
        [(round(c["startTime"] * 1000), round(c["endTime"] * 1000)) for c in chapters]


def test_the_music_crc_continues_across_chunks():
    """The joined file's CRC is taken a few MB at a time: continuing from the CRC so far must give the
    CRC of the whole."""
    data = bytes(random.Random(7).getrandbits(8) for _ in range(300_000))
    whole = crc16_bitwise(data)
    assert crc16(data) == whole
    for cut in (1, 4095, 4096, 123_457, 299_999):
        assert crc16(data[cut:], crc16(data[:cut])) == whole, cut


def test_a_piece_over_the_true_peak_limit_is_encoded_again_alone(programme, tmp_path):
    """A hot piece gets its own lower ceiling; the pieces within the limit keep their MP3s, so an edit
    that lands a sentence a little hotter does not cost an encode of the whole programme."""
    from narrate.audio.encode import _peaks_lowered
    from narrate.config import AudioOptions

    raw, bounds = programme
    samples = np.fromfile(raw, dtype=np.int16).astype(np.float64)
    quiet = bounds[0]
    scaled = samples * (32000 / np.abs(samples).max())  # the pieces after the first as loud as can be
    scaled[quiet[0]:quiet[0] + quiet[1]] *= 0.1  # the first 20 dB quieter
    hot = tmp_path / "hot.pcm"
    scaled.astype(np.int16).tofile(hot)
    cache = Cache(tmp_path / "cache")
    pieces = Pieces(hot, RATE, 12.0, 0.0, 64, cache)  # limited at 0 dBTP: the loud pieces overshoot -1
    for start, length in bounds:
        pieces.cut(start, length)
    first = pieces.finish()
    over = [index for index, item in enumerate(first) if item.peak_dbtp > -1.0]
    assert first[0].peak_dbtp < -1.0 and over
    lowered = _peaks_lowered(first, bounds, hot, RATE, 12.0, 0.0, AudioOptions(), cache)
    for index, (item, before) in enumerate(zip(lowered, first)):
        if index in over:
            assert item.peak_dbtp <= -1.0 and item.piece.mp3 != before.piece.mp3
        else:
            assert item is before
    ffmpeg_peak = loudness(_joined(lowered, tmp_path / "lowered.mp3"))[1]
    assert ffmpeg_peak <= -1.0 + 0.1


def _joined(encoded, mp3: Path) -> Path:
    join([item.piece for item in encoded], mp3)
    return mp3
