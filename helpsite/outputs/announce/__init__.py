"""Announcing events where people already are: link previews (Open Graph pictures), an
announcement kit per event (a square post, a story with a QR code, a ready text for VK and
Telegram) and Atom feeds of upcoming events. Knows nothing of MkDocs.

- `words.py`  dates and the ready text in Russian, plain (no markup that messengers show raw)
- `cardtext.py` what a picture says (`Card`)
- `cards.py`  the pictures (Pillow, PT Sans): layout that shrinks, wraps and cuts at a word
- `site.py`   what the site publishes and where; rendering through the content-hash cache
- `feeds.py`  the Atom feeds, whose entries remember when they last changed
"""

from helpsite.outputs.announce.feeds import EVENTS_FEED, event_feeds, series_feed_path
from helpsite.outputs.announce.site import Announcer, AnnounceSet, Kit, announce_set

__all__ = ["EVENTS_FEED", "AnnounceSet", "Announcer", "Kit", "announce_set", "event_feeds", "series_feed_path"]
