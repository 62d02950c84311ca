"""Headless Chromium for the browser tests: the distribution's /usr/bin/chromium driven by Playwright.

Playwright's own browser download is never used (``make test`` installs Debian's Chromium when it
is missing). The flags keep Chromium off the network: it must load nothing but 127.0.0.1.
"""

import contextlib
import functools
import http.server
import os
import shutil
import threading

#: The browser: $CHROMIUM if set (as `make test CHROMIUM=...` sets it), else the one on PATH.
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--font-render-hinting=none"]


@contextlib.contextmanager
def chromium():
    """A headless Chromium browser (Playwright ``Browser``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def one_tab(directory, prefix="/a/b/"):
    """A 1280 x 900 tab on ``directory`` served under ``prefix``: yields ``(base, page)``, ``base``
    the URL of the served folder ending in "/". Skips the test when Chromium is not installed."""
    import pytest

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (make test installs it)")
    with serve(directory, prefix=prefix) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            yield url.rstrip("/") + "/", page
        finally:
            page.close()


@contextlib.contextmanager
def serve(directory, prefix=""):
    """Serve ``directory`` on 127.0.0.1 at a free port; yields the base URL.

    With ``prefix`` (say ``"/some/path"``) the files are served under that path only, as a
    project site is on a static host, and the base URL ends with it.
    """
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    handler = functools.partial(_QuietHandler, directory=str(directory), prefix=prefix)
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A browser that closes a tab mid-download is no error of the site's: say nothing."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files silently; under a prefix, a path outside it is a 404."""

    def __init__(self, *args, prefix="", **kwargs):
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def translate_path(self, path):
        if self.prefix:
            if path != self.prefix and not path.startswith(self.prefix + "/"):
                return "/nonexistent-outside-the-prefix"
            path = path[len(self.prefix):] or "/"
        return super().translate_path(path)

    def log_message(self, *args):
        pass
