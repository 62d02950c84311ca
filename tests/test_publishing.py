"""The files that publish the book and run it elsewhere agree with the project's own.

The GitHub Pages workflow builds with the README's command and uploads what it builds; Binder
installs the same pinned versions as requirements.txt, on the Python the workflow uses.
"""

import importlib.util
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def pins(path):
    """{package: version} of the `name==version` lines of a requirements file."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def workflow():
    return yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())


def test_binder_pins_what_the_book_pins():
    binder, book = pins(ROOT / "binder/requirements.txt"), pins(ROOT / "requirements.txt")
    assert {"numpy", "matplotlib", "ipywidgets", "scikit-learn", "jupyterlab-myst"} <= set(binder)
    assert {name: book.get(name) for name in binder} == binder


def test_binder_installs_nblib_from_the_repository():
    script = (ROOT / "binder/postBuild").read_text()
    assert "pip install --no-deps ." in script
    assert (ROOT / "binder/postBuild").stat().st_mode & 0o111


def test_the_pages_workflow_builds_with_make_book_and_uploads_the_html():
    steps = workflow()["jobs"]["build"]["steps"]
    assert any(step.get("run") == "make book" for step in steps)
    [upload] = [step for step in steps if str(step.get("uses", "")).startswith("actions/upload-pages-artifact")]
    assert upload["with"]["path"] == "_build/html"
    assert workflow()["jobs"]["deploy"]["needs"] == "build"


def test_binder_and_the_workflow_use_the_same_python():
    [setup] = [step for step in workflow()["jobs"]["build"]["steps"]
               if str(step.get("uses", "")).startswith("actions/setup-python")]
    runtime = (ROOT / "binder/runtime.txt").read_text().strip()
    assert runtime == f"python-{setup['with']['python-version']}"


def theme_options():
    """html_theme_options as Sphinx receives them from _config.yml (Jupyter Book's merge)."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(user_yaml=ROOT / "_config.yml", sourcedir=ROOT,
                                 cli_config={"latex_individualpages": False},
                                 use_external_toc=False)
    return config["html_theme_options"]


def test_buttons_and_launch_links_follow_repository_url():
    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    options = theme_options()
    assert options["repository_url"] == repository["url"]
    assert options["repository_branch"] == repository["branch"]
    assert options["use_repository_button"] and options["use_edit_page_button"]
    assert options["use_issues_button"]
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert options["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert options["search_bar_text"] == "Search this book..."


def test_the_macro_override_is_the_themes_file_less_the_icon_script():
    """book/templates/static/webpack-macros.html must track the pinned theme's own file."""
    import pydata_sphinx_theme

    theme = (pathlib.Path(pydata_sphinx_theme.__file__).parent
             / "theme/pydata_sphinx_theme/static/webpack-macros.html").read_text()
    ours = (ROOT / "book/templates/static/webpack-macros.html").read_text()
    body = lambda text: [line for line in text.split("-->", 1)[1].splitlines()
                         if "fontawesome.js" not in line and "custom icons" not in line]
    assert "fontawesome.js" in theme and "fontawesome.js" not in ours.split("-->", 1)[1]
    assert body(ours) == body(theme)


def test_pytorch_is_there_for_the_comparisons():
    """`make test` installs requirements-test.txt, so the torch comparisons never skip."""
    assert pins(ROOT / "requirements-test.txt").get("torch"), "requirements-test.txt pins torch"
    assert importlib.util.find_spec("torch"), "PyTorch is missing: run `make test`, which installs it"


def test_readme_and_contributing_link_nothing_outside_the_repository():
    for name in ("README.md", "CONTRIBUTING.md", "docs/internals.md"):
        text = re.sub(r"`[^`]*`", "", (ROOT / name).read_text())  # code spans show examples
        assert "../shared" not in text, name
        for target in re.findall(r"\]\(([^)#]+)", text):
            if not re.match(r"https?://", target):
                assert (ROOT / name).parent.joinpath(target).resolve().is_relative_to(ROOT), (name, target)
                assert (ROOT / name).parent.joinpath(target).exists(), (name, target)


def test_licence_and_citation_agree_with_the_book():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert citation["repository-code"] == config["repository"]["url"]
    assert citation["version"] == version and citation["title"].startswith(config["title"])
    assert set(citation["license"]) == {"CC-BY-4.0", "MIT"}
    licence = (ROOT / "LICENSE").read_text()
    assert "CC BY 4.0" in licence and "MIT" in licence


def test_the_workflow_and_ci_build_the_pdf_before_the_web_book_that_offers_it():
    runs = [step.get("run", "") for step in workflow()["jobs"]["build"]["steps"]]
    pdf = next(k for k, run in enumerate(runs) if "make pdf" in run)
    assert pdf < runs.index("make book") and "build_pdf.py --packages" in runs[pdf]
    ci = [line for line in (ROOT / ".ci/run").read_text().splitlines() if line.startswith("make ")]
    assert ci == ["make test", "make pdf", "make book"]
