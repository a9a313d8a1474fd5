"""Merged and renamed concepts: kept as deprecated, never deleted; old ids are migrated.

A concept with ``replaced_by:`` stays in the vocabulary (its IRI keeps resolving, with
owl:deprecated, dcterms:isReplacedBy and skos:historyNote) but nothing may use it: a case file,
a concept link or a composite that names it gets a located "renamed to ..." problem, and
``pav-graph validate --fix`` writes the successor, changing no other byte of the file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ID = "https://w3id.org/pav-graph/id/"
# the merges and the rename recorded in docs/vocabulary-decisions.md whose old ids are known
RECORDED = {
    "tijdsdilemma": "korte-versus-lange-termijn",
    "prestatiedruk-wethouders": "korte-termijndenken",
    "rolvervaging": "rolonduidelijkheid",
    "periodiek-bespreken-pav": "relatie-bespreekbaar-maken",
    "meedenken-versus-rolovershrijding": "meedenken-versus-roloverschrijding",
}


def copy_corpus(root: Path, dest: Path) -> Path:
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(root / name, dest / name)
    return dest


def validate(root: Path, *args: str):
    from pav_graph.cli.main import cli

    return CliRunner().invoke(cli, ["--corpus", str(root), "validate", *args])


def test_the_recorded_merges_are_deprecated_concepts(corpus):
    assert {cid: c.replaced_by for cid, c in corpus.deprecated.items()} == RECORDED
    for old, new in RECORDED.items():
        assert old not in corpus.concepts and new in corpus.concepts
        assert corpus.successor(old) == new
        c = corpus.deprecated[old]
        assert c.history_note and new in c.history_note["nl"] and new in c.history_note["en"]
        assert not c.broader and not c.related
    decisions = (Path(__file__).parent.parent / "docs" / "vocabulary-decisions.md").read_text(encoding="utf-8")
    for old in RECORDED:
        assert f"`{old}`" in decisions


def test_a_deprecated_concept_stays_in_the_graph(store, corpus):
    for old, new in RECORDED.items():
        c = f"<{ID}concept/{old}>"
        rows = list(store.query(f"""
            PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX dcterms: <http://purl.org/dc/terms/>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX pg: <https://w3id.org/pav-graph/ontology#>
            SELECT ?next ?back ?note ?kind ?label WHERE {{
              {c} a skos:Concept ; owl:deprecated true ; dcterms:isReplacedBy ?next ;
                  skos:historyNote ?note ; skos:prefLabel ?label .
              OPTIONAL {{ ?back dcterms:replaces {c} }}
              OPTIONAL {{ {c} pg:kind ?kind }}
            }}"""))
        assert rows, old
        assert {r["next"].value for r in rows} == {f"{ID}concept/{new}"}
        assert {r["back"].value for r in rows} == {f"{ID}concept/{new}"}
        assert all(r["kind"] is None for r in rows)  # not a live concept: queries by kind skip it
        assert {r["label"].value for r in rows} == set(corpus.deprecated[old].label.values())


def test_a_case_using_an_old_id_is_told_and_fixed(tmp_path, project_root):
    root = copy_corpus(project_root, tmp_path / "corpus")
    case = root / "cases" / "amsterdam-2004.yaml"
    original = case.read_bytes()
    text = original.decode("utf-8")
    # one plain and one quoted old id (a contributor's file written before the merge)
    old_text = (text.replace("  - concept: korte-versus-lange-termijn\n", "  - concept: tijdsdilemma\n", 1)
                .replace("  - concept: korte-termijndenken\n", '  - concept: "prestatiedruk-wethouders"\n', 1))
    assert old_text.count("tijdsdilemma") == 1 and old_text.count("prestatiedruk-wethouders") == 1
    case.write_bytes(old_text.encode("utf-8"))
    lines = old_text.splitlines()
    line_a = lines.index("  - concept: tijdsdilemma") + 1
    line_b = lines.index('  - concept: "prestatiedruk-wethouders"') + 1

    result = validate(root)
    assert result.exit_code == 1
    out = result.output
    assert (f"cases/amsterdam-2004.yaml:{line_a}:14: concept 'tijdsdilemma' was renamed to "
            "'korte-versus-lange-termijn' (the old id is deprecated, see docs/vocabulary-decisions.md)"
            " — run `pav-graph validate --fix` to write 'korte-versus-lange-termijn'") in out
    assert f"cases/amsterdam-2004.yaml:{line_b}:14: concept 'prestatiedruk-wethouders' was renamed to " \
           "'korte-termijndenken'" in out
    assert "Traceback" not in out

    # --fix-locators leaves renames alone
    assert validate(root, "--fix-locators").exit_code == 1
    assert case.read_text(encoding="utf-8") == old_text

    fixed = validate(root, "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "cases/amsterdam-2004.yaml: fixed 2 value(s)" in fixed.output
    expected = original.decode("utf-8").replace("  - concept: korte-termijndenken\n",
                                                '  - concept: "korte-termijndenken"\n', 1)
    assert case.read_text(encoding="utf-8") == expected  # every other byte as it was
    assert sorted(p.name for p in case.parent.iterdir() if p.name.startswith(".")) == []  # no temp files


def test_links_to_an_old_id_in_a_concept_file_are_fixed_in_place(tmp_path, project_root):
    """Two old ids in one flow list: both rewritten, right to left, nothing else moved."""
    root = copy_corpus(project_root, tmp_path / "corpus")
    path = root / "ontology" / "concepts" / "essay-2025.yaml"
    text = path.read_text(encoding="utf-8")
    line = "    related: [systemisch-werk, rol-expliciteren, veilige-micro-ruimtes, relatie-bespreekbaar-maken]\n"
    assert text.count(line) == 1
    old = "    related: [systemisch-werk, rolvervaging, rol-expliciteren, periodiek-bespreken-pav]\n"
    path.write_text(text.replace(line, old), encoding="utf-8")
    result = validate(root)
    assert result.exit_code == 1
    n = text.splitlines().index(line.rstrip("\n")) + 1
    col_a, col_b = old.index("rolvervaging") + 1, old.index("periodiek-bespreken-pav") + 1
    assert (f"ontology/concepts/essay-2025.yaml:{n}:{col_a}: reflectie: related concept 'rolvervaging' was "
            "renamed to 'rolonduidelijkheid'") in result.output
    assert f"ontology/concepts/essay-2025.yaml:{n}:{col_b}: reflectie: related concept " \
           "'periodiek-bespreken-pav' was renamed to 'relatie-bespreekbaar-maken'" in result.output
    assert validate(root, "--fix").exit_code == 0
    new = "    related: [systemisch-werk, rolonduidelijkheid, rol-expliciteren, relatie-bespreekbaar-maken]\n"
    assert path.read_text(encoding="utf-8") == text.replace(line, new)


@pytest.mark.parametrize("edit, message", [
    # a deprecated concept keeps no links
    (("  - id: tijdsdilemma\n", "  - id: tijdsdilemma\n    related: [korte-termijndenken]\n"),
     "tijdsdilemma: a deprecated concept keeps no related links — remove `related:`"),
    # the successor must exist
    (("    replaced_by: korte-versus-lange-termijn\n", "    replaced_by: korte-versus-lange-termijm\n"),
     ("tijdsdilemma: unknown replaced_by concept 'korte-versus-lange-termijm' — did you mean "
     "'korte-versus-lange-termijn'?")),
    # a successor that is itself deprecated: point to the live one
    (("    replaced_by: korte-versus-lange-termijn\n", "    replaced_by: rolvervaging\n"),
     "tijdsdilemma: replaced_by concept 'rolvervaging' was renamed to 'rolonduidelijkheid'"),
])
def test_a_wrong_deprecation_is_reported(tmp_path, project_root, edit, message):
    root = copy_corpus(project_root, tmp_path / "corpus")
    path = root / "ontology" / "concepts" / "nyenrode-2023.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(edit[0]) == 1
    path.write_text(text.replace(*edit), encoding="utf-8")
    result = validate(root, "--no-quotes")
    assert result.exit_code == 1
    assert "ontology/concepts/nyenrode-2023.yaml:" in result.output and message in result.output, result.output


def test_contributor_commands_refuse_old_ids(project):
    from pav_graph.contrib.errors import ContribError
    from pav_graph.contrib.vocabulary import Vocabulary

    vocab = Vocabulary.load(project)
    with pytest.raises(ContribError, match="'rolvervaging' was renamed to 'rolonduidelijkheid'"):
        vocab.concept("rolvervaging")
    assert "rolvervaging" not in vocab.concepts and "rolvervaging" in vocab.deprecated
