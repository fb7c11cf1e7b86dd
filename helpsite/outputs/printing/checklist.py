"""An A4 checklist for an algorithm: its steps as boxes to tick, who acts, by when, whom to call,
and a QR code back to the algorithm's page (the full decision path lives there)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageTemplate, Paragraph, Spacer, Table, TableStyle

from helpsite.data import model as m
from helpsite.data.load import CampaignData
from helpsite.pages.site import Site
from helpsite.outputs.printing import fonts, qr
from helpsite.outputs.printing.flowables import Checkbox, QRFlowable
from helpsite.outputs.printing.layout import (
    DANGER, MUTED, PRIMARY, PRIMARY_DARK, TINT, contact_phones, display_url, page_url, style,
)
from helpsite.outputs.printing.content import helpline_terms
from helpsite.outputs.printing.surface import OFFICE_SAFE
from helpsite.outputs.printing.text import para

MARGIN = 16 * mm
QR_SIDE = 32 * mm


def checklist_url(data: CampaignData, algorithm: m.Algorithm, base_url: str | None = None,
                  directory_urls: bool = True) -> str:
    return page_url(base_url or data.campaign.site_url, Site.algorithm(algorithm.id), directory_urls)


def _address(record: object) -> str:
    place = getattr(record, "location", None) or getattr(record, "address", None)
    if place is None or not getattr(place, "address_1", None):
        return ""
    return ", ".join(x for x in (place.address_1, getattr(place, "city", None)) if x)


def _contact(data: CampaignData, ref: str) -> str | None:
    """«Name: phone» or «Name: address» — a way to get help that works on paper; None for an example
    record or one with neither (then the helpline stands in)."""
    kind, record = data.resolve(ref)
    if getattr(record, "example", False):
        return None
    name = getattr(record, "name", "")
    how = contact_phones(record) or _address(record)
    if not how and kind == "service":
        org = data.organizations.get(record.organization_id)
        if org is not None and not org.example:
            how = contact_phones(org) or _address(org)
    return f"{name}: {how}" if how else None


def contacts_of(data: CampaignData, refs: list[str]) -> list[str]:
    """The printable «куда обратиться» lines of a step; the main helpline when none is real."""
    lines = [c for c in (_contact(data, ref) for ref in refs) if c]
    if refs and not lines:
        helpline = data.main_helpline
        lines.append(f"{helpline.name}: {' или '.join(p.display for p in helpline.phones)} — подскажут, куда обратиться")
    return lines


def render_checklist(data: CampaignData, algorithm: m.Algorithm, base_url: str | None = None,
                     directory_urls: bool = True) -> bytes:
    """The checklist of `algorithm` as an A4 PDF: one page where slightly smaller text allows, else more."""
    pdf = b""
    for scale in (1.0, 0.93, 0.86, 0.8):
        pdf, pages = _render(data, algorithm, base_url, directory_urls, scale)
        if pages == 1:
            return pdf
    # more than a page: the closing lines travel with the last steps, so no sheet holds only a few lines
    pdf, _ = _render(data, algorithm, base_url, directory_urls, 1.0, keep_last=3)
    return pdf


def _render(data: CampaignData, algorithm: m.Algorithm, base_url: str | None, directory_urls: bool,
            scale: float, keep_last: int = 0) -> tuple[bytes, int]:
    fonts.register()
    url = checklist_url(data, algorithm, base_url, directory_urls)
    code = qr.make(url, "M")
    helpline = data.main_helpline
    buffer = io.BytesIO()
    width, height = A4
    footer_h = 17 * mm

    def frame_page(canvas, doc) -> None:
        # the header band and the footer stay ≥ 5 mm from the sheet's edge (office printers)
        canvas.saveState()
        canvas.setFillColor(PRIMARY)
        canvas.rect(OFFICE_SAFE, height - OFFICE_SAFE - 9 * mm, width - 2 * OFFICE_SAFE, 9 * mm, stroke=0, fill=1)
        canvas.setFillColor("white")
        canvas.setFont(fonts.BOLD, 10)
        canvas.drawString(MARGIN, height - OFFICE_SAFE - 6 * mm, data.campaign.name)
        label = "Памятка: что делать, если…"
        canvas.setFont(fonts.REGULAR, 10)
        canvas.drawRightString(width - MARGIN, height - OFFICE_SAFE - 6 * mm, label)
        canvas.setFillColor(MUTED)
        canvas.setFont(fonts.REGULAR, 8.5)
        phones = " или ".join(p.display for p in helpline.phones)
        canvas.drawString(MARGIN, 12 * mm, f"{helpline.name}: {phones} — {helpline_terms(helpline)}")
        canvas.drawString(MARGIN, 8 * mm, f"Опасность прямо сейчас — звоните 112 · {display_url(url).split('/', 1)[0]}")
        canvas.drawRightString(width - MARGIN, 8 * mm, f"стр. {doc.page}")
        canvas.restoreState()

    doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=19 * mm,
                          bottomMargin=footer_h, title=f"Памятка: {algorithm.title}", author=data.campaign.name,
                          creator="helpsite", subject=m.ALGORITHM_AUDIENCE_LABELS[algorithm.audience.value],
                          invariant=1, pageCompression=1, initialFontName=fonts.REGULAR, initialFontSize=10)
    frame = Frame(MARGIN, footer_h, width - 2 * MARGIN, height - 19 * mm - footer_h, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=frame_page)])
    text_w = width - 2 * MARGIN

    head = [Paragraph(para(algorithm.title), style("title", 20, font=fonts.BOLD, color=PRIMARY_DARK, leading=1.15,
                                                   after=4)),
            Paragraph("Для кого: " + para(m.ALGORITHM_AUDIENCE_LABELS[algorithm.audience.value]),
                      style("aud", 10, color=MUTED, after=4)),
            Paragraph(para(algorithm.summary), style("summary", 10 * scale, leading=1.3, after=4))]
    if not algorithm.approved:
        head.append(Paragraph("Проект: алгоритм ещё не утверждён экспертной группой.",
                              style("draft", 9, font=fonts.BOLD, color=DANGER)))
    if algorithm.example:
        head.append(Paragraph("Пример: сведения вымышлены.", style("example", 9, font=fonts.BOLD, color=DANGER)))
    if data.campaign.is_draft:
        head.append(Paragraph("ДЕМОНСТРАЦИОННЫЙ ОБРАЗЕЦ: адрес сайта — пример, не распространяйте",
                              style("draft", 9, font=fonts.BOLD, color=DANGER)))
    qr_cell = [QRFlowable(code, QR_SIDE, "на памятке"),
               Paragraph("Полный алгоритм<br/>с вопросами — по QR-коду", style("qrcap", 8, color=MUTED, align=1))]
    top = Table([[head, qr_cell]], colWidths=[text_w - QR_SIDE - 6 * mm, QR_SIDE + 6 * mm])
    top.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    story: list = [top, Spacer(1, 5 * mm),
                   Paragraph("Отмечайте сделанное:", style("lead", 12, font=fonts.BOLD, color=PRIMARY_DARK, after=4))]

    box_w = 9 * mm
    for number, step in enumerate(algorithm.steps, 1):
        meta = "; ".join(x for x in (f"кто: {step.who}" if step.who else "", f"когда: {step.within}" if step.within else "") if x)
        cell = [Paragraph(f"{number}. {para(step.title)}", style(f"st{number}", 12 * scale, font=fonts.BOLD, after=1))]
        if meta:
            cell.append(Paragraph(para(meta), style(f"sm{number}", 9 * scale, color=PRIMARY, after=1)))
        cell.append(Paragraph(para(step.action), style(f"sa{number}", 10 * scale, leading=1.3, after=1)))
        for i, line in enumerate(contacts_of(data, step.contacts)):
            cell.append(Paragraph("Куда обратиться: " + para(line), style(f"sc{number}-{i}", 9 * scale, color=MUTED)))
        row = Table([[Checkbox(), cell]], colWidths=[box_w, text_w - box_w])
        row.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 4),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                                 ("LINEBELOW", (0, 0), (-1, -1), 0.4, TINT)]))
        story.append(KeepTogether(row))
    closing = [Spacer(1, 4 * mm),
               Paragraph("Если ребёнку угрожает опасность прямо сейчас — звоните <b>112</b>.",
                         style("danger", 11, color=DANGER, font=fonts.BOLD))]
    if algorithm.sources:
        closing.append(Paragraph("Источники: " + para("; ".join(f"{s.title} ({display_url(s.url).split('/', 1)[0]})"
                                                              for s in algorithm.sources)),
                                 style("src", 8, color=MUTED, before=6)))
    if keep_last:
        tail = story[-keep_last:]
        del story[-keep_last:]
        story.append(KeepTogether([*tail, *closing]))
    else:
        story += closing
    doc.build(story)
    return buffer.getvalue(), doc.page
