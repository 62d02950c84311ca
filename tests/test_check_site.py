"""scripts/check_site.py finds what a built site must not have."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("check_site", Path(__file__).parents[1] / "scripts" / "check_site.py")
check_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_site)


def explorable(name, payload_bytes):
    return (f'<div class="explorable" id="explorable-0123456789" data-name="{name}"><canvas></canvas>'
            f'<script type="application/json" class="explorable-data">{"x" * payload_bytes}</script></div>')


def site(tmp_path, chapter_html):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01-a.html").write_text(chapter_html)
    (tmp_path / "_static" / "fonts").mkdir(parents=True)
    for name in check_site.STATIC:
        (tmp_path / "_static" / name).write_text("")
    return tmp_path


def test_a_clean_site_has_no_problems(tmp_path):
    assert check_site.problems(site(tmp_path, explorable("m × b", 1000))) == []


def test_an_explorable_over_budget_is_named(tmp_path):
    [problem] = check_site.problems(site(tmp_path, explorable("grid cost", 1_200_000)))
    assert "explorable 'grid cost'" in problem and "1.20 MB" in problem


def test_remote_loads_and_missing_scrubbers_are_found(tmp_path):
    found = check_site.problems(site(tmp_path, '<script src="https://cdn.example.org/x.js"></script>'))
    assert any("loads https://cdn.example.org/x.js" in p for p in found)
    assert any("has no scrubber" in p for p in found)


def test_missing_static_files_are_found(tmp_path):
    root = site(tmp_path, explorable("m", 10))
    (root / "_static" / "explorable.js").unlink()
    assert check_site.problems(root) == ["_static/explorable.js is missing"]


def test_addresses_from_the_server_root_are_found(tmp_path):
    root = site(tmp_path, explorable("m", 10) + '<a href="/chapters/02-b.html">next</a><a href="//cdn.example.org/">x</a>'
                '<img src="_static/ok.png" alt="fine">')
    (root / "_static" / "book.css").write_text('.a { background: url("/_static/x.png"); } .b { background: url(ok.png); }')
    assert check_site.problems(root) == ["chapters/01-a.html links /chapters/02-b.html from the server's root",
                                         "_static/book.css loads /_static/x.png from the server's root"]


def test_every_page_over_five_mib_is_named_not_only_the_chapters(tmp_path):
    root = site(tmp_path, explorable("m", 10))
    (root / "book").mkdir()
    (root / "book" / "intro.html").write_text("x" * (5 * 2 ** 20 + 1))
    assert check_site.problems(root) == ["book/intro.html is 5.0 MiB (limit 5 MiB)"]
