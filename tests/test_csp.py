"""Hostile text in data and in editors' Markdown: escaped in every output, never executed, and a
Content-Security-Policy that allows only the scripts the project and its theme ship."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import ROOT, _QuietHandler, copy_project, mkdocs_build, require_chromium

SCRIPT = '"><script>alert(1)</script>'
REFRESH = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
TAG = "<hs-evil onmouseover=alert(2)>x</hs-evil>"
PAYLOAD = SCRIPT + REFRESH + TAG
SHORT = "<hs-evil>" + SCRIPT
MARKDOWN = "[нажми](javascript:alert(3)) ![x](https://evil.example/p.gif) <https://evil.example/> **жирный**"


def yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def set_field(path: Path, key: str, value: str, indent: str = "") -> None:
    """Replace the first `key:` at `indent` (a one-line or folded value) with `value`."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{indent}{key}:[^\n]*\n(?:(?:{indent}  +[^\n]*|[ \t]*)\n)*", re.M)
    assert pattern.search(text), (path, key)
    path.write_text(pattern.sub(lambda m: f"{indent}{key}: {yaml_text(value)}\n", text, count=1), encoding="utf-8")


def hostile_project(root: Path) -> Path:
    project = copy_project(root)
    data = project / "data"
    campaign = data / "campaign.yml"
    # fields printed on posters and cards get the short payload (a long one does not fit the print)
    for key in ("name", "slogan", "city", "region"):
        set_field(campaign, key, f"Поле {key} {SHORT}")
    for key in ("description", "copyright"):
        set_field(campaign, key, f"Поле {key} {PAYLOAD}")
    set_field(campaign, "description", PAYLOAD, indent="    ")  # the first emergency number's description
    set_field(data / "services" / "sluzhba-sos.yml", "name", f"Служба {PAYLOAD}")
    set_field(data / "services" / "sluzhba-sos.yml", "description", f"Описание {PAYLOAD}")
    event = data / "events" / "kruglyy-stol-vmeste-zashchitim.yml"
    set_field(event, "title", f"Круглый стол {SHORT}")
    # short: the helpline's name is printed on the smallest sticker, which refuses a name that does not fit
    set_field(data / "helplines.yml", "name", 'Линия"><hs-evil>', indent="  ")
    set_field(data / "helplines.yml", "description", f"Описание {PAYLOAD}", indent="  ")
    set_field(data / "organizations.yml", "name", f"Организация {PAYLOAD}", indent="  ")
    # Markdown in text fields stays text too (links, images from other hosts)
    news = data / "news" / "forum-megapolis-territoriya-detstva.yml"
    set_field(news, "summary", f"Итоги {MARKDOWN} {PAYLOAD}")
    set_field(news, "body", f"Текст {MARKDOWN} {PAYLOAD}")
    set_field(data / "algorithms" / "parent.yml", "summary", f"Кратко {MARKDOWN} {PAYLOAD}")
    set_field(event, "description", f"Описание {MARKDOWN} {PAYLOAD}")
    return project


class Executable(HTMLParser):
    """What a browser would run or follow in a page, from an HTML parser's view."""

    def __init__(self, allowed_hashes: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed_hashes
        self.found: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag.startswith("hs-evil"):
            self.found.append(f"<{tag}> at {self.getpos()}")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.found.append(f"meta refresh at {self.getpos()}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}> at {self.getpos()}")
            if name in ("href", "src", "action") and re.match(r"\s*(javascript|data|vbscript):", value or "", re.I):
                self.found.append(f"{name}={value!r} at {self.getpos()}")
            if name == "src" and re.match(r"\s*(https?:)?//", value or "", re.I):
                self.found.append(f"<{tag} src={value!r}> from another host at {self.getpos()}")
            if name in ("href", "src", "srcset", "action", "poster", "data") and "evil.example" in (value or ""):
                self.found.append(f"<{tag} {name}={value!r}> at {self.getpos()}")
        if tag == "script" and not a.get("src") and a.get("type", "") in ("", "text/javascript", "module"):
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            from helpsite.publish.safety import script_hash
            body = "".join(self._script)
            if script_hash(body) not in self.allowed:
                self.found.append(f"script not allowed by the CSP: {body[:60]!r}")
            self._script = None


def csp_of(html: str) -> str:
    metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert len(metas) == 1, f"{len(metas)} CSP meta tags"
    return metas[0]


def hashes_of(policy: str) -> set[str]:
    script_src = policy.split("script-src", 1)[1].split(";", 1)[0]
    return set(re.findall(r"'sha256-[^']+'", script_src))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stdout
    assert "Traceback" not in result.stdout
    return project / "site"


def test_hostile_text_in_every_campaign_field_and_records_is_inert(hostile_site: Path):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 40
    problems = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parser = Executable(hashes_of(csp_of(html)))
        parser.feed(html)
        problems += [f"{page.relative_to(hostile_site)}: {p}" for p in parser.found]
    assert not problems, "\n".join(problems[:20])
    # the text itself is shown, as text
    home = (hostile_site / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home
    assert "Поле copyright" in home  # Material's footer: escaped, not dropped


def test_hostile_text_in_json_ld_calendars_and_feeds_stays_data(hostile_site: Path):
    event = (hostile_site / "events" / "kruglyy-stol-vmeste-zashchitim" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', event, re.S)
    assert blocks and json.loads(blocks[0])["name"].startswith("Круглый стол")
    assert "<script>alert(1)<\\/script>" in blocks[0]  # the payload is there, as JSON text
    assert "</script" not in blocks[0].lower() and "<!--" not in blocks[0]  # nothing can close the block
    ics = (hostile_site / "events" / "kruglyy-stol-vmeste-zashchitim.ics").read_text(encoding="utf-8")
    assert "SUMMARY:Круглый стол" in ics.replace("\r\n ", "")
    for feed in hostile_site.rglob("*.xml"):
        import xml.dom.minidom
        xml.dom.minidom.parse(str(feed))  # well-formed: the payload did not break the XML
        assert "<hs-evil" not in feed.read_text(encoding="utf-8"), feed


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("good") / "project")
    assert mkdocs_build(project, project / "site").returncode == 0
    return project


def site_bytes(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("file,key,indent,value", [
    ("campaign.yml", "site_url", "", 'https://x.example/"><script>alert(1)</script>'),
    ("campaign.yml", "site_url", "", "javascript:alert(1)//https://x.example/"),
    ("campaign.yml", "site_url", "", "https://x.example/ onmouseover=alert(1)"),
    ("campaign.yml", "quick_exit_url", "", "javascript:alert(1)"),
    ("campaign.yml", "quick_exit_url", "", "data:text/html,<script>alert(1)</script>"),
    ("campaign.yml", "quick_exit_url", "", "https://ya.ru/'onclick='alert(1)"),
    ("organizations.yml", "website", "  ", "javascript:alert(1)"),
    ("events/vebinar-travlya-v-shkole-2027-03.yml", "online_url", "", "https://example.org/<script>"),
    ("algorithms/child.yml", "url", "    ", "vbscript:msgbox(1)"),
])
def test_urls_from_data_are_absolute_http_and_nothing_else(good_project, file, key, indent, value):
    path = good_project / "data" / file
    original = path.read_text(encoding="utf-8")
    before = site_bytes(good_project / "site")
    set_field(path, key, value, indent=indent)
    try:
        result = mkdocs_build(good_project, good_project / "site")
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    line = next(n for n, text in enumerate(original.split("\n"), 1) if text.startswith(f"{indent}{key}:"))
    assert re.search(rf"data/{re.escape(file)}:{line}: \S*{key}: (это не адрес сайта|в адресе недопустимые символы)",
                     result.stdout), result.stdout
    assert "без пробелов, кавычек и угловых скобок" in result.stdout and "Traceback" not in result.stdout
    assert site_bytes(good_project / "site") == before  # byte-identical to the last good site
    assert not (good_project / "site.staging").exists()


# ---------------------------------------------------------------- the policy

def test_every_page_allows_only_the_theme_scripts(built_site: Path):
    """Every inline script on every page is one of the theme's (hashes read from the templates,
    not from the pages), and the policy lists nothing else."""
    from mkdocs.config import load_config
    from helpsite.publish.safety import inline_scripts, script_hash, theme_script_hashes
    config = load_config(str(ROOT / "mkdocs.yml"))
    theme = theme_script_hashes(config.theme.dirs, {"config": {"extra": dict(config.extra)}},
                                "https://vmeste-zashchitim.example.org/")
    assert len(theme) >= 5
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        listed = hashes_of(csp_of(html))
        present = {script_hash(body) for body in inline_scripts(html)}
        assert listed <= theme, page
        assert present <= listed, f"{page}: a script the policy blocks"
        assert "'unsafe-inline'" not in html.split("script-src", 1)[1].split(";", 1)[0]


def test_a_script_that_is_not_the_themes_gets_no_hash():
    from helpsite.publish.safety import Policy, harden_html, script_hash
    theme_body = "var ok=1"
    page = (f'<html><head><meta charset="utf-8"><script>{theme_body}</script></head><body>'
            '<p>текст: http-equiv="Content-Security-Policy"</p><script>alert(1)</script></body></html>')
    out = harden_html(page, Policy(frozenset({script_hash(theme_body)})))
    policy = csp_of(out)
    assert script_hash(theme_body) in policy and script_hash("alert(1)") not in policy
    assert out.index("Content-Security-Policy") < out.index("<script")
    assert harden_html(out, Policy(frozenset({script_hash(theme_body)}))) == out  # a second pass: still one CSP
    assert "'wasm-unsafe-eval'" in str(Policy().with_script_source("'wasm-unsafe-eval'")).split(";")[1]


def test_only_links_with_slashes_are_looked_at_and_the_result_is_the_same():
    """harden_html looks only at <a> tags with «//» in them, and rebuilds none that stays as it is (already
    rel="noopener noreferrer"): the result is that of looking at every tag."""
    import random

    from helpsite.publish.safety import _A_TAG, _external_rel, harden_html, harden_links, Policy
    atoms = ["<a ", "<A\t", "<a\n", "<a", 'href="', "href='", "//", "https://x.org", "http:", 'rel="me"',
             "rel='a noopener'", " rel=", "REL=\"x\"", ">", '"', "'", "x", " data-href=\"//y\"", "<a href=//z>", " ",
             'rel="noopener noreferrer"', "rel='noopener noreferrer'", 'REL="noopener noreferrer"',
             'rel = "noopener noreferrer"', 'rel="noopener noreferrer me"', 'rel="noreferrer noopener"']
    rng = random.Random(18)
    for _ in range(40_000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 20)))
        expected = _A_TAG.sub(_external_rel, text)
        assert harden_links(text) == expected, text
        assert harden_html(text, Policy()) == expected, text


def test_a_page_that_mentions_the_csp_still_gets_one(project_copy: Path):
    about = project_copy / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + '\n\nМета-тег `<meta http-equiv="Content-Security-Policy">` '
                     'и слова http-equiv="Content-Security-Policy" в тексте.\n', encoding="utf-8")
    result = mkdocs_build(project_copy, project_copy / "site")
    assert result.returncode == 0, result.stdout
    html = (project_copy / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert html.index('<meta http-equiv="Content-Security-Policy" content="default-src') < html.index("<script")


# ---------------------------------------------------------------- raw HTML in docs/*.md

RAW = {
    "<script>alert(1)</script>": "тег <script> запрещён",
    '<iframe src="https://evil.example/"></iframe>': "тег <iframe> запрещён",
    '<a href="#" onclick="alert(1)">ссылка</a>': "атрибут onclick= (скрипт) запрещён",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">': "тег <meta http-equiv> запрещён",
    '<img src="https://evil.example/pixel.gif" alt="">': "загружает файл с другого сайта",
    "![счётчик](https://evil.example/pixel.gif)": "картинка с другого сайта",
    '<a href="javascript:alert(1)">ссылка</a>': "адрес «javascript:alert(1)» в href= запрещён",
    "[ссылка](javascript:alert(1))": "ссылка с адресом javascript:/data: запрещена",
    '[ссылка](children.md){: onclick="alert(1)" }': "атрибут on…= (скрипт) в фигурных скобках",
}


def test_raw_html_in_an_editors_page_fails_with_file_and_line(project_copy: Path):
    site = project_copy / "site"
    assert mkdocs_build(project_copy, site).returncode == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file() and p.suffix != ".ics"}
    about = project_copy / "docs" / "about.md"
    lines = about.read_text(encoding="utf-8").split("\n")
    first = len(lines) + 2
    about.write_text("\n".join(lines) + "\n\n" + "\n\n".join(RAW) + "\n\n```html\n<script>в коде можно</script>\n```\n"
                     "Код `<script>` в строке — тоже можно.\n", encoding="utf-8")
    result = mkdocs_build(project_copy, site)
    assert result.returncode != 0
    for number, (raw, message) in enumerate(RAW.items()):
        assert any(line.startswith(f"docs/about.md:{first + 2 * number}: ") and message in line
                   for line in re.findall(r"docs/about\.md:.*", result.stdout)), (raw, result.stdout)
    assert "в коде можно" not in result.stdout and result.stdout.count("docs/about.md:") == len(RAW) + 1
    assert "запрещённый HTML" in result.stdout and "прежний сайт не тронут" in result.stdout
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file() and p.suffix != ".ics"} == before
    assert not (project_copy / "site.staging").exists()


def test_front_matter_of_an_editors_page_is_escaped(project_copy: Path):
    children = project_copy / "docs" / "children.md"
    body = re.sub(r"\A---\n.*?\n---\n", "", children.read_text(encoding="utf-8"), flags=re.S)
    # a script in the front matter is refused like one in the text
    children.write_text(f'---\ntitle: {yaml_text("Детям " + SCRIPT)}\n---\n' + body, encoding="utf-8")
    result = mkdocs_build(project_copy, project_copy / "site")
    assert result.returncode != 0 and "docs/children.md:2: тег <script> запрещён" in result.stdout
    # other markup is published as text: it cannot leave the <title>, the nav or the meta description
    evil = '"></title><hs-evil>x</hs-evil>'
    children.write_text(f'---\ntitle: {yaml_text("Детям " + evil)}\ndescription: {yaml_text("О " + evil)}\n---\n'
                        + body, encoding="utf-8")
    result = mkdocs_build(project_copy, project_copy / "site")
    assert result.returncode == 0, result.stdout
    html = (project_copy / "site" / "children" / "index.html").read_text(encoding="utf-8")
    parser = Executable(hashes_of(csp_of(html)))
    parser.feed(html)
    assert not parser.found
    assert re.search(r'<meta name="description" content="О &(#34|quot);›‹/title›‹hs-evil›', html), html[:3000]


# ---------------------------------------------------------------- in the browser

browser = require_chromium()


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path):
    handler = functools.partial(_QuietHandler, directory=str(hostile_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@browser
@pytest.mark.parametrize("path", ["", "404.html", "safety/", "services/sluzhba-sos/", "services/",
                                  "events/kruglyy-stol-vmeste-zashchitim/", "helplines/"])
def test_hostile_data_runs_nothing_in_chromium(page, hostile_url, path):
    dialogs, navigations = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)
    page.goto(hostile_url + path)
    page.wait_for_timeout(1500)  # a meta refresh of 0 s, a timer: give them the time
    page.mouse.move(200, 200)
    for element in page.locator("hs-evil").all():
        element.hover()
    assert dialogs == []
    assert navigations == [hostile_url + path]
    assert page.evaluate("document.querySelectorAll('hs-evil').length") == 0
    assert "Поле copyright" in page.inner_text(".md-copyright")


@browser
def test_the_policy_blocks_a_script_that_slipped_into_a_page(page, built_site: Path, tmp_path):
    """If an escaping bug ever let a script through, the browser still would not run it."""
    import shutil
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    target = site / "helplines" / "index.html"
    html = target.read_text(encoding="utf-8")
    target.write_text(html.replace("</article>", "<script>window.__pwned=1;alert(3)</script>"
                                                 '<img src="x" onerror="window.__pwned2=1"></article>', 1),
                      encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dialogs, violations = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/helplines/")
        page.wait_for_timeout(500)
        assert page.evaluate("[window.__pwned, window.__pwned2]") == [None, None]
        assert dialogs == [] and len(violations) >= 2
        # the theme's own scripts still run (Material's bundle set up its palette/scope helpers)
        assert page.evaluate("typeof window.__md_get") == "function"
    finally:
        server.shutdown()


def test_theme_scripts_that_depend_on_a_page_or_data_get_no_hash(tmp_path):
    from helpsite.publish.safety import script_hash, theme_script_hashes
    (tmp_path / "main.html").write_text(
        '<script>var fixed=1</script>'
        '<script>var scope=new URL("{{ config.extra.scope | d(base_url) }}",location)</script>'
        '<script>var title="{{ page.title }}"</script>'
        '<script>var line="{{ config.extra.helpline.name }}"</script>'
        '<script type="application/ld+json">{"a": 1}</script>'
        '{# <script>var commented=1</script> #}', encoding="utf-8")
    hashes = theme_script_hashes([tmp_path], {"config": {"extra": {}}}, "https://example.org/tagil/")
    expected = {script_hash("var fixed=1")} | {
        script_hash(f'var scope=new URL("{base}",location)')
        for base in [".", "..", "../..", "/tagil/", "/"] + ["/".join([".."] * n) for n in range(3, 13)]}
    assert hashes == expected


def test_rendered_html_backstop_catches_what_an_extension_made():
    import markdown
    from helpsite.publish.safety import rendered_html_problems
    html = markdown.markdown('[b](x.md){: onclick="alert(1)" }\n\n<p>ok</p>', extensions=["attr_list"])
    assert rendered_html_problems(html) == ["атрибут onclick= (скрипт) запрещён — уберите его"]
    assert rendered_html_problems(markdown.markdown("[ok](https://example.org/) **текст**")) == []


def test_theme_templates_are_found_as_rglob_finds_them(tmp_path):
    """The theme's templates whose scripts get hashes: the files `sorted(folder.rglob("*.html"))` gives (hidden
    folders in, a linked folder's files out; a folder named like a template is not a file to read), in its order
    (`shell._files_with_suffix`, the walk the site's final check uses)."""
    from helpsite.publish.shell import _files_with_suffix

    for name in ["a.html", "b.htm", ".html", "x/c.html", ".icons/d.html", ".icons/e.svg", "x-y/f.html", "x/y/g.html",
                 "d.html/h.html"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<p></p>")
    (tmp_path / "linked").symlink_to(tmp_path / "x", target_is_directory=True)
    (tmp_path / "z.html").symlink_to(tmp_path / "a.html")
    found = [Path(path) for _, path in _files_with_suffix(tmp_path, (".html",))]
    assert found == sorted(p for p in tmp_path.rglob("*.html") if p.is_file() and p.suffix == ".html")
    assert tmp_path / "linked" / "c.html" not in found and tmp_path / "d.html" / "h.html" in found
    assert tmp_path / "d.html" not in found and tmp_path / "z.html" in found
