"""The front door: a README that fits on a page, docs that build, references that match the code."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DIST = re.search(r'^name = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M).group(1)


def test_the_readme_fits_on_a_page_and_its_links_lead_somewhere():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) < 12 * 1024
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local and all((ROOT / target).exists() for target in local), local
    assert "./scripts/demo" in readme and "./scripts/test" in readme


def test_the_references_are_generated_from_the_code_as_it_is():
    """docs/configuration.md and docs/cli.md are what scripts/reference.py makes of the config model and the
    Typer app now; after a change to either, run the script."""
    check = subprocess.run([sys.executable, "scripts/reference.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    config = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for key in ("`engine`", "`piper.noise_w`", "`podcast.storage_options`", "`sync.read_from`", "`roles.quote`"):
        assert key in config
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "## narrate sync" in cli and "## narrate feed check" in cli and "--dry-run" in cli


def test_the_check_sees_a_stale_reference(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import reference
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    (tmp_path / "configuration.md").write_text(reference.configuration_md().replace("`speed`", "`pace`"))
    (tmp_path / "cli.md").write_text(reference.cli_md())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reference, "DOCS", tmp_path)
        assert reference.main(["--check"]) == 1
        reference.main([])
        assert reference.main(["--check"]) == 0


def test_the_docs_build_as_a_site_with_warnings_as_errors(tmp_path):
    """--strict turns MkDocs's warnings (a link to a missing page or anchor, a page left out of the nav) into a
    failed build. Not -q: it hides the warnings from the count as well as from the screen."""
    mkdocs = Path(sys.executable).parent / "mkdocs"
    if not mkdocs.exists():
        pytest.skip("mkdocs is not installed (it is in the test extras)")
    build = subprocess.run([str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "site" / "sync" / "index.html").is_file()
    assert "WARNING" not in build.stderr


def test_every_install_line_names_the_distribution():
    """`narrate` on PyPI is another project: an extra is always asked for as narrate-podcast[...], and a
    link to the project (the User-Agent's) goes to narrate-podcast."""
    assert DIST == "narrate-podcast"
    wrong = []
    for path in [ROOT / "README.md", *ROOT.joinpath("docs").rglob("*.md"), *ROOT.joinpath("narrate").rglob("*.py"),
                 *ROOT.joinpath("narrate", "data").glob("*"), *ROOT.joinpath("scripts").glob("*")]:
        if path.suffix == ".npz":  # the block scorer's weights: numbers, no words
            continue
        text = path.read_text(encoding="utf-8")
        wrong += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"(?<![\w-])narrate\[\w+\]", text)]
        wrong += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"pip install '?narrate(?![\w-])", text)]
        wrong += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"pypi\.org/project/narrate(?![\w-])", text)]
    assert wrong == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pip install '{DIST}[s3]'" in readme
