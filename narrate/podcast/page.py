"""index.html: the show's episodes with a player, chapters that seek, and a transcript that follows.

Static HTML rendered here, with a few lines of script to wire the chapter and transcript buttons
to the player; it needs no server code, so it works from any static host.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from narrate.config import Funding
from narrate.podcast.feed import MEDIA_DIR, Item

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
ol.chapters button[aria-current=true],.cue button[aria-current=true]{color:var(--accent);background:#8881;
  box-shadow:inset 3px 0 0 var(--accent);text-shadow:.025em 0 0 currentColor}
time{font-variant-numeric:tabular-nums;color:var(--muted);flex:none}
details{margin-top:.4rem}summary{cursor:pointer;color:var(--accent)}
.transcript{position:relative;max-height:18rem;overflow-y:auto;margin-top:.4rem}
.cue{margin:0}.cue button{padding:.2rem .2rem .2rem .5rem}
.funding{margin-top:.3rem}
a{color:var(--accent)}
"""

SCRIPT = """
document.querySelectorAll('article').forEach(function (episode) {
  var audio = episode.querySelector('audio');
  var chapters = Array.prototype.slice.call(episode.querySelectorAll('ol.chapters button'));
  var cues = Array.prototype.slice.call(episode.querySelectorAll('.cue button'));
  var details = episode.querySelector('details');
  var box = episode.querySelector('.transcript');
  // Where the listener asked to go: a seek in an MP3 lands on a frame, and may land a little short of it.
  var sought = null;
  episode.querySelectorAll('button[data-start]').forEach(function (button) {
    button.addEventListener('click', function () {
      sought = parseFloat(button.dataset.start);
      audio.currentTime = sought;
      show(sought);  // marked at once, not when the seek lands: it may take a while over a slow connection
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
    });
  });
  function position() {
    if (sought !== null && (audio.seeking || (audio.currentTime < sought && audio.currentTime > sought - 2))) {
      return sought;
    }
    sought = null;
    return audio.currentTime;
  }
  function currentOf(buttons, at) {
    var current = null;
    buttons.forEach(function (button) { if (parseFloat(button.dataset.start) <= at + 0.05) current = button; });
    return current;
  }
  function mark(buttons, current) {
    buttons.forEach(function (button) { button.setAttribute('aria-current', button === current ? 'true' : 'false'); });
  }
  function reveal(cue) {
    // Scroll the transcript box only, never the page: the listener may be reading elsewhere.
    if (cue && box && details && details.open) { box.scrollTop = cue.offsetTop - box.clientHeight / 3; }
  }
  var spoken = null;
  function show(at) {
    mark(chapters, currentOf(chapters, at));
    var cue = currentOf(cues, at);
    if (cue !== spoken) { mark(cues, cue); spoken = cue; reveal(cue); }
  }
  function follow() { show(position()); }
  audio.addEventListener('timeupdate', follow);
  audio.addEventListener('seeked', follow);
  if (details) { details.addEventListener('toggle', function () { reveal(spoken); }); }
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


def stamp(seconds: float, episode_seconds: float) -> str:
    """The shortest time that fits the episode: 2:04 in a 12-minute episode, 1:02:04 past an hour."""
    whole = int(seconds)
    hours, minutes, secs = whole // 3600, whole % 3600 // 60, whole % 60
    if episode_seconds >= 3600:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _time(seconds: float, episode_seconds: float) -> str:
    iso = f"PT{int(seconds) // 3600}H{int(seconds) % 3600 // 60}M{int(seconds) % 60}S"
    return f'<time datetime="{iso}">{stamp(seconds, episode_seconds)}</time>'


def render_index(items: list[Item], title: str, description: str, cover: str, feed_dir: Path,
                 funding: Funding | None = None, favicon: str | None = None) -> str:
    episodes = []
    for item in sorted(items, key=lambda i: (i.published, i.number), reverse=True):
        audio_id = f"ep{item.number}"
        chapters = "".join(
            f'<li><button type="button" data-start="{c.start:.3f}" aria-current="false">'
            f'{_time(c.start, item.duration)}<span>{escape(c.title)}</span></button></li>' for c in item.chapters)
        cues = read_cues(feed_dir / MEDIA_DIR / item.vtt_file) if item.vtt_file else []
        transcript = "".join(
            f'<p class="cue"><button type="button" data-start="{start:.3f}" aria-current="false">'
            f'{_time(start, item.duration)}<span>{escape(text)}</span></button></p>' for start, text in cues)
        minutes = max(1, round(item.duration / 60))
        source = (f' · <a href="{escape(item.source_url)}">original article</a>' if item.source_url else "")
        episodes.append(f"""<article aria-labelledby="{audio_id}-title">
<h2 id="{audio_id}-title">{escape(item.title)}</h2>
<p class="meta">Episode {item.number} · {item.published:%d %B %Y} · {minutes} min{source}</p>
<audio id="{audio_id}" controls preload="metadata" src="{MEDIA_DIR}/{escape(item.audio)}" aria-label="Play {escape(item.title)}">
{f'<track kind="captions" srclang="en" label="Transcript" src="{MEDIA_DIR}/{escape(item.vtt_file)}">' if item.vtt_file else ''}
</audio>
{f'<nav aria-label="Chapters of {escape(item.title)}"><ol class="chapters">{chapters}</ol></nav>' if chapters else ''}
{f'<details><summary>Transcript</summary><div class="transcript">{transcript}</div></details>' if transcript else ''}
</article>""")
    body = "\n".join(episodes) or "<p>No episodes yet.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{escape(title)}" href="feed.xml">
{f'<link rel="icon" type="image/png" href="{escape(favicon)}">' if favicon else ''}
<style>{STYLE}</style>
</head>
<body>
<header><img src="{escape(cover)}" alt=""><div><h1>{escape(title)}</h1><p>{escape(description)}</p>
<p><a href="feed.xml">Subscribe (RSS)</a></p>
{f'<p class="funding"><a href="{escape(funding.url)}" rel="payment">{escape(funding.text)}</a></p>' if funding else ''}
</div></header>
<main>
{body}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
