"""`pav-graph site` on a site it wrote before rewrites only the pages a change touches
(pav_graph/site/incremental.py): after a case removal, addition and change, the updated site is
byte for byte the site a full run writes of the same build, and the files it did not need to
rewrite keep their mtime. A run stopped half-way leaves no manifest, and the next run writes the
whole site again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from pav_graph.build import build
from pav_graph.project import Project
from pav_graph.site import build_site
from pav_graph.site import incremental as inc

OLD = 1_000_000_000  # a file time no run of this test writes


def tree(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def age(directory: Path) -> None:
    """Give every file an old mtime, so a rewrite shows whatever the clock's resolution."""
    for p in directory.rglob("*"):
        if p.is_file():
            os.utime(p, (OLD, OLD))


class Sites:
    """One corpus copy with its own build; the site updated in ``site/``, and a full site of the
    same build, written from nothing in ``full-N/``, to compare with."""

    def __init__(self, root: Path, tmp_path: Path, monkeypatch) -> None:
        monkeypatch.setenv("PAV_GRAPH_BUILD", str(tmp_path / "build"))
        self.project, self.tmp, self.n = Project(root), tmp_path, 0
        self.out = tmp_path / "site"

    def site(self, out: Path | None = None, full: bool = False):
        result = build(self.project)
        store = ox.Store.read_only(str(result.directory / "store"))
        return build_site(store, self.project, out or self.out, build_id=result.directory.name,
                          full=full, build_dir=result.directory)

    def assert_same_as_full(self) -> dict[str, bytes]:
        self.n += 1
        reference = self.site(self.tmp / f"full-{self.n}", full=True)
        assert reference.full
        got, want = tree(self.out), tree(reference.outdir)
        assert sorted(got) == sorted(want), (sorted(set(got) - set(want))[:5],
                                             sorted(set(want) - set(got))[:5])
        assert [p for p in got if got[p] != want[p]] == []
        return got

    def step(self, change, read: int) -> tuple[set[str], set[str]]:
        """Apply ``change`` to the corpus, update the site; the files rewritten and kept.
        ``read``: the number of cases the update should read from the store (the records of
        the others are kept from the run before: pav_graph/site/records.py)."""
        before = tree(self.out)
        age(self.out)
        change(self.project.cases_dir)
        result = self.site()
        assert not result.full, "the site should have been updated, not written whole"
        assert result.cases_read == read, (result.cases_read, result.cases)
        after = self.assert_same_as_full()
        touched = {p for p in after if (self.out / p).stat().st_mtime != OLD}
        # every file whose bytes are the same was left alone (same mtime), and only those
        assert touched == {p for p in after if before.get(p) != after[p]}
        assert result.pages == len(touched - {inc.MANIFEST})
        return touched, set(after) - touched


@pytest.mark.slow
def test_updated_site_equals_a_full_site_after_remove_add_and_change(corpus_copy, tmp_path,
                                                                      monkeypatch, run):
    sites = Sites(corpus_copy, tmp_path, monkeypatch)
    first = sites.site()
    assert first.full and (sites.out / inc.MANIFEST).exists()
    cases = sorted(p.stem for p in sites.project.cases_dir.glob("*.yaml"))
    spare = tmp_path / "gelderland.yaml"

    touched, kept = sites.step(lambda d: shutil.move(d / "gelderland.yaml", spare), read=0)
    assert not (sites.out / "cases/gelderland.html").exists()
    assert {"index.html", "search-index.js", inc.MANIFEST} <= touched
    others = [f"cases/{c}.html" for c in cases if c != "gelderland"]
    assert sum(p in kept for p in others) > len(others) / 2, "most case pages are untouched"

    touched, kept = sites.step(lambda d: shutil.move(spare, d / "gelderland.yaml"), read=1)
    assert {"cases/gelderland.html", "cases/gelderland.ttl", "embed/cases/gelderland.html"} <= touched

    def change(d: Path) -> None:
        path = d / "houten.yaml"
        text = path.read_text(encoding="utf-8")
        marker = "summary:\n  nl: >-\n" if "summary:\n  nl: >-\n" in text else "summary:\n  nl: "
        insert = "    Gewijzigd voor de test.\n" if marker.endswith(">-\n") else "Gewijzigd voor de test. "
        path.write_text(text.replace(marker, marker + insert, 1), encoding="utf-8")

    touched, kept = sites.step(change, read=1)
    assert "Gewijzigd voor de test" in (sites.out / "cases/houten.html").read_text(encoding="utf-8")
    assert "cases/houten.html" in touched and "sources.html" in kept
    assert sum(p in kept for p in others) > len(others) / 2

    # nothing changed: nothing is rewritten but the manifest
    age(sites.out)
    again = sites.site()
    assert not again.full and again.pages == 0 and again.cases_read == 0
    assert [p for p in tree(sites.out) if (sites.out / p).stat().st_mtime != OLD] == [inc.MANIFEST]
    # a page deleted by hand is made again
    (sites.out / "cases/houten.csv").unlink()
    assert sites.site().pages == 1 and (sites.out / "cases/houten.csv").exists()

    # an update stopped after three pages: pages of two builds side by side, and no manifest
    # to trust, so the next run writes the whole site
    shutil.move(sites.project.cases_dir / "gelderland.yaml", spare)
    written = []
    real = inc.write_if_changed

    def stop_after_three(path, content):
        if len(written) == 3:
            raise KeyboardInterrupt
        written.append(path)
        return real(path, content)

    monkeypatch.setattr(inc, "write_if_changed", stop_after_three)
    with pytest.raises(KeyboardInterrupt):
        sites.site()
    monkeypatch.setattr(inc, "write_if_changed", real)
    assert len(written) == 3 and not (sites.out / inc.MANIFEST).exists()
    assert not list(sites.out.rglob("*.tmp")), "a half-written page was left"
    assert sites.site().full
    sites.assert_same_as_full()

    # a manifest of other code (or another base URL) is not trusted either; --full forces it
    manifest = (sites.out / inc.MANIFEST).read_text(encoding="utf-8")
    (sites.out / inc.MANIFEST).write_text(manifest.replace('"code":"', '"code":"x', 1))
    assert sites.site().full
    assert sites.site(full=True).full
    assert not sites.site().full
    done = run("site", "--full", sites.out)
    assert done.exit_code == 0 and "wrote" in done.output, done.output
    done = run("site", sites.out)
    assert done.exit_code == 0 and "0 file(s) rewritten" in done.output, done.output


def test_a_walk_from_the_case_node_finds_the_triples_of_the_pass_over_the_store(store, monkeypatch):
    """An update makes the Turtle download of a few cases by walking from each case node
    (downloads._walk) instead of one pass over the whole store: the same bytes, every case."""
    from pav_graph.site import downloads

    ids = [r["id"].value for r in store.query(
        "SELECT ?id WHERE { ?c a <https://w3id.org/pav-graph/ontology#Case> ; "
        "<http://purl.org/dc/terms/identifier> ?id }")]
    assert len(ids) > 30
    walked = downloads.case_subgraphs(store, ids[:3])  # few: walked
    monkeypatch.setattr(downloads, "FEW", 0)
    passed = downloads.case_subgraphs(store, ids)  # many: one pass
    assert walked == {c: passed[c] for c in ids[:3]}
    assert all(downloads._turtle(downloads._walk(store, c)) == passed[c] for c in ids)
    assert all(b"pg:Case" in passed[c] or b"Case" in passed[c] for c in ids)
