"""Sources as people have them: PDF, HTML and text into a stored text with pages, metadata
read from the document, quotes typed as a reader sees them, and bad input refused.

Every PDF and HTML page here is made by the test (tests/pdfmaker.py with reportlab; Chromium's
--print-to-pdf for one page) and registered in a copy of the corpus (``corpus_copy``).
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pdfmaker
import pytest
from contribkit import digest

from pav_graph.ingest import IngestError, ingest
from pav_graph.ingest.match import NormalisedIndex

pytestmark = pytest.mark.usefixtures("own_build_dir")


def new_case(run, tmp_path: Path, source: str) -> Path:
    out = tmp_path / "oefenstad-2025.yaml"
    r = run("case", "new", "--no-input", "--id", "oefenstad-2025", "--label-nl", "Oefenstad",
            "--label-en", "Oefenstad", "--organisation", "Gemeente Oefenstad", "--level",
            "gemeente", "--source", source, "--summary-nl", "Volgens het rapport ...",
            "--summary-en", "According to the report ...", "-o", out)
    assert r.exit_code == 0, r.output
    return out


# --------------------------------------------------------------------------- PDF


def test_a_pdf_report_is_stored_with_its_pages_columns_and_footnote(tmp_path):
    doc = ingest(pdfmaker.report(tmp_path / "rapport.pdf", author="Bureau Oefen; J. Jansen"))
    assert doc.format == "pdf" and len(doc.pages) == 2
    expected = [pdfmaker.TITLE]
    for column in (pdfmaker.COLUMN_1, pdfmaker.COLUMN_2):
        # PDFium gives ligatures as their letters and the drawn soft hyphen as a hyphen
        expected += [line.replace("ﬂ", "fl").replace("ﬁ", "fi").replace("\u00ad", "-")
                     for line in column]
    expected[6] += "¹"  # the raised footnote marker after "organisatie."
    assert doc.pages[0] == [*expected, "¹ " + pdfmaker.FOOTNOTE, "1"]  # column 1, then 2
    assert doc.pages[1] == [*pdfmaker.PAGE_2, "2"]
    assert doc.text.split("\n")[len(doc.pages[0])] == "\fConclusie"
    assert doc.metadata["title"] == "Onderzoek Oefenstad"
    assert doc.metadata["authors"] == ["Bureau Oefen", "J. Jansen"]


def test_quotes_typed_as_a_reader_sees_them_are_found_with_page_and_lines(run, tmp_path, corpus_copy):
    pdf = pdfmaker.report(tmp_path / "rapport.pdf")
    r = run("source", "add", "--id", "oefen-rapport", "--file", pdf, "--type", "report",
            "--publisher", "Bureau Oefen", "--no-input")
    assert r.exit_code == 0, r.output
    assert "(PDF, 2 pages, 22 lines)" in r.output
    meta = (corpus_copy / "sources" / "oefen-rapport.yaml").read_text(encoding="utf-8")
    assert "pages: 2" in meta and "quotes: normalised" in meta and "format: pdf" in meta
    assert 'title: "Onderzoek Oefenstad"   # from the PDF\'s document information' in meta
    assert "authors: []" in meta and "authors_note: \"Unknown:" in meta
    assert 'publisher: "Bureau Oefen"\n' in meta
    case = new_case(run, tmp_path, "oefen-rapport")
    cases = [  # (concept, quote as typed, page, lines, how it matched)
        ("rel-wantrouwen", ("de verdeling van verantwoordelijkheden tussen bestuur en organisatie. "
         "Dat leidde tot wantrouwen"), 1, "6-8",
         "normalised match (hyphenation at line ends, footnote markers)"),
        ("frame-lock", "langdurig conﬂict met het college", 1, "3-4", "normalised match (ligatures)"),
        ("herhaling", ("vergeleek de bestuursstijl met het Noord-Hollands model, waarin het college "
         "op afstand bleef"), 1, "12-15", "normalised match (hyphenation at line ends)"),
        ("extern-onderzoek", ("De onderzoekers bevelen een extern onderzoek naar de "
         "bestuurscultuur aan."), 2, "3-4", "normalised match (hyphenation at line ends)"),
        ("wantrouwen", ("Het college en de gemeentesecretaris hebben de samenwerking in goed "
         "overleg beëindigd."), 2, "2-3", None),
        # the end of column 1 runs on into column 2: content order is reading order
        ("wantrouwen", ("Dat leidde tot wantrouwen tussen wethouders en ambtenaren. In de "
         "tweede kolom beschrijft het rapport de financiële tekorten"), 1, "8-11", None),
    ]
    for concept, quote, page, lines, how in cases:
        kind = "add-intervention" if concept == "extern-onderzoek" else "add-finding"
        extra = ["--status", "recommended"] if concept == "extern-onderzoek" else []
        r = run("case", kind, case, "--concept", concept, *extra, "--source", "oefen-rapport",
                "--quote", quote)
        assert r.exit_code == 0, (quote, r.output)
        if how:
            assert f"note: {how} at page {page}, lines {lines}" in r.output, r.output
        else:
            assert "normalised" not in r.output
        assert f"        page: {page}\n        lines: {lines}\n        quote: \"{quote}\"" in \
            case.read_text(encoding="utf-8")
    assert run("case", "validate", case).exit_code == 0
    # a wrong locator within the page is refused with where it does stand
    r = run("case", "add-finding", case, "--concept", "frame-lock", "--source", "oefen-rapport",
            "--page", "2", "--lines", "1", "--quote", "langdurig conflict met het college")
    assert r.exit_code == 1 and "use --page 1 --lines 3-4" in r.output
    r = run("case", "add-finding", case, "--concept", "frame-lock", "--source", "oefen-rapport",
            "--quote", "langdurig conflict met de raad")
    assert r.exit_code == 1 and "then it differs" in r.output and "ligatures" in r.output


def test_page_locators_are_checked_on_the_page(run, tmp_path, corpus_copy):
    run("source", "add", "--id", "oefen-rapport", "--file", pdfmaker.report(tmp_path / "r.pdf"),
        "--type", "report", "--no-input")
    case = new_case(run, tmp_path, "oefen-rapport")
    text = case.read_text(encoding="utf-8").replace("findings:", "# findings:")
    quote = "Het college en de gemeentesecretaris hebben de samenwerking"
    good = (text + "findings:\n  - concept: frame-lock\n    evidence:\n"
            f"      - {{source: oefen-rapport, page: 2, lines: 2, quote: \"{quote}\"}}\n")
    case.write_text(good, encoding="utf-8")
    assert run("case", "validate", case).exit_code == 0
    for locator, message in (("page: 3, lines: 2", "page 3 does not exist in 'oefen-rapport' (pages 1-2)"),
                             ("page: 1, lines: 2", "set `page: 2` and `lines: 2`"),
                             ("lines: 2", "set `lines: 19`")):
        case.write_text(good.replace("page: 2, lines: 2", locator), encoding="utf-8")
        r = run("case", "validate", case)
        assert r.exit_code == 1 and message in r.output, (locator, r.output)


def test_paragraphs_flowing_through_two_columns_and_pages_keep_their_order(tmp_path):
    paragraphs = [f"Alinea {n}: " + " ".join(f"zin {n}.{k} over bestuur en ambtenaren" for k in range(40))
                  + "." for n in range(1, 7)]
    doc = ingest(pdfmaker.flowing_columns(tmp_path / "kolommen.pdf", paragraphs))
    assert len(doc.pages) >= 2
    index = NormalisedIndex.build(doc.text.split("\n"))
    for n, paragraph in enumerate(paragraphs, 1):
        found = index.search(paragraph)
        assert len(found.places) == 1, paragraph[:30]
        assert f"{paragraph}{str(n).translate(str.maketrans('0123456789', '⁰¹²³⁴⁵⁶⁷⁸⁹'))}" in \
            " ".join(doc.text.split())


@pytest.mark.browser
def test_a_page_printed_by_chromium_with_css_columns(run, tmp_path, corpus_copy):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    page = tmp_path / "rapport.html"
    page.write_text(textwrap.dedent("""\
        <!doctype html><html lang="nl"><head><meta charset="utf-8">
        <title>Rapport Oefenstad</title><meta name="author" content="Bureau Oefen">
        <style>body{font-family:serif;font-size:11pt;width:9cm} .cols{column-count:2;column-gap:8mm}
        p{margin:0 0 .5em} .fn{font-size:8pt;margin-top:2em}</style></head><body>
        <div class="cols"><p>De gemeentesecretaris vertrok na een conﬂict met het college over
        de bestuurs&shy;verantwoordelijkheid en de rol&shy;verdeling.<sup>1</sup> Dat leidde tot
        wantrouwen in het gemeentehuis en in de raad.</p>
        <p>In de tweede kolom staat dat de ﬁnanciële tekorten de verhoudingen verder onder druk
        zetten.</p></div>
        <div class="fn"><sup>1</sup> Interview met de griffier.</div></body></html>"""),
        encoding="utf-8")
    pdf = tmp_path / "rapport.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    r = run("source", "add", "--id", "oefen-chromium", "--file", pdf, "--type", "report",
            "--no-input")
    assert r.exit_code == 0, r.output
    assert "title: Rapport Oefenstad" in r.output
    stored = (corpus_copy / "sources" / "texts" / "oefen-chromium.txt").read_text(encoding="utf-8")
    assert "rolverdeling.¹" in " ".join(stored.split()).replace("rol‐ verdeling", "rolverdeling")
    case = new_case(run, tmp_path, "oefen-chromium")
    for quote in (("vertrok na een conﬂict met het college over de bestuursverantwoordelijkheid "
                  "en de rolverdeling. Dat leidde tot wantrouwen"),
                  "de financiële tekorten de verhoudingen verder onder druk zetten."):
        r = run("case", "add-finding", case, "--concept", "rel-wantrouwen", "--source",
                "oefen-chromium", "--quote", quote)
        assert r.exit_code == 0, (quote, r.output)
    assert run("case", "validate", case).exit_code == 0


# --------------------------------------------------------------------------- HTML

ARTICLE = """\
<!doctype html><html lang="nl"><head><meta charset="{charset}">
<title>Gemeentesecretaris Oefenstad vertrekt | Dagblad Oefen</title>
<meta name="author" content="Anna Verslaggever">
<meta property="og:site_name" content="Dagblad Oefen">
<link rel="canonical" href="https://dagblad.example/oefenstad">
<meta property="article:published_time" content="2025-03-14T10:00:00+01:00">
</head><body>
<nav><a href="/">Home</a> <a href="/regio">Regio</a> <a href="/sport">Sport</a></nav>
<article><h1>Gemeentesecretaris Oefenstad vertrekt na conflict</h1>
<p>De gemeentesecretaris van Oefenstad vertrekt. Volgens ingewijden was er al maanden sprake
van een ‘verschil van inzicht’ met het college over de koers van de ambtelijke
organisatie.<sup>1</sup> Het college heeft de samenwerking beëindigd.</p>
<p>Een woordvoerder wilde niet ingaan op de oorzaken van het vertrek, maar erkende dat de
verhoudingen in het gemeentehuis onder druk stonden. De raad wil opheldering.</p>
</article><footer>Cookies · Privacy · Adverteren</footer></body></html>
"""


def test_an_html_article_gives_its_main_text_and_metadata(run, tmp_path, corpus_copy):
    page = tmp_path / "artikel.html"
    page.write_bytes(ARTICLE.format(charset="windows-1252").encode("windows-1252"))
    r = run("source", "add", "--id", "oefen-krant", "--file", page, "--type", "news", "--no-input")
    assert r.exit_code == 0, r.output
    stored = (corpus_copy / "sources" / "texts" / "oefen-krant.txt").read_text(encoding="utf-8")
    assert "‘verschil van inzicht’" in stored and "organisatie.¹ Het college" in stored
    assert "Cookies" not in stored and "Regio" not in stored
    assert all(len(line) <= 100 for line in stored.split("\n"))
    meta = (corpus_copy / "sources" / "oefen-krant.yaml").read_text(encoding="utf-8")
    for line in ('authors: ["Anna Verslaggever"]', 'date: "2025-03-14"',
                 'url: "https://dagblad.example/oefenstad"', 'publisher: "Dagblad Oefen"',
                 "format: html"):
        assert line in meta, meta
    assert "pages:" not in meta
    case = new_case(run, tmp_path, "oefen-krant")
    r = run("case", "add-finding", case, "--concept", "rel-wantrouwen", "--source", "oefen-krant",
            "--quote", "over de koers van de ambtelijke organisatie. Het college heeft de "
            "samenwerking beëindigd.")
    assert r.exit_code == 0, r.output
    assert "normalised match (footnote markers)" in r.output
    assert run("case", "validate", case).exit_code == 0


def test_missing_metadata_is_asked_for_or_marked_unknown(run, tmp_path, corpus_copy):
    pdf = pdfmaker.report(tmp_path / "r.pdf", title="Microsoft Word - rapport_def_v3.docx")
    r = run("source", "add", "--id", "oefen-vraag", "--file", pdf, "--type", "report", "--ask",
            "--date", "2025-02", input="Rapport over Oefenstad\nBureau Oefen; J. Jansen\n\n\n")
    assert r.exit_code == 0, r.output
    assert "Title — the document does not say (empty: unknown)" in r.output
    meta = (corpus_copy / "sources" / "oefen-vraag.yaml").read_text(encoding="utf-8")
    assert 'title: "Rapport over Oefenstad"\n' in meta  # the Word file name was not taken
    assert 'authors: ["Bureau Oefen", "J. Jansen"]\n' in meta
    assert 'date: "2025-02"\n' in meta and 'year: "2025"' in meta
    assert "url_note:" in meta and "publisher_note:" in meta and "title_note" not in meta
    assert run("validate").exit_code == 0


def test_a_text_with_form_feeds_has_pages(run, tmp_path, corpus_copy):
    text = tmp_path / "pdftotext.txt"
    text.write_text("Eerste pagina, regel een.\nRegel twee.\n\fTweede pagina.\n\f", encoding="utf-8")
    r = run("source", "add", "--id", "oefen-tekst", "--file", text, "--type", "report", "--no-input")
    assert r.exit_code == 0, r.output
    stored = (corpus_copy / "sources" / "texts" / "oefen-tekst.txt").read_text(encoding="utf-8")
    assert stored == "Eerste pagina, regel een.\nRegel twee.\n\fTweede pagina.\n"
    assert "pages: 2" in (corpus_copy / "sources" / "oefen-tekst.yaml").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- bad input


def _encrypted(tmp: Path) -> Path:
    return pdfmaker.report(tmp / "geheim.pdf", encrypt="geheim")


def _damaged(tmp: Path) -> Path:
    return pdfmaker.damaged(tmp / "kapot.pdf", pdfmaker.report(tmp / "heel.pdf"))


def _scanned(tmp: Path) -> Path:
    return pdfmaker.no_text_layer(tmp / "scan.pdf")


def _no_main_text(tmp: Path) -> Path:
    page = tmp / "links.html"
    links = "".join(f'<li><a href="/p{i}">Pagina {i}</a></li>' for i in range(30))
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>Index</title>"
                    f"</head><body><nav><ul>{links}</ul></nav></body></html>", encoding="utf-8")
    return page


def _huge(tmp: Path) -> Path:
    path = tmp / "groot.pdf"
    with path.open("wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(100 * 2**20)  # sparse: 100 MB on paper, nothing on disk
    return path


def _latin1_html(tmp: Path) -> Path:
    page = tmp / "latin.html"
    page.write_bytes(ARTICLE.replace('<meta charset="{charset}">', "").replace("‘", "'")
                     .replace("’", "'").encode("latin-1"))
    return page


def _zip(tmp: Path) -> Path:
    path = tmp / "rapport.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    return path


@pytest.mark.parametrize("make, message", [
    (_encrypted, "the PDF is encrypted and needs a password — save an unprotected copy"),
    (_damaged, "not a readable PDF"),
    (_scanned, "no text layer on any of its 2 page(s) (a scanned PDF?) — pav-graph does no OCR"),
    (_no_main_text, "no main text found"),
    (_huge, "100 MB is over the limit of 50 MB"),
    (_latin1_html, "not UTF-8 text (byte 0xeb) — it looks like"),
    (_zip, "a ZIP container (Word, OpenDocument, EPUB?)"),
])
def test_bad_documents_get_one_line_and_leave_the_corpus_unchanged(run, tmp_path, corpus_copy,
                                                                   make, message):
    doc = make(tmp_path)
    before = digest(corpus_copy)
    r = run("source", "add", "--id", "oefen-fout", "--file", doc, "--type", "report", "--no-input")
    assert r.exit_code == 1, r.output
    errors = [line for line in r.output.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {doc}"), r.output
    assert message in errors[0]
    assert "Traceback" not in r.output
    assert digest(corpus_copy) == before


def test_another_encoding_can_be_named(run, tmp_path, corpus_copy):
    page = _latin1_html(tmp_path)
    r = run("source", "add", "--id", "oefen-latin", "--file", page, "--type", "news",
            "--encoding", "latin-1", "--no-input")
    assert r.exit_code == 0, r.output
    assert "beëindigd" in (corpus_copy / "sources" / "texts" / "oefen-latin.txt").read_text(encoding="utf-8")


def test_a_pdf_with_a_scanned_page_is_registered_with_a_warning(run, tmp_path, corpus_copy):
    pdf = pdfmaker.with_scanned_page(tmp_path / "bijlage.pdf")
    r = run("source", "add", "--id", "oefen-bijlage", "--file", pdf, "--type", "report",
            "--no-input")
    assert r.exit_code == 0, r.output
    assert "warning: " in r.output and "1 page(s) have no text layer (images only: 2)" in r.output
    stored = (corpus_copy / "sources" / "texts" / "oefen-bijlage.txt").read_text(encoding="utf-8")
    assert stored == "Alleen de eerste pagina heeft tekst.\n\f\n"


# --------------------------------------------------------------------------- the matcher


LINES = ["De gemeentesecretaris vertrok na een conﬂict met de raad over de verant-",
         "woordelijkheid van het Noord-", "Hollands college.¹ Een zachte af\u00ad",
         "breking en een gewone regel.", "\fTweede pagina met een ﬁnale zin.",
         "Midden in een regel staat Noord-Brabant."]


@pytest.mark.parametrize("quote, rules", [
    ("conflict met de raad", ("ligatures",)),
    ("over de verantwoordelijkheid van het Noord-Hollands college.", ("hyphenation at line ends",)),
    ("over de verant- woordelijkheid", ()),  # as it stands: exact
    ("het NoordHollands college", ("hyphenation at line ends",)),
    ("college. Een zachte afbreking", ("hyphenation at line ends", "footnote markers")),
    ("college.1 Een zachte", ("footnote markers",)),
    ("Tweede pagina met een finale zin.", ("ligatures",)),
    ("een ﬁnale zin. Midden", ()),
])
def test_the_normalisation_rules_each_say_what_they_forgive(quote, rules):
    from pav_graph.sourcetext import SourceText

    text = SourceText(Path("unused"))
    text.__dict__["raw"] = "\n".join(LINES) + "\n"
    found = text.match(quote, normalised=True)
    assert found, quote
    assert found.exact == (rules == ()) and found.rules == rules


@pytest.mark.parametrize("quote", [
    "conflict met het college",  # another word
    "Noordbrabant",  # a hyphen inside a line is not forgiven
    "Midden in een regel staat NoordBrabant.",
    "de gemeentesecretaris vertrok",  # case
    "Hollands college. Een zachte af breking",  # a space where the text has none
    "zin. Tweede pagina",  # not in this order
])
def test_the_normalised_match_forgives_nothing_else(quote):
    index = NormalisedIndex.build(LINES)
    assert not index.search(quote), quote


def test_the_five_original_sources_are_matched_exactly_as_before(corpus):
    """Their metadata has no `quotes: normalised`: a hyphen at a line end, a footnote marker
    or a ligature must still be quoted as it stands (sources/README.md)."""
    originals = ["nyenrode-2023", "erasmus-tilburg-2018", "betrekkingen-2004",
                 "participatie-2023", "essay-2025"]
    for sid in originals:
        assert corpus.sources[sid].quotes == "exact" and corpus.sources[sid].pages is None
    betrekkingen, essay = corpus.sources["betrekkingen-2004"], corpus.sources["essay-2025"]
    assert betrekkingen.text.match("Sorgdrager en super- procureur-generaal").places == [(44, 45)]
    for quote in ("Sorgdrager en super-procureur-generaal", "Sorgdrager en superprocureur-generaal"):
        assert not betrekkingen.text.match(quote, betrekkingen.quotes == "normalised"), quote
        assert betrekkingen.text.match(quote, True)  # what the rules would have forgiven
    assert not essay.text.match("Heeze-Leende en Maastricht. Steeds weer", False)
    assert essay.text.match("Heeze-Leende en Maastricht.⁵ ⁹ Steeds weer", False)


def test_ingest_refuses_an_unknown_encoding_name(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("tekst\n", encoding="utf-8")
    with pytest.raises(IngestError, match="not an encoding Python knows"):
        ingest(text, encoding="klingon-8")
