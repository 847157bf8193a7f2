"""The PDF of a benchmark case, for the media and for national case applications.

Rendered with reportlab and its built-in CID font STSong-Light (Adobe's Song typeface for simplified
Chinese, which PDF readers carry), so the server needs no font files and no network; the text stays text
(searchable, copyable), which a test checks by extracting it again.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from scenariohub.cases.models import BenchmarkCase

FONT = "STSong-Light"
BRAND = colors.HexColor("#b3261e")
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK", spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, textColor=BRAND, spaceAfter=6),
        "kicker": ParagraphStyle("kicker", parent=base, fontSize=9, textColor=colors.HexColor("#57606a")),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=20, textColor=BRAND, spaceBefore=10),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=14, spaceAfter=0),
    }


def _text(value: str) -> str:
    """Plain text for a reportlab Paragraph: its mini-markup escaped, line breaks kept."""
    return escape(value or "").replace("\n", "<br/>")


def _table(rows: list[list[str]], styles, widths) -> Table:
    cells = [[Paragraph(_text(c), styles["cell"]) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#d0d7de")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f6f8fa")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _photo(photo, max_width: float):
    try:
        with photo.file.open("rb") as handle:
            data = BytesIO(handle.read())
        image = Image(data)
    except (OSError, ValueError):  # a missing or unreadable file: the PDF goes out without it
        return None
    ratio = image.imageHeight / float(image.imageWidth or 1)
    image.drawWidth = min(max_width, image.imageWidth)
    image.drawHeight = image.drawWidth * ratio
    return image


def case_pdf(case: BenchmarkCase, *, url: str = "") -> bytes:
    """The case as an A4 PDF: header, facts, write-up, figures, pilot results, photos, links."""
    styles = _styles()
    scenario = case.cooperation.scenario
    buffer = BytesIO()
    width = A4[0] - 40 * mm

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(_font(), 8)
        canvas.setFillColor(colors.HexColor("#57606a"))
        canvas.drawString(
            20 * mm, 12 * mm, _("Sichuan Provincial AI Industry Chain Office") + " · " + _("Benchmark case")
        )
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=case.title,
        author=_("Sichuan Provincial AI Industry Chain Office"),
        subject=_("Benchmark case"),
    )
    story = [
        Paragraph(
            _text(_("Sichuan AI application scenario benchmark case") + f" · {case.year}"), styles["kicker"]
        ),
        Paragraph(_text(case.title), styles["title"]),
    ]
    facts = [
        [_("Item"), _("Details")],
        [_("Scenario"), scenario.title],
        [_("Region"), case.region.name_zh],
        [_("Sector / field"), f"{scenario.sector.name_zh} / {scenario.field.name_zh}"],
        [_("Scenario provider"), case.cooperation.owner.name],
        [_("Product provider"), case.cooperation.supplier.name],
        [_("Status"), case.get_status_display()],
    ]
    if case.decided_at and case.status == "designated":
        facts.append([_("Designated on"), timezone.localtime(case.decided_at).strftime("%Y-%m-%d")])
    story.append(_table(facts, styles, [35 * mm, width - 35 * mm]))
    for heading, body in (
        (_("Background"), case.background),
        (_("Solution"), case.solution),
        (pgettext("benchmark case", "Results"), case.results),
    ):
        story += [Paragraph(_text(heading), styles["h2"]), Paragraph(_text(body), styles["body"])]
    figures = list(case.figures.all())
    if figures:
        story.append(Paragraph(_text(_("Key figures")), styles["h2"]))
        story.append(
            _table(
                [[_("Indicator"), _("Value")]] + [[f.label, f.value] for f in figures],
                styles,
                [width * 0.6, width * 0.4],
            )
        )
    acceptance = getattr(case.cooperation, "acceptance", None)
    metrics = list(acceptance.metrics.all()) if acceptance else []
    if metrics:
        story.append(Paragraph(_text(_("Pilot results (measured at acceptance)")), styles["h2"]))
        rows = [[_("Metric"), _("Before"), _("After"), _("Unit")]]
        rows += [[m.name, f"{m.before.normalize():f}", f"{m.after.normalize():f}", m.unit] for m in metrics]
        story.append(_table(rows, styles, [width * 0.4, width * 0.2, width * 0.2, width * 0.2]))
    photos = [p for p in (_photo(p, width) for p in case.photos.all()) if p is not None]
    if photos:
        story.append(Paragraph(_text(_("Photos")), styles["h2"]))
        for image in photos:
            story += [image, Spacer(1, 4 * mm)]
    links = []
    if case.video_url:
        links.append(_("Video") + f": {case.video_url}")
    if url:
        links.append(_("Case page") + f": {url}")
    if links:
        story.append(Paragraph(_text(_("Links")), styles["h2"]))
        story += [Paragraph(_text(line), styles["body"]) for line in links]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
