"""What one announcing picture says (`Card`), apart from its drawing (`cards.py`: Pillow, the QR
code maker): a build whose pictures all come from the cache makes and hashes cards and imports
neither (see `printing.siteset._RENDERERS`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """What one picture says; every field is finished text (see `site.py` for how it is made)."""

    kind: str  # og | post | story
    layout: str  # event | campaign
    band: str  # the top band: «Вместе защитим · семинар», or city and region (campaign card)
    kicker: str  # the campaign's slogan (campaign card)
    status: str  # the status banner of a cancelled / postponed / online event; "" when as planned
    title: str  # the event's title, or the campaign's name
    when: str = ""  # «Четверг, 4 февраля 2027, 18:00–20:00»
    note: str = ""  # the zone, a postponed event's old date, or the campaign's description
    where: str = ""  # place or «Онлайн»
    organizer: str = ""
    helpline: str = ""  # «Детский телефон доверия»
    phones: str = ""  # «8-800-2000-122 или 124»
    terms: str = ""  # «бесплатно, анонимно, круглосуточно»
    qr: str = ""  # the URL the QR code holds (post and story)
    link: str = ""  # that URL as people read it, under the code
    draft: bool = False  # a demonstration site: every picture says so
