"""index.html: the show's episodes with a player, chapters that seek, and the transcript.

Static HTML rendered here, with a few lines of script to wire the chapter and transcript buttons
to the player; it needs no server code, so it works from any static host.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from narrate.podcast.feed import MEDIA_DIR, Item, clock

_CUE_TIME = re.compile(r"(\d+):(\d{2}):(\d{2})\.(\d{3}) --> (\d+):(\d{2}):(\d{2})\.(\d{3})")

STYLE = """
:root{color-scheme:light dark;--fg:#1d232b;--bg:#fbfaf7;--muted:#5b6570;--accent:#a4530f;--card:#fff}
@media (prefers-color-scheme:dark){:root{--fg:#eceae4;--bg:#15191e;--muted:#a3abb4;--accent:#f0a55a;--card:#1e242b}}
*{box-sizing:border-box}body{margin:0;font:17px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;gap:1.2rem;align-items:center;padding:1.5rem max(1rem,calc(50% - 24rem))}
header img{width:6.5rem;height:6.5rem;border-radius:.6rem;flex:none}
h1{font-size:1.6rem;margin:0 0 .3rem}header p{margin:0;color:var(--muted)}
main{padding:0 max(1rem,calc(50% - 24rem)) 3rem}
article{background:var(--card);border-radius:.8rem;padding:1.1rem 1.2rem;margin:0 0 1.2rem;box-shadow:0 1px 3px #0002}
h2{font-size:1.25rem;margin:0 0 .2rem}.meta{color:var(--muted);font-size:.9rem;margin:0 0 .7rem}
audio{width:100%;margin:.3rem 0 .6rem}
ol.chapters{list-style:none;padding:0;margin:0 0 .6rem}
ol.chapters button,.cue button{font:inherit;color:inherit;background:none;border:0;padding:.35rem .2rem;
  text-align:left;width:100%;cursor:pointer;border-radius:.3rem;display:flex;gap:.7rem}
ol.chapters button:hover,ol.chapters button:focus-visible,.cue button:hover,.cue button:focus-visible{background:#8882;outline:2px solid var(--accent)}
ol.chapters button[aria-current=true]{color:var(--accent);font-weight:600}
time{font-variant-numeric:tabular-nums;color:var(--muted);flex:none}
details{margin-top:.4rem}summary{cursor:pointer;color:var(--accent)}
.cue{margin:0}.cue button{padding:.2rem}
a{color:var(--accent)}
"""

SCRIPT = """
document.querySelectorAll('article').forEach(function (episode) {
  var audio = episode.querySelector('audio');
  var chapters = Array.prototype.slice.call(episode.querySelectorAll('ol.chapters button'));
  episode.querySelectorAll('button[data-start]').forEach(function (button) {
    button.addEventListener('click', function () {
      audio.currentTime = parseFloat(button.dataset.start);
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
    });
  });
  audio.addEventListener('timeupdate', function () {
    var current = null;
    chapters.forEach(function (button) { if (parseFloat(button.dataset.start) <= audio.currentTime + 0.05) current = button; });
    chapters.forEach(function (button) { button.setAttribute('aria-current', button === current ? 'true' : 'false'); });
  });
});
"""


def read_cues(vtt: Path) -> list[tuple[float, str]]:
    """(start seconds, text) for each cue of a WebVTT file narrate wrote."""
    if not vtt.is_file():
        return []
    cues, lines = [], vtt.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        match = _CUE_TIME.match(line)
        if match and number + 1 < len(lines):
            h, m, s, ms = (int(x) for x in match.groups()[:4])
            text = lines[number + 1].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            cues.append((h * 3600 + m * 60 + s + ms / 1000, text))
    return cues


def render_index(items: list[Item], title: str, description: str, cover: str, feed_dir: Path) -> str:
    episodes = []
    for item in sorted(items, key=lambda i: (i.published, i.number), reverse=True):
        audio_id = f"ep{item.number}"
        chapters = "".join(
            f'<li><button type="button" data-start="{c.start:.3f}" aria-current="false">'
            f'<time>{clock(c.start)}</time><span>{escape(c.title)}</span></button></li>' for c in item.chapters)
        cues = read_cues(feed_dir / MEDIA_DIR / item.vtt_file) if item.vtt_file else []
        transcript = "".join(
            f'<p class="cue"><button type="button" data-start="{start:.3f}"><time>{clock(start)}</time>'
            f'<span>{escape(text)}</span></button></p>' for start, text in cues)
        minutes = max(1, round(item.duration / 60))
        source = (f' · <a href="{escape(item.source_url)}">original article</a>' if item.source_url else "")
        episodes.append(f"""<article aria-labelledby="{audio_id}-title">
<h2 id="{audio_id}-title">{escape(item.title)}</h2>
<p class="meta">Episode {item.number} · {item.published:%d %B %Y} · {minutes} min{source}</p>
<audio id="{audio_id}" controls preload="metadata" src="{MEDIA_DIR}/{escape(item.audio)}" aria-label="Play {escape(item.title)}">
{f'<track kind="captions" srclang="en" label="Transcript" src="{MEDIA_DIR}/{escape(item.vtt_file)}">' if item.vtt_file else ''}
</audio>
{f'<nav aria-label="Chapters of {escape(item.title)}"><ol class="chapters">{chapters}</ol></nav>' if chapters else ''}
{f'<details><summary>Transcript</summary>{transcript}</details>' if transcript else ''}
</article>""")
    body = "\n".join(episodes) or "<p>No episodes yet.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{escape(title)}" href="feed.xml">
<style>{STYLE}</style>
</head>
<body>
<header><img src="{escape(cover)}" alt=""><div><h1>{escape(title)}</h1><p>{escape(description)}</p>
<p><a href="feed.xml">Subscribe (RSS)</a></p></div></header>
<main>
{body}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
