# The two commands: `make book` builds the web book, `make test` runs every test.
# Both create the virtual environment in .venv and install what they need first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# What only the tests need (PyTorch, the reference the optimizers and layers are compared with).
TEST_INSTALLED := $(VENV)/.installed-test
MATHJAX_VERSION := 3.2.2
MATHJAX := .vendor/mathjax/tex-chtml.js
FONTS := .vendor/fonts/nblib-sans.woff
# Browser tests drive the distribution's Chromium (Playwright's own browser download is not used).
# Elsewhere (macOS): make test CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: book test lab serve clean help

help:
	@echo "make book    build the web book into _build/html (warnings as errors; reuses a current build)"
	@echo "make test    run every test: nblib, the chapters, the built book in headless Chromium"
	@echo "make pdf     build the PDF edition, _build/book.pdf"
	@echo "make lab     open the chapters in JupyterLab"
	@echo "make serve   serve the built book at http://127.0.0.1:8000"
	@echo "make clean   remove _build and .vendor"
	@echo "One test file: .venv/bin/python -m pytest tests/test_optim.py -q"

# Builds (warnings as errors) and checks the site; a build of the very same sources is reused.
book: $(INSTALLED) $(MATHJAX) $(FONTS)
	$(BIN)/python scripts/build_book.py
	@echo
	@echo "The book is built. Open _build/html/index.html, or run 'make serve' and visit http://127.0.0.1:8000"

# The book is built first, with a process per core: the browser tests need it, and built during
# the tests it would leave a test worker waiting for it.
test: $(INSTALLED) $(TEST_INSTALLED) $(CHROMIUM) book
	$(BIN)/python -m pytest tests chapters --nbval-lax -n 2 --dist loadfile -q

lab: $(INSTALLED)
	$(BIN)/jupyter lab chapters

serve:
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(TEST_INSTALLED): $(INSTALLED) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

# The PDF edition, _build/book.pdf: the whole book through Jupyter Book's LaTeX builder (XeLaTeX).
# TeX comes from the distribution's packages: installed when missing (as root), or named.
.PHONY: pdf
pdf: $(INSTALLED)
	$(BIN)/python scripts/build_pdf.py

# Chromium from the distribution's packages, installed when missing (as root, or say what to install).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Browser tests need Chromium: run 'sudo apt-get install chromium' (Debian) and try again." >&2; exit 1; fi

# Explorables draw moving text in the browser with matplotlib's own font, cut down and served by the book.
$(FONTS): $(INSTALLED)
	$(BIN)/python -m nblib.explorable.font .vendor/fonts

# MathJax is served from the book itself, taken from the npm registry at build time.
$(MATHJAX):
	rm -rf .vendor/mathjax .vendor/tmp && mkdir -p .vendor/tmp
	cd .vendor/tmp && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null && tar xzf mathjax-$(MATHJAX_VERSION).tgz
	mkdir -p .vendor/mathjax/output
	cp -r .vendor/tmp/package/es5/tex-chtml.js .vendor/tmp/package/es5/input .vendor/tmp/package/es5/a11y \
	      .vendor/tmp/package/es5/ui .vendor/tmp/package/es5/sre .vendor/tmp/package/es5/adaptors .vendor/mathjax/
	cp -r .vendor/tmp/package/es5/output/chtml .vendor/tmp/package/es5/output/chtml.js .vendor/mathjax/output/
	rm -rf .vendor/tmp

clean:
	rm -rf _build .vendor
