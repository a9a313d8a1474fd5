"""PDFs with a known text, made by the tests themselves (reportlab; Chromium in test_ingest).

``report(path)`` is a two-page report: page 1 has two columns drawn line by line, with a word
hyphenated at a line end, a compound hyphenated at a line end ("Noord-" / "Hollands"), a soft
hyphen at a line end, the ligature characters ﬁ and ﬂ, a raised footnote marker and its
footnote at the foot of the page, and a page number; page 2 has the conclusion. LINES holds
the lines of each column exactly as drawn, so tests can say where each quote stands.
"""

from __future__ import annotations

import os
from pathlib import Path

COLUMN_1 = [
    "De gemeentesecretaris van Oefenstad vertrok in",
    "maart 2025 na een langdurig conﬂict met het",
    "college. Volgens respondenten was de sfeer in",
    "het gemeentehuis onveilig en werd er weinig",
    "gesproken over de verdeling van verantwoor-",
    "delijkheden tussen bestuur en organisatie.",  # + superscript 1
    "Dat leidde tot wantrouwen tussen wethouders",
    "en ambtenaren.",
]
COLUMN_2 = [
    "In de tweede kolom beschrijft het rapport de",
    "ﬁnanciële tekorten van de gemeente en de rol",
    "van externe adviseurs. De raad vergeleek de",
    "bestuursstijl met het Noord-",
    "Hollands model, waarin het college op af\u00ad",
    "stand bleef van de ambtelijke organisatie.",
]
TITLE = "Onderzoek naar de bestuurscultuur in Oefenstad"
FOOTNOTE = "Interview met de griffier, 12 maart 2025."
PAGE_2 = [
    "Conclusie",
    "Het college en de gemeentesecretaris hebben de samenwerking in goed overleg",
    "beëindigd. De onderzoekers bevelen een extern onderzoek naar de bestuurscul-",
    "tuur aan.",
]


def _font():
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(reportlab.__file__).parent / "fonts"
    for name, file in (("Vera", "Vera.ttf"), ("VeraBd", "VeraBd.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(fonts / file)))


def report(path: Path, *, title: str | None = "Onderzoek Oefenstad", author: str | None = None,
           encrypt: str | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt, invariant=1)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    width, height = A4
    c.setFont("VeraBd", 16)
    c.drawString(56, height - 70, TITLE)
    size, leading = 10.5, 14
    for x, lines in ((56, COLUMN_1), (316, COLUMN_2)):
        y = height - 110
        for i, line in enumerate(lines):
            t = c.beginText(x, y)
            t.setFont("Vera", size)
            t.textOut(line)
            if lines is COLUMN_1 and i == 5:  # the footnote marker, small and raised
                t.setFont("Vera", 7)
                t.setRise(4)
                t.textOut("1")
                t.setRise(0)
            c.drawText(t)
            y -= leading
    c.line(56, 90, 200, 90)
    t = c.beginText(56, 78)
    t.setFont("Vera", 6)
    t.setRise(3)
    t.textOut("1")
    t.setRise(0)
    t.setFont("Vera", 8)
    t.textOut(" " + FOOTNOTE)
    c.drawText(t)
    c.setFont("Vera", 8)
    c.drawCentredString(width / 2, 40, "1")
    c.showPage()
    y = height - 80
    for i, line in enumerate(PAGE_2):
        c.setFont("VeraBd" if i == 0 else "Vera", 12 if i == 0 else 10.5)
        c.drawString(56, y, line)
        y -= 16
    c.setFont("Vera", 8)
    c.drawCentredString(width / 2, 40, "2")
    c.showPage()
    c.save()
    return path


def flowing_columns(path: Path, paragraphs: list[str]) -> Path:
    """Paragraphs flowing through two columns per page (reportlab platypus frames), each
    paragraph ending in a footnote marker <super>n</super>."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    _font()
    width, height = A4
    gap, margin = 24, 56
    col = (width - 2 * margin - gap) / 2
    frames = [Frame(margin, margin, col, height - 2 * margin, id="left"),
              Frame(margin + col + gap, margin, col, height - 2 * margin, id="right")]
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1, title="Twee kolommen")
    doc.addPageTemplates([PageTemplate(id="two", frames=frames)])
    style = ParagraphStyle("body", fontName="Vera", fontSize=10, leading=13)
    story = [Paragraph(f"{p}<super>{i}</super>", style) for i, p in enumerate(paragraphs, 1)]
    doc.build(story)
    return path


def no_text_layer(path: Path, pages: int = 2) -> Path:
    """A 'scanned' PDF: every page only a drawn picture, no text objects."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(pages):
        for k in range(40):  # grey bars where the lines of a scanned page would be
            c.setFillGray(0.2 + (k % 3) * 0.1)
            c.rect(56, 780 - k * 18, 420 - (k % 5) * 30, 9, fill=1, stroke=0)
        c.showPage()
    c.save()
    return path


def damaged(path: Path, good: Path) -> Path:
    """The first third of a good PDF followed by garbage: the cross-reference table is gone."""
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 3] + os.urandom(64))
    return path


def with_scanned_page(path: Path) -> Path:
    """Page 1 has a line of text, page 2 only a picture (as a scanned annex)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Vera", 11)
    c.drawString(56, 780, "Alleen de eerste pagina heeft tekst.")
    c.showPage()
    c.rect(56, 400, 300, 200, fill=1, stroke=0)
    c.showPage()
    c.save()
    return path
