"""Tools for editors: the web editor's config and server, spreadsheets, scaffolds, a new campaign."""
