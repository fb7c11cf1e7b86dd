"""The model rendered into the site's pages: the page builder, its Jinja templates and helpers."""
