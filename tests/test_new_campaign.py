"""A second city in minutes (scripts/new_campaign.py), and a site that works under a sub-path."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from helpsite.publish.build import build_content
from helpsite.data.load import load
from helpsite.editing.newcampaign import (
    CampaignSpec, check_color, contrast_with_white, filter_contacts, new_campaign,
)
from helpsite.editing.scaffold import EventDraft, new_event

from .conftest import NOW, ROOT, prerequisite_missing, mkdocs_build

TODAY = NOW.date()


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for attr in ("href", "src"):
            value = attrs.get(attr)
            if value and tag in ("a", "link", "script", "img", "source", "iframe"):
                self.refs.append(value)


def unresolved_under_prefix(site: Path, base: str) -> list[str]:
    """Every link and asset of every page, resolved as a browser would with the site served at `base`
    (e.g. https://deti.example.net/tagil/), must stay under it and name a file of the build."""
    prefix = urlsplit(base)
    bad = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel == "404.html":  # served for any missing address, at any depth
            page_url = base + "no/such/page/"
        else:
            page_url = base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for ref in parser.refs:
            if ref.startswith(("#", "tel:", "mailto:", "data:", "javascript:", "webcal:")):
                continue
            url = urlsplit(urljoin(page_url, ref))
            if url.netloc != prefix.netloc:
                continue  # another site: a plain link
            if not url.path.startswith(prefix.path):
                bad.append(f"{rel}: {ref} → {url.path} (outside {prefix.path})")
                continue
            target = site / unquote(url.path[len(prefix.path):])
            if target.is_dir() or url.path.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                bad.append(f"{rel}: {ref} → {url.path} (no such file)")
    return bad


def test_site_works_under_a_sub_path(project_copy: Path):
    project = project_copy
    campaign = project / "data" / "campaign.yml"
    campaign.write_text(re.sub(r"(?m)^site_url: .*$", "site_url: https://deti.example.net/tagil/",
                               campaign.read_text(encoding="utf-8")), encoding="utf-8")
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stdout
    bad = unresolved_under_prefix(site, "https://deti.example.net/tagil/")
    assert not bad, "\n".join(bad[:20])
    assert "/tagil/assets/stylesheets/site.css" in (site / "404.html").read_text(encoding="utf-8")
    # absolute addresses in the files for other programs carry the path too
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    assert locs and all(loc.startswith("https://deti.example.net/tagil/") for loc in locs)
    services = json.loads((site / "api" / "services.json").read_text(encoding="utf-8"))
    assert services["$schema"] == "https://deti.example.net/tagil/api/schema/services.json"
    assert all(s["page_url"].startswith("https://deti.example.net/tagil/services/") for s in services["items"])
    feed = (site / "news" / "feed.xml").read_text(encoding="utf-8")
    assert "https://deti.example.net/tagil/news/" in feed and "https://deti.example.net/news/" not in feed
    ics = (site / "events" / "calendar.ics").read_text(encoding="utf-8")
    assert "https://deti.example.net/tagil/events/" in ics.replace("\r\n ", "")


SPEC = dict(name="Безопасное детство", city="Вологда", region="Вологодская область", timezone="Europe/Moscow",
            organizer="АНО «Семья»", organizer_id="ano-semya", slogan="Детство без насилия", color="#1f5f8b",
            site_url="https://example.org/vologda/")


def test_new_campaign_builds_at_once(tmp_path: Path):
    target = tmp_path / "vologda"
    created = new_campaign(ROOT, target, CampaignSpec(**SPEC, today=TODAY))
    data = load(target / "data")
    assert data.campaign.city == "Вологда" and data.campaign.timezone == "Europe/Moscow"
    assert data.campaign.organizer_ids == ["ano-semya"] and data.organizations["ano-semya"].name == "АНО «Семья»"
    assert list(data.helplines) == list(load(ROOT / "data").helplines)  # national lines kept
    assert [s.id for s in data.services.values()] == ["primer-sluzhba"] and all(s.example for s in data.services.values())
    assert all(e.example for e in data.events.values()) and len(data.events) == 1
    assert not any(c.startswith(("service:", "organization:")) for a in data.algorithms.values()
                   for c in [*(c for s in a.steps for c in s.contacts), *(c for q in a.decision for x in q.answers for c in x.contacts)])
    # the shared texts name no city any more (placeholders); what is left to check is the checklist
    assert not any(note.startswith("docs/specialists.md") for note in created.notes)
    assert any("assured_date" in note for note in created.notes) and any("docs/about.md" in note for note in created.notes)
    css = (target / "docs" / "assets" / "stylesheets" / "site.css").read_text(encoding="utf-8")
    assert "--md-primary-fg-color: #1f5f8b;" in css
    assert "site_name: \"Безопасное детство\"" in (target / "mkdocs.yml").read_text(encoding="utf-8")
    assert "Вместе защитим" not in (target / "docs" / "parents.md").read_text(encoding="utf-8")

    # fill a minimal data set: a real service and an event, then build
    (target / "data" / "services" / "primer-sluzhba.yml").unlink()
    (target / "data" / "services" / "kabinet-psihologa.yml").write_text(
        "# yaml-language-server: $schema=../schema/service.schema.json\n"
        "id: kabinet-psihologa\nname: Кабинет психолога\norganization_id: ano-semya\n"
        "description: Консультации для детей и родителей.\ncategories: [crisis-psychological-help]\n"
        "audience: [children, parents]\ndistrict: весь город\n"
        "location:\n  address_1: ул. Ленина, 1\n  city: Вологда\n"
        "phones:\n  - number: 8 (8172) 00-00-01\n"
        "hours:\n  weekly:\n    - byday: [mo, we]\n      opens_at: 10:00\n      closes_at: 17:00\n"
        f"free: true\nanonymous: true\nassured_date: {TODAY.isoformat()}\n", encoding="utf-8")
    new_event(target / "data", EventDraft(title="Семинар для педагогов", type="seminar",
                                          start=f"{TODAY + dt.timedelta(days=10)} 15:00", organizer_ids=["ano-semya"],
                                          audience=["teachers"], place="Школа № 2", address="ул. Мира, 2"))
    site = target / "site"
    result = mkdocs_build(target, site)
    assert result.returncode == 0, result.stdout
    assert "WARNING" not in result.stdout
    assert (site / "services" / "kabinet-psihologa" / "index.html").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Безопасное детство" in home and "Вологда" in home
    bad = unresolved_under_prefix(site, "https://example.org/vologda/")
    assert not bad, "\n".join(bad[:20])
    assert json.loads((site / "api" / "services.json").read_text(encoding="utf-8"))["items"][0]["id"] == "kabinet-psihologa"


def test_empty_campaign_is_valid(tmp_path: Path):
    target = tmp_path / "empty"
    new_campaign(ROOT, target, CampaignSpec(**{**SPEC, "color": "#2e6b30"}, empty=True, today=TODAY))
    content = build_content(target / "data", now=NOW)
    assert not content.data.services and not content.data.events
    paths = {p.path for p in content.pages}
    assert {"index.md", "services/index.md", "events/index.md", "open-data.md", "plan.md"} <= paths


def test_command_refuses_bad_input_and_leaves_nothing(tmp_path: Path):
    script = str(ROOT / "scripts" / "new_campaign.py")
    base = [sys.executable, script, "--city", "Северск", "--region", "Томская область", "--name", "Вместе",
            "--organizer", "Совет НКО"]
    light = subprocess.run([*base, str(tmp_path / "a"), "--timezone", "Asia/Tomsk", "--color", "#ffcc00"],
                           capture_output=True, text=True)
    assert light.returncode == 1 and "слишком светлый" in light.stderr and "возьмите темнее, например #" in light.stderr
    assert not (tmp_path / "a").exists()
    zone = subprocess.run([*base, str(tmp_path / "b"), "--timezone", "Asia/Tomskk"], capture_output=True, text=True)
    assert zone.returncode == 1 and "неизвестный часовой пояс" in zone.stderr and not (tmp_path / "b").exists()
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "file.txt").write_text("x")
    busy = subprocess.run([*base, str(tmp_path / "c"), "--timezone", "Asia/Tomsk"], capture_output=True, text=True)
    assert busy.returncode == 1 and "не пуста" in busy.stderr
    ok = subprocess.run([*base, str(tmp_path / "d"), "--timezone", "Asia/Tomsk", "--empty"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "mkdocs build --strict" in ok.stdout and (tmp_path / "d" / "scripts" / "check.py").exists()


def test_colour_contrast():
    assert round(contrast_with_white("#5b2a86"), 1) >= 4.5
    assert check_color("#1F5F8B") == "#1f5f8b"
    with pytest.raises(ValueError):
        check_color("blue")


def test_contacts_of_the_old_city_are_removed():
    text = ("steps:\n  - title: Позвоните\n    action: Сразу.\n    contacts:\n      - service:old\n"
            "  - title: Ещё\n    action: Потом.\n    contacts:\n      - helpline:line\n      - organization:old-org\n"
            "answers:\n  - label: Да\n    outcome: Вот.\n    contacts: [service:old]\n")
    out, removed = filter_contacts(text, {"service": set(), "organization": set()})
    assert removed == ["service:old", "organization:old-org", "service:old"]
    assert "    contacts: []\n  - title: Ещё" in out and "      - helpline:line\n" in out
    assert "    contacts: []\n" in out.split("answers:")[1]


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readme_nginx_example_serves_the_site(tmp_path: Path):
    """The nginx example of the README: valid, serves the sub-path with the security headers, text/calendar,
    long cache for hashed theme files, CORS on the API. Needs nginx (Debian: nginx-light); skipped without it."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    openssl = shutil.which("openssl")
    if nginx is None or openssl is None:
        prerequisite_missing("nginx or openssl is not installed (apt-get install -y nginx-light openssl): README nginx example not checked")
    import ssl
    import urllib.request
    blocks = re.findall(r"```nginx\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    snippet, server = blocks
    mime = Path("/etc/nginx/mime.types")
    if not mime.exists():
        prerequisite_missing("/etc/nginx/mime.types not found (Debian package nginx-common)")
    http_port, https_port = _free_port(), _free_port()
    site = tmp_path / "site"
    for path, text in {"index.html": "<!doctype html><title>x</title>", "404.html": "нет такой страницы",
                       "assets/stylesheets/main.57a0d79d.min.css": "body{}", "assets/stylesheets/site.css": "body{}",
                       "events/calendar.ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "api/services.json": "{}" + " " * 2000}.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text, encoding="utf-8")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem"), "-days", "2", "-subj", "/CN=example.org"], check=True, capture_output=True)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "helpsite-headers.conf").write_text(snippet, encoding="utf-8")
    server = (server.replace("/etc/letsencrypt/live/example.org/fullchain.pem", str(tmp_path / "cert.pem"))
              .replace("/etc/letsencrypt/live/example.org/privkey.pem", str(tmp_path / "key.pem"))
              .replace("/var/www/tagil/site/", f"{site}/")
              .replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"))
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # workers must read pytest's private tmp folder
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include {mime};\n default_type application/octet-stream;\n access_log off;\n"
        f" client_body_temp_path {tmp_path}/tmp;\n proxy_temp_path {tmp_path}/tmp;\n fastcgi_temp_path {tmp_path}/tmp;\n"
        f" uwsgi_temp_path {tmp_path}/tmp;\n scgi_temp_path {tmp_path}/tmp;\n{server}\n}}\n", encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    base = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")]
    check = subprocess.run([*base, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    if subprocess.run([*base, "-g", "daemon on;"], capture_output=True, text=True).returncode != 0:
        prerequisite_missing("nginx could not start here: " + (tmp_path / "error.log").read_text(errors="replace")[-300:])
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE

    def get(path: str, gzip: bool = False):
        request = urllib.request.Request(f"https://127.0.0.1:{https_port}{path}",
                                         headers={"Host": "example.org", **({"Accept-Encoding": "gzip"} if gzip else {})})
        try:
            return urllib.request.urlopen(request, context=context, timeout=5)
        except urllib.error.HTTPError as exc:
            return exc

    try:
        home = get("/tagil/")
        assert home.status == 200
        headers = home.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["Referrer-Policy"] == "no-referrer" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Strict-Transport-Security"].startswith("max-age=") and "camera=()" in headers["Permissions-Policy"]
        assert headers["Cache-Control"] == "no-cache"
        ics = get("/tagil/events/calendar.ics")
        assert ics.headers["Content-Type"] == "text/calendar; charset=utf-8" and ics.headers["Content-Security-Policy"]
        css = get("/tagil/assets/stylesheets/main.57a0d79d.min.css")
        assert "immutable" in css.headers["Cache-Control"] and css.headers["Referrer-Policy"] == "no-referrer"
        assert get("/tagil/assets/stylesheets/site.css").headers["Cache-Control"] == "public, max-age=86400"
        api_file = get("/tagil/api/services.json", gzip=True)
        assert api_file.headers["Access-Control-Allow-Origin"] == "*" and api_file.headers["Content-Encoding"] == "gzip"
        assert api_file.headers["Content-Type"].startswith("application/json")
        missing = get("/tagil/no/such/page/")
        assert missing.status == 404 and "нет такой страницы" in missing.read().decode("utf-8")
    finally:
        subprocess.run([*base, "-s", "stop"], capture_output=True)
