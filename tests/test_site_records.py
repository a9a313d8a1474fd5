"""The site's case records read one case at a time equal those read all at once, and the kept
records (pav_graph/site/records.py) are used only while they hold: same build parts, same code,
a readable file."""

from __future__ import annotations

import json

from pav_graph.site import records
from pav_graph.site.data import case_records


def test_each_case_read_alone_gives_the_record_that_reading_every_case_gives(store):
    """An update reads the changed cases one by one with their IRI in the queries, a full run
    reads all at once: the pages must not tell them apart (order of lists included)."""
    every = case_records(store)
    assert len(every) > 30
    some = sorted(every)[::3]
    alone = case_records(store, some)
    assert list(alone) == some
    for cid in some:  # equal, and in the same order (of lists and of dict keys)
        assert alone[cid] == every[cid], cid
        assert json.dumps(alone[cid], default=str) == json.dumps(every[cid], default=str), cid
    assert case_records(store, ["no-such-case"]) == {}


def test_kept_records_are_used_while_their_keys_and_the_code_hold(store, built, tmp_path):
    keys = records.case_keys(built.directory)
    every = case_records(store)
    assert set(keys) >= set(every) and len(set(keys.values())) == len(keys)

    first = records.Kept(tmp_path / records.CACHE, "code-1", keys)
    assert first.records == {} and first.missing is None  # nothing kept: read every case at once
    assert first.complete(every) == every and first.read == len(every)

    again = records.Kept(tmp_path / records.CACHE, "code-1", keys)
    assert again.missing == [] and again.records == every
    assert again.digests == {cid: records.field_digests(r) for cid, r in every.items()}

    one = min(every)  # its case file changed: only it is read again
    changed = {**keys, one: "another key"}
    kept = records.Kept(tmp_path / records.CACHE, "code-1", changed)
    assert kept.missing == [one]
    assert list(kept.complete(case_records(store, [one]))) == sorted(every) and kept.read == 1

    # other code, --full (use_kept=False), a damaged file: nothing kept, nothing raised
    assert records.Kept(tmp_path / records.CACHE, "code-2", keys).records == {}
    assert records.Kept(tmp_path / records.CACHE, "code-1", keys, use_kept=False).records == {}
    (tmp_path / records.CACHE).write_bytes(b"not a database" * 100)
    broken = records.Kept(tmp_path / records.CACHE, "code-1", keys)
    assert broken.records == {} and broken.missing is None
    assert broken.complete(every) == every  # and writing over the damaged file does not fail


def test_a_build_without_parts_keeps_no_records(tmp_path):
    assert records.open_kept(tmp_path, tmp_path, "code") is None
    assert records.open_kept(None, tmp_path, "code") is None


def test_similar_cases_are_those_of_the_plain_definition():
    """``_similar`` (a matrix product) ranks as the definition does: most concepts shared (roles
    left out), then the higher Jaccard overlap, then the id; only cases sharing a concept."""
    import random

    from pav_graph.site.data import _similar

    rng = random.Random(7)
    concepts = {f"c{k}": {"kind": "role" if k < 3 else "pattern"} for k in range(40)}
    for n in (1, 2, 7, 300):
        cases = {f"case-{i:04d}": {"linked": rng.sample(sorted(concepts), rng.randint(0, 12))}
                 for i in rng.sample(range(5000), n)}
        cases = dict(sorted(cases.items()))
        _similar(cases, concepts)
        sets = {cid: {c for c in case["linked"] if concepts[c]["kind"] != "role"} for cid, case in cases.items()}
        for cid, cs in sets.items():
            ranked = sorted((o for o in sets if o != cid and cs & sets[o]),
                            key=lambda o: (-len(cs & sets[o]), -len(cs & sets[o]) / len(cs | sets[o]), o))
            want = [{"id": o, "shared": sorted(cs & sets[o], key=lambda c: (concepts[c]["kind"], c))}
                    for o in ranked[:5]]
            assert cases[cid]["similar"] == want, (n, cid)
