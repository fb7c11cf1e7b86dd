"""Issue 18: a cheap phone on a slow network. Nothing in <head> holds back the first paint, the quick exit's own
styles and script come first (its behaviour before the stylesheets: tests/test_exit.py), at most 60 KB (gzip) of
CSS and JS before the main content, and material.css is Material's stylesheet without only what the site cannot show."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import material_css  # noqa: E402

PAGES = ["", "services/sluzhba-sos/", "algorithms/child/", "helplines/", "events/", "children/"]


def test_material_css_is_the_installed_materials_stylesheet_trimmed():
    source, text = material_css.material_css()
    assert material_css.TARGET.read_text(encoding="utf-8") == text, (
        f"docs/assets/stylesheets/material.css is not {source.name} of the installed Material trimmed: "
        "run python scripts/material_css.py")


def test_no_setting_whose_styles_were_left_out_is_turned_on():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def names(items) -> set[str]:
        return {next(iter(item)) if isinstance(item, dict) else item for item in items or []}

    extensions = names(config.get("markdown_extensions"))
    turned_on = extensions | names(config.get("plugins")) | set(config.get("theme", {}).get("features") or [])
    turned_on |= {key for key in ("repo_url",) if config.get(key)}
    turned_on |= {key for key in ("social", "consent", "version") if (config.get("extra") or {}).get(key)}
    toc = next((item["toc"] for item in config.get("markdown_extensions") or [] if isinstance(item, dict) and "toc" in item), {})
    if (toc or {}).get("permalink"):
        turned_on.add("permalink")
    if "version" in turned_on:
        turned_on.add("mike")
    left_out = sorted({setting for setting in material_css.FEATURES.values() if setting in turned_on})
    assert not left_out, (f"mkdocs.yml turns on {left_out}, whose styles scripts/material_css.py leaves out: "
                          "take them out of FEATURES there and run it")


def test_material_css_keeps_what_the_site_shows():
    css = material_css.TARGET.read_text(encoding="utf-8")
    assert css.startswith('@charset "UTF-8";')
    for kept in (".md-header", ".md-nav", ".md-search__input", ".md-typeset .admonition", ".md-typeset .grid",
                 ".md-footer", ".md-top", ".md-clipboard", "--md-admonition-icon--danger", ".md-skip"):
        assert kept in css, kept
    for gone in (".tabbed-set", ".md-annotation", ".md-source__facts", ".md-version", ".md-tag"):
        assert gone not in css, gone
    assert len(css) < 0.7 * len(material_css.material_css()[0].read_text(encoding="utf-8"))


def test_nothing_in_head_holds_back_the_first_paint_and_the_exit_comes_first(built_site: Path):
    for path in PAGES:
        html = (built_site / path / "index.html").read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        assert not re.search(r"<link[^>]*rel=\"?stylesheet", head), f"/{path}: a stylesheet in <head>"
        assert not re.search(r"<script[^>]*\ssrc=", head), f"/{path}: a script file in <head>"
        # the exit's style and script before any other script of the page
        first_script = head.index("<script")
        assert head.index(".hs-exit{") < first_script and 'getElementById("hs-exit-bar")' in head[first_script:first_script + 800]
        body = html[html.index("<body"):]
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body)
        assert [Path(link).name for link in links] == ["material.css", "site.css"], links
        # the stylesheets come right after the exit bar and the helpline bar (both paint without them), before the rest
        assert body.index('id="hs-exit-bar"') < body.index("hs-helpline-bar") < body.index(links[0]) < body.index("md-header")
        for link in links:
            assert (built_site / path / link).resolve().is_file(), f"/{path}: {link} missing"


def test_at_most_60_kb_of_css_and_js_before_the_main_content(built_site: Path):
    import bench

    sizes = bench.first_paint_bytes(built_site, PAGES)
    for path, parts in sizes.items():
        assert set(parts) == {"inline", "material.css", "site.css"}, (path, parts)
        assert sum(parts.values()) <= 60_000, (path, parts)


# what each page script looks for (its own selectors in docs/assets/javascripts/): without it the script does nothing
PAGE_SCRIPTS = {"events.js": 'id="hs-event-filter"', "print-labels.js": 'id="hs-start-at-label"',
                "announce.js": "data-hs-copy"}
EVERY_PAGE = ["bundle", "site.js", "a11y.js", "search.js"]


def test_a_page_script_is_linked_where_its_element_is_and_the_rest_on_every_page(built_site: Path):
    """mkdocs.yml extra.page_scripts: the events filter, the print page's label generator and the announcement
    kit's «copy» are linked by the pages that have their element (record pages in a folder that has them: the whole
    folder), not by a service page: ≈ 165 bytes and three requests less on each of 10,000 of them."""
    found = dict.fromkeys(PAGE_SCRIPTS, 0)
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        scripts = [Path(src).name for src in re.findall(r'<script src="([^"]+)"', html)]
        where = page.relative_to(built_site).as_posix()
        assert [name for name in scripts if name.startswith("bundle.") or name in EVERY_PAGE][:4] == \
            [scripts[0], *EVERY_PAGE[1:]] and scripts[0].startswith("bundle."), (where, scripts)
        for name, marker in PAGE_SCRIPTS.items():
            if marker in html:
                found[name] += 1
                assert name in scripts, f"{where} has {marker} but does not link {name}"
            if where.startswith("services/"):
                assert name not in scripts, f"{where} links {name}, which has nothing to do there"
        for src in re.findall(r'<script src="([^"/][^"]*)"', html):  # relative (404.html: from the site's root)
            assert (page.parent / src).resolve().is_file(), (where, src)
    assert all(found.values()), found  # each script's element is somewhere in the site: the check above ran
