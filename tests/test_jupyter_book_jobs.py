"""scripts/jupyter_book_jobs.py runs Jupyter Book's own build command with Sphinx's ``jobs`` set."""

import pathlib
import sys

import jupyter_book.sphinx
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import jupyter_book_jobs  # noqa: E402


@pytest.fixture
def tiny_book(tmp_path, monkeypatch):
    """A one-page book, and the keyword arguments of every call to Sphinx (which builds nothing)."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (tmp_path / "intro.md").write_text("# Intro\n")
    calls = []
    monkeypatch.setattr(jupyter_book.sphinx, "build_sphinx", lambda *args, **kwargs: calls.append(kwargs) or 0)
    return tmp_path, calls


def test_the_build_command_reaches_sphinx_with_one_job_per_core(tiny_book, monkeypatch):
    tmp_path, calls = tiny_book
    monkeypatch.setattr(jupyter_book_jobs.os, "cpu_count", lambda: 2)
    with pytest.raises(SystemExit) as done:
        jupyter_book_jobs.main(["build", str(tmp_path), "--builder", "html", "-W", "-n", "--keep-going"])
    assert done.value.code == 0
    [kwargs] = calls
    assert kwargs["jobs"] == 2 and kwargs["warningiserror"] and kwargs["keep_going"]
    assert kwargs["confoverrides"]["nitpicky"] is True


def test_jobs_may_be_given(tiny_book):
    tmp_path, calls = tiny_book
    with pytest.raises(SystemExit):
        jupyter_book_jobs.main(["--jobs", "1", "build", str(tmp_path)])
    assert calls[0]["jobs"] == 1


@pytest.mark.parametrize("cores, jobs", [(None, 1), (1, 1), (2, 2), (64, jupyter_book_jobs.MOST)])
def test_one_job_per_core_within_bounds(monkeypatch, cores, jobs):
    monkeypatch.setattr(jupyter_book_jobs.os, "cpu_count", lambda: cores)
    assert jupyter_book_jobs.jobs() == jobs


def test_every_extension_of_the_book_is_safe_for_parallel_reading():
    """Sphinx reads one page at a time (with a warning, which fails the build) when one is not."""
    import yaml

    sys.path.insert(0, str(ROOT / "book" / "ext"))
    import nblib_parallel

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "nblib_parallel" in config["sphinx"]["config"]["extensions"]
    for name in nblib_parallel.SAFE:
        module = __import__(name)
        assert "parallel_read_safe" not in str(module.setup.__code__.co_consts), \
            f"{name} now declares its parallel safety: drop it from nblib_parallel.SAFE"
