"""Shared pieces of the site tests that run in Chromium: the browser, a page that records every
console error, page error, failed request and request that leaves file://, and file URLs.

Test modules take the fixtures they use by name (``chromium, page, site = sitekit.chromium,
sitekit.page, sitekit.site``): pytest finds a fixture by the module attribute's name.
``site`` is module-scoped, not shared by the session: a module may change its copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class Watch:
    """Console errors, page errors, failed requests and any request that is not file://."""

    def __init__(self, page, allowed: tuple[str, ...] = ("file://", "data:", "blob:")) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: m.type in ("error", "warning") and self.problems.append(
            f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        page.on("request", lambda r: not r.url.startswith(allowed) and
                self.problems.append(f"non-file request: {r.url}"))


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.watch = Watch(p)
    yield p
    context.close()


def url(path: Path, query: str = "") -> str:
    return path.resolve().as_uri() + query


def write_site(tmp_path_factory, store, project, name: str = "site", **options) -> Path:
    """The real corpus's site written into a new temporary directory (``options`` go to
    :func:`pav_graph.site.build_site`, e.g. ``base_url``)."""
    from pav_graph.site import build_site

    out = tmp_path_factory.mktemp(name) / "site"
    build_site(store, project, out, **options)
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory, store, project) -> Path:
    return write_site(tmp_path_factory, store, project)
