"""The pieces every record page shows, as Python functions that return HTML (Markup):
a phone, a list of phones, a contact (a helpline, a service or an organisation with its number),
the note on an example record, the «Проверено» line and an address.

Templates use them as they use the macros of `templates/_parts.j2` — `parts.phone_links(…)`,
`parts.contact(…)` — because `_parts.j2` hands them on (`{% set phone_links = pieces.phone_links %}`).
They are Python, not Jinja macros, for speed alone: each of 10,000 service pages calls them,
and a macro call (argument binding, a new frame of the template, escaping its result again) costs
several times a function call — a third of a service page's rendering.

Text from the data is escaped (`escape`), as autoescape does in the templates; everything else is
literal HTML. The phone of an example record (`example: true`) is invented and may belong to a
real person: it is never a `tel:` link and never shown, only the words «номер-пример».
"""

from __future__ import annotations

import functools
import html
from typing import Any, Callable, Iterable

import markupsafe
from markupsafe import Markup, escape

from helpsite.data import model as m
from helpsite.pages.russian import date_ru, map_url
from helpsite.pages.site import Site

_escape_inner = getattr(markupsafe, "_escape_inner", None)  # MarkupSafe's C escaping (3.0+), without the Markup around it
C_ESCAPING = _escape_inner is not None


def escape_text(value: Any) -> str:
    """The text of `markupsafe.escape(value)` (what autoescape writes for `{{ value }}`: & < > " ' as
    entities). A plain string (most of what a page shows: names, descriptions) is escaped without a
    `Markup` object made around it — a page joins its pieces into one string anyway; a `Markup` (what
    this module's functions return) is its own text; everything else goes through `escape` itself."""
    kind = type(value)
    if kind is str and _escape_inner is not None:
        return _escape_inner(value)
    return value if kind is Markup else str(escape(value))


# `Markup(text)` of a plain string, without MarkupSafe's `Markup.__new__` in Python (which asks the string for an
# `__html__` first): ≈ 0.2 µs less for each of the ≈ 10 pieces of a service page made here (the same object).
as_markup: Callable[[str], Markup] = functools.partial(str.__new__, Markup)


def tag_free_text(value: str) -> str:
    """`value` escaped for text and attribute contexts alike, with «<» and «>» turned into look-alikes that no
    tag can be made of (titles and descriptions in a page's head, which the theme writes without escaping).
    A value with none of & < > " ' (most titles) is its own escaped text."""
    if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
        return html.escape(value.replace("<", "‹").replace(">", "›"), quote=True)
    return value


Link = Callable[..., str]  # the page's `link(to, anchor="")`: a relative URL to another page

EXAMPLE_PHONE = Markup('<span class="hs-phone hs-phone--example" title="Номер вымышлен: это запись-пример">'
                       'номер-пример</span>')


def phone(number: m.Phone, example: bool = False) -> Markup:
    """A phone number as a `tel:` link; of an example record, only the words «номер-пример»."""
    if example:
        return EXAMPLE_PHONE
    return as_markup(f'<a class="hs-phone" href="tel:{escape_text(number.tel)}">{escape_text(number.display)}</a>')


def phone_links(phones: Iterable[m.Phone], big: bool = False, example: bool = False) -> Markup:
    """The numbers as a list, with their extension (not of an example record) and note."""
    out = ['<ul class="hs-phones hs-phones--big">\n' if big else '<ul class="hs-phones">\n']
    for item in phones:
        out += ("<li>", phone(item, example))
        if item.extension and not example:
            out += (", доб. ", escape_text(item.extension))
        if item.description:
            out += (' <span class="hs-phone__note">— ', escape_text(item.description), "</span>")
        out.append("</li>\n")
    out.append("</ul>")
    return as_markup("".join(out))


EXAMPLE_NOTE = Markup('<p class="hs-example" role="note"><strong>Пример.</strong> Контакты и детали этой записи '
                      'вымышлены — это образец для заполнения, а не настоящие сведения.</p>\n')
NO_NOTE = Markup()


def example_note(record: Any) -> Markup:
    """The warning on an example record (`example: true`): its contacts are invented."""
    return EXAMPLE_NOTE if record.example else NO_NOTE


def verified(record: Any) -> Markup:
    """When the record was last checked, and where from."""
    source = f". Источник: {escape_text(record.source)}" if record.source else ""
    return as_markup(f'<p class="hs-verified">Проверено: <time datetime="{escape_text(record.assured_date.isoformat())}">'
                   f'{escape_text(date_ru(record.assured_date))}</time>{source}</p>')


def address(addr: m.Address) -> Markup:
    """An address with a link to it on a map (never an embedded map)."""
    note = f" ({escape_text(addr.description)})" if addr.description else ""
    return as_markup(f'{escape_text(addr.address_1)}, {escape_text(addr.city)}{note} · '
                   f'<a href="{escape_text(map_url(addr))}" rel="noopener noreferrer">на карте</a>')


class Pieces:
    """The pieces for one build's templates (the global `pieces`): a contact is given by its
    reference («helpline:…», «service:…», «organization:…»), resolved in the build's data."""

    phone = staticmethod(phone)
    phone_links = staticmethod(phone_links)
    example_note = staticmethod(example_note)
    verified = staticmethod(verified)
    address = staticmethod(address)

    def __init__(self, resolve: Callable[[str], tuple[str, Any]]) -> None:
        self._resolve = resolve
        self._contacts: dict[tuple[str, str], Markup] = {}  # (reference, link) → contact, for this build's data

    def contact(self, ref: str, link: Link) -> Markup:
        """A helpline with all its numbers, or a service or an organisation with its first number;
        a helpline or a service is a link to its page. Made once for each link to it (every service
        page shows the campaign's main helpline: the same link from every page of the folder)."""
        kind, item = self._resolve(ref)
        href = link(Site.HELPLINES, item.id) if kind == "helpline" else link(Site.service(item.id)) if kind == "service" else ""
        made = self._contacts.get((ref, href))
        if made is not None:
            return made
        if kind == "helpline":
            numbers = ", ".join([phone(number, item.example) for number in item.phones])
            inner = f'<a href="{escape(href)}">{escape(item.name)}</a>: {numbers}'
        else:
            first = "".join([f": {phone(number, item.example)}" for number in item.phones[:1]])
            if kind == "service":
                inner = f'<a href="{escape(href)}">{escape(item.name)}</a>{first}'
            else:
                inner = f"{escape(item.name)}{first}"
        made = self._contacts[(ref, href)] = Markup(f'<span class="hs-contact">{inner}</span>')
        return made
