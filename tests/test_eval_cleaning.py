"""The cleaning benchmark runs on a corpus folder and scores what narrate reads against gold text."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import BODY

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_scores_narrate_and_the_baseline_per_page(tmp_path):
    page = tmp_path / "courier-bridge"
    page.mkdir()
    (page / "expected.txt").write_text("\n\n".join(BODY), encoding="utf-8")
    (page / "source.txt").write_text("\n\n".join(["Skip to content", "Bridge Vote Passes", "By Ann Lee", *BODY,
                                                  "Sign up for our weekly newsletter"]), encoding="utf-8")
    (page / "source.html").write_text(
        "<html><head><title>Bridge Vote Passes</title></head><body><nav><a href='/'>Home</a> <a href='/s'>Sport</a>"
        "</nav><article><h1>Bridge Vote Passes</h1>" + "".join(f"<p>{p}</p>" for p in BODY) + "</article></body></html>",
        encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "eval_cleaning.py"), str(tmp_path), "--kind", "all",
                          "--json"], capture_output=True, text=True, check=True, cwd=ROOT)
    rows = {row["page"]: row for row in json.loads(run.stdout)}
    assert set(rows) == {"courier-bridge/" + name for name in (
        "source.txt", "source.html", "select-all.copied", "html2text.markdown", "expected.gold")}
    assert all(row["narrate"]["recall"] == 1.0 for row in rows.values())
    ours, baseline = rows["courier-bridge/source.txt"]["narrate"], rows["courier-bridge/source.txt"]["trafilatura"]
    assert ours["recall"] == 1.0 and ours["repeated"] == 0 and ours["body precision"] == 1.0
    assert ours["precision"] < 1.0  # the title is read, and the gold omits it
    assert baseline["precision"] < ours["precision"]  # plain text read whole keeps the menu and the sign-up
    assert rows["courier-bridge/expected.gold"]["narrate"]["recall"] == 1.0
