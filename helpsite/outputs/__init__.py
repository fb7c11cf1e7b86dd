"""Everything else the campaign publishes: calendars, feeds, search index, announcements, open data, print."""
