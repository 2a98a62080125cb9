"""Join independently encoded MP3 pieces into one gapless CBR file with one Info/LAME header.

Each piece was encoded by LAME on its own (through ffmpeg, which writes it with its own Info
frame) from a stretch of the programme that is a whole number of 1152-sample frames and that
starts and ends in digital silence. Decoding a stream delays everything by the same 1105 samples
(LAME's 576 of encoder delay plus the decoder's 529), so a piece's frames, laid after the frames
of the pieces before it, decode to exactly its stretch of the programme: a piece keeps its first
`frames` frames and drops the one or two that only carry its silent tail past the frame grid
(the next piece's first frame starts afresh, its bit reservoir empty). The last piece keeps all
of its frames, so the file ends as a one-piece encode would.

The header is the first piece's Info frame with the whole file's figures written in, laid out as
ffmpeg's MP3 muxer writes it (the LAME tag revision 0 format): frame and byte counts, the seek
table, the encoder delay and padding, the music length, the music CRC and the tag's own CRC.
A file made of one piece is byte for byte what ffmpeg writes for the same samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from narrate.errors import AudioToolError

FRAME_SAMPLES = 1152
OUTPUT_RATE = 44_100
# MPEG-1 layer III bit rates (kbit/s) and sample rates, by their index in the frame header.
BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
SAMPLE_RATES = (44100, 48000, 32000)
# Where the Info tag starts in a mono MPEG-1 frame: the 4-byte header, then 17 bytes of side information.
INFO_OFFSET = 4 + 17
# Offsets in the Info frame, from INFO_OFFSET: "Info", flags, frame count, byte count, seek table.
FRAMES_AT, BYTES_AT, TOC_AT, TOC_SIZE = 8, 12, 16, 100
# The LAME extension: encoder delay and padding (12 bits each), the music length (bytes from the Info
# frame to the last audio frame), the music CRC (over the audio frames) and the CRC of the frame's first
# 190 bytes. The Xing part with all four flags is 120 bytes, the LAME part 36: 156 in all.
DELAY_PADDING_AT, MUSIC_LENGTH_AT, MUSIC_CRC_AT, TAG_CRC_AT = 141, 148, 152, 154
TAG_CRC_SPAN = 190
# ffmpeg's seek table keeps the byte position after every `want`-th frame in this many slots,
# halving the slots and doubling `want` when they fill, as LAME's VbrTag.c does.
SEEK_SLOTS = 400
# The music CRC is taken over this many bytes of frames at a time as they are written.
CRC_BYTES = 4 << 20


@dataclass(frozen=True)
class Piece:
    """An encoded piece: its file (Info frame, then audio frames) and how many frames it keeps."""

    mp3: Path
    frames: int


def frame_length(header: bytes) -> int:
    """Bytes in the MPEG-1 layer III frame starting with this 4-byte header."""
    if len(header) < 4 or header[0] != 0xFF or (header[1] & 0xFE) != 0xFA:
        raise ValueError("not an MPEG-1 layer III frame")
    bitrate = BITRATES[header[2] >> 4] * 1000
    rate = SAMPLE_RATES[(header[2] >> 2) & 3]
    return 144 * bitrate // rate + ((header[2] >> 1) & 1)


def split_frames(data: bytes) -> list[bytes]:
    frames, at = [], 0
    while at < len(data):
        size = frame_length(data[at:at + 4])
        frames.append(data[at:at + size])
        at += size
    return frames


def _crc16_table() -> list[int]:
    """CRC-16/ARC (polynomial 0x8005, reflected, start 0): what ffmpeg calls AV_CRC_16_ANSI_LE."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC16 = _crc16_table()


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC of `data`, fast enough for a whole episode.

    The CRC is linear and starts from 0, so leading zero bytes leave it unchanged: the data is cut
    into equal rows (zeros in front), numpy runs the table over all rows at once, and the rows'
    CRCs are folded together, each earlier one carried across a row of zeros by a precomputed map.
    """
    import numpy as np

    if len(data) < 4096:
        for byte in data:
            crc = (crc >> 8) ^ CRC16[(crc ^ byte) & 0xFF]
        return crc
    carried, crc = _across_zeros(crc, len(data)), 0  # a CRC to continue is linear too: carried separately
    width = int(len(data) ** 0.5) + 1
    rows = -(-len(data) // width)
    padded = np.zeros(rows * width, dtype=np.uint8)
    padded[rows * width - len(data):] = np.frombuffer(data, dtype=np.uint8)
    padded = padded.reshape(rows, width)
    table = np.array(CRC16, dtype=np.uint16)
    state = np.zeros(rows, dtype=np.uint16)
    for column in range(width):
        state = (state >> 8) ^ table[(state ^ padded[:, column]) & 0xFF]

    def across_zeros(value: int) -> int:
        for _ in range(width):
            value = (value >> 8) ^ CRC16[value & 0xFF]
        return value

    # Carrying a CRC across `width` zero bytes is linear: the images of the 16 bits, combined by XOR.
    low = [0] * 256
    high = [0] * 256
    for bit in range(8):
        low[1 << bit] = across_zeros(1 << bit)
        high[1 << bit] = across_zeros(1 << (bit + 8))
    for value in range(1, 256):
        lowest = value & -value
        low[value] = low[value ^ lowest] ^ low[lowest]
        high[value] = high[value ^ lowest] ^ high[lowest]
    for row_crc in state.tolist():
        crc = low[crc & 0xFF] ^ high[crc >> 8] ^ row_crc
    return crc ^ carried


def _across_zeros(crc: int, count: int) -> int:
    """`crc` carried across `count` zero bytes: the one-byte step is linear, so it is raised to the
    power `count` by squaring, as the images of the 16 bits."""

    def apply(images: list[int], value: int) -> int:
        result, bit = 0, 0
        while value:
            if value & 1:
                result ^= images[bit]
            value, bit = value >> 1, bit + 1
        return result

    step = [(1 << bit) >> 8 ^ CRC16[(1 << bit) & 0xFF] for bit in range(16)]
    while count and crc:
        if count & 1:
            crc = apply(step, crc)
        step = [apply(step, image) for image in step]
        count >>= 1
    return crc


def _seek_table(info_size: int, frame_sizes: list[int]) -> bytes:
    """The 100-entry Xing seek table, as ffmpeg's muxer samples it."""
    slots: list[int] = []
    want, seen, size = 1, 0, info_size
    for frame_size in frame_sizes:
        seen += 1
        size += frame_size
        if seen == want:
            slots.append(size)
            if len(slots) == SEEK_SLOTS:
                slots = slots[1::2]
                want *= 2
            seen = 0
    table = bytearray(TOC_SIZE)
    for i in range(1, TOC_SIZE):
        table[i] = min(255, 256 * slots[i * len(slots) // TOC_SIZE] // size) if slots else 0
    return bytes(table)


def join(pieces: list[Piece], target: Path) -> None:
    """Write the pieces' frames as one file, under an Info frame with the whole file's figures."""
    try:
        _join(pieces, target)
    except ValueError as exc:  # a damaged piece in the cache
        raise AudioToolError(f"joining the MP3 pieces: {exc} (`narrate cache clear` drops the cached pieces)") from None


def _join(pieces: list[Piece], target: Path) -> None:
    """The pieces' frames go to the file as they are read, and the header is written last over its
    placeholder: a two-hour episode is 60 MB, which the build's memory should not hold."""
    info = None
    sizes: list[int] = []
    delay = padding = crc = 0
    pending: list[bytes] = []  # frames not yet in the music CRC: it runs over a few MB at a time
    with target.open("wb") as handle:
        for number, piece in enumerate(pieces):
            frames = split_frames(piece.mp3.read_bytes())
            if info is None:
                info = bytearray(frames[0])
                handle.write(info)
            tag = frames[0][INFO_OFFSET:]
            if tag[:4] not in (b"Info", b"Xing"):
                raise ValueError(f"{piece.mp3}: no Info frame")
            delay_padding = int.from_bytes(tag[DELAY_PADDING_AT:DELAY_PADDING_AT + 3], "big")
            if number == 0:
                delay = delay_padding >> 12
            kept = frames[1:] if number == len(pieces) - 1 else frames[1:piece.frames + 1]
            if len(kept) < piece.frames:
                raise ValueError(f"{piece.mp3}: {len(kept)} frames, {piece.frames} expected")
            if number == len(pieces) - 1:
                padding = delay_padding & 0xFFF  # the last piece ends the file as its own encode ended
            sizes += [len(frame) for frame in kept]
            pending += kept
            if sum(map(len, pending)) >= CRC_BYTES or number == len(pieces) - 1:
                body = b"".join(pending)
                handle.write(body)
                crc = crc16(body, crc)
                pending = []
        music = len(info) + sum(sizes)

        def put(offset: int, value: int, length: int) -> None:
            info[INFO_OFFSET + offset:INFO_OFFSET + offset + length] = value.to_bytes(length, "big")

        put(FRAMES_AT, len(sizes), 4)
        put(BYTES_AT, music, 4)
        info[INFO_OFFSET + TOC_AT:INFO_OFFSET + TOC_AT + TOC_SIZE] = _seek_table(len(info), sizes)
        put(DELAY_PADDING_AT, (delay << 12) | padding, 3)
        put(MUSIC_LENGTH_AT, music, 4)
        put(MUSIC_CRC_AT, crc, 2)
        put(TAG_CRC_AT, 0, 2)  # ffmpeg's span of 190 bytes covers the field itself in a mono frame: zero then
        put(TAG_CRC_AT, crc16(bytes(info[:TAG_CRC_SPAN])), 2)
        handle.seek(0)
        handle.write(info)
