"""docs/query-cookbook.md is generated from the query library and must stay current."""

from __future__ import annotations

from pav_graph import querylib
from pav_graph.cookbook import RESULT_START, render_cookbook, strip_results


def test_committed_cookbook_documents_the_current_library(project_root):
    """Queries, questions, parameters and SPARQL must match queries/*.rq exactly; the result tables
    follow the corpus, which other work changes, so they are compared in the next test only by
    shape. Fix a failure with `pav-graph cookbook`."""
    library = querylib.library(project_root / "queries")
    committed = (project_root / "docs" / "query-cookbook.md").read_text(encoding="utf-8")
    assert strip_results(committed) == strip_results(render_cookbook(library, None)), (
        "docs/query-cookbook.md is out of date: run `pav-graph cookbook`")


def test_cookbook_has_a_result_table_for_every_query(store, project_root):
    library = querylib.library(project_root / "queries")
    text = render_cookbook(library, store)
    assert text.count(RESULT_START) == len(library)
    for name, query in library.items():
        section = text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        assert query.question_nl in section and query.question_en in section
        assert "| --- |" not in section and "rows" in section.split(RESULT_START, 1)[1]
    # Dutch characters survive into the Markdown (essay-2025 13: "beëindigd" in search results)
    assert "ë" in text


def test_cookbook_command_writes_the_file(built, runner, cli, tmp_path):
    out = tmp_path / "cookbook.md"
    result = runner.invoke(cli, ["cookbook", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# pav-graph query cookbook")
    assert "## Running the queries elsewhere" in text and "SPARQLWrapper" in text
    assert "| bestuurlijke-detailbemoeienis |" in text  # essay-2025 63-64, Maastricht risk factor
