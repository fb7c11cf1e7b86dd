"""The editor on one computer: Decap CMS, our data checks and the rebuilt site on 127.0.0.1.

One small HTTP server (standard library) does what `decap-server` does for Decap's `proxy`
backend — list, read and write the files of `data/` — and what decap-server cannot:

* every save is checked by the same loader as the build (helpsite.load); a save that would add
  an error is refused, the file stays as it was, and the editor sees the Russian message with
  the field's label in Decap's notice (the form keeps what they typed);
* the file is written by us: first line `# yaml-language-server: $schema=…` (Decap writes YAML
  without comments), empty form fields dropped, named by the record's id, an id never changed;
* after each save the site is rebuilt (`mkdocs build --strict`, one build at a time) and served
  at the root of the same address, so the editor opens the page they just changed.

Routes: /editor/ (the CMS page), /editor/decap/* (the Decap bundle from editor/node_modules,
never a CDN), /editor/config.yml, /editor/editor.js, /editor/api/v1 (Decap's proxy protocol),
/editor/status (last check and build), / (the built site).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from helpsite.editing import cms
from helpsite.data.errors import DataError, DataErrors
from helpsite.data.load import load
from helpsite.data.slug import slug

DECAP_DIST = Path("editor") / "node_modules" / "decap-cms" / "dist"
MEDIA_FOLDER = "docs/assets/images/uploads"

INDEX_HTML = """<!doctype html>
<html lang="ru">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Редактор сайта</title>
  <link href="/editor/config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
  <script src="/editor/decap/decap-cms.js"></script>
  <script src="/editor/editor.js"></script>
</body>
</html>
"""

STATUS_JS = r"""
// Только на этом компьютере: полоса внизу редактора — проверка и сборка сайта после сохранения.
(function () {
  var bar = document.createElement('div');
  bar.id = 'helpsite-status';
  bar.setAttribute('role', 'status');
  bar.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:99999;padding:8px 16px;' +
    'font:15px/1.4 sans-serif;background:#eef3ee;color:#1b3a1b;border-top:1px solid #9b9;';
  var last = '';
  // a refused save is shown in the form it came from: opening another form (or the editor again) clears it
  var since = Date.now() / 1000;
  window.addEventListener('hashchange', function () { since = Date.now() / 1000; });
  function show(s) {
    if (s.refused && s.refused < since) s = {state: 'ok', message: 'Редактор готов.'};
    var key = JSON.stringify(s);
    if (key === last) return;
    last = key;
    bar.textContent = '';
    var text = document.createElement('span');
    text.textContent = s.message + ' ';
    bar.appendChild(text);
    bar.style.background = s.state === 'failed' ? '#fde8e8' : (s.state === 'building' ? '#fff7df' : '#eef3ee');
    bar.style.color = s.state === 'failed' ? '#7a1111' : '#1b3a1b';
    if (s.page) {
      var a = document.createElement('a');
      a.href = s.page; a.target = '_blank'; a.textContent = 'Открыть страницу на сайте';
      bar.appendChild(a);
      bar.appendChild(document.createTextNode(' · '));
    }
    var site = document.createElement('a');
    site.href = '/'; site.target = '_blank'; site.textContent = 'Открыть сайт';
    bar.appendChild(site);
    if (s.report) {
      var pre = document.createElement('pre');
      pre.textContent = s.report;
      pre.style.cssText = 'white-space:pre-wrap;margin:6px 0 0;max-height:30vh;overflow:auto;font-size:14px;';
      bar.appendChild(pre);
    }
  }
  function poll() {
    fetch('/editor/status', {cache: 'no-store'}).then(function (r) { return r.json(); })
      .then(show).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  document.addEventListener('DOMContentLoaded', function () { document.body.appendChild(bar); poll(); });
  if (document.readyState !== 'loading') { document.body.appendChild(bar); poll(); }
})();
"""


class SaveRefused(Exception):
    """A save the data checks do not accept: the message is Russian and names the fields."""


def field_label(path: str) -> str:
    """«phones[0].number» → «Телефоны № 1 → Номер»."""
    parts = []
    for piece in path.split("."):
        name, _, rest = piece.partition("[")
        label = cms.LABELS.get(name, name)
        if rest:
            try:
                label += f" № {int(rest.rstrip(']')) + 1}"
            except ValueError:
                pass
        parts.append(label)
    return " → ".join(parts)


def describe(errors: list[DataError]) -> str:
    lines = []
    for e in errors:
        where = f"«{field_label(e.field)}» ({e.field})" if e.field else Path(e.file).name
        text = f"{where}: {e.message}"
        if e.value is not None:
            text += f" (введено: {e.value})"
        if e.hint:
            text += f" — {e.hint}"
        lines.append(text)
    return "Запись не сохранена. Исправьте: " + "; ".join(lines)


class Editor:
    """The state of one editing session: the project, the lock around writes, the build."""

    def __init__(self, root: Path, site_dir: Path | None = None, build: bool = True):
        self.root = root.resolve()
        self.data = self.root / "data"
        self.site_dir = site_dir or self.root / "site"
        self.build_enabled = build
        self.lock = threading.Lock()
        self.build_lock = threading.Condition()
        self.dirty = False
        self.generation = 0        # saves so far
        self.built_generation = 0  # saves the site shows
        self.status: dict[str, Any] = {"state": "ok", "message": "Редактор готов.", "report": "", "page": None}
        self.last_page: str | None = None
        self.tz = self._timezone()
        if build:
            threading.Thread(target=self._builder, daemon=True).start()

    def _timezone(self) -> str:
        try:
            return str(yaml.safe_load((self.data / "campaign.yml").read_text(encoding="utf-8"))["timezone"])
        except Exception:  # noqa: BLE001 — the form still works; the loader reports the campaign file
            return "Asia/Yekaterinburg"

    # ------------------------------------------------------------ files

    def resolve(self, rel: str, under: Path) -> Path:
        path = (self.root / rel).resolve()
        if path != under and under not in path.parents:
            raise SaveRefused(f"путь {rel} вне папки {under.relative_to(self.root)}")
        return path

    def spec_of(self, rel: str) -> cms.Spec:
        rel = rel.replace("\\", "/")
        for s in cms.SPECS:
            if s.folder and rel.startswith(f"data/{s.folder}/") and rel.count("/") == 2 and rel.endswith(".yml"):
                return s
            if s.file and rel == f"data/{s.file}":
                return s
        raise SaveRefused(f"редактор не пишет файл {rel}")

    def read_entry(self, rel: str, label: str | None = None) -> dict[str, Any]:
        try:
            path = self.resolve(rel, self.data)
            text = path.read_text(encoding="utf-8")
        except (OSError, SaveRefused):
            return {"data": None, "file": {"path": rel, "label": label, "id": None}}
        s = None
        try:
            s = self.spec_of(rel)
        except SaveRefused:
            pass
        if s is not None and s.is_list_file:
            try:
                text = cms.wrap_list(text)
            except yaml.YAMLError:
                pass  # shown as is; the loader's message explains the YAML error
        return {"data": text, "file": {"path": rel, "label": label, "id": hashlib.sha256(text.encode()).hexdigest()}}

    def list_folder(self, folder: str, extension: str) -> list[dict[str, Any]]:
        base = self.resolve(folder, self.data)
        if not base.is_dir():
            return []
        return [self.read_entry(str(p.relative_to(self.root)).replace(os.sep, "/"))
                for p in sorted(base.glob(f"*.{extension}")) if p.is_file()]

    # ------------------------------------------------------------ saving

    def _errors(self) -> list[DataError]:
        try:
            load(self.data)
        except DataErrors as exc:
            return exc.errors
        return []

    def persist(self, params: dict[str, Any]) -> dict[str, Any]:
        entry = params.get("entry") or {}
        files = params.get("dataFiles") or [entry]
        options = params.get("options") or {}
        if len(files) != 1:
            raise SaveRefused("редактор сохраняет одну запись за раз")
        item = files[0]
        if item.get("newPath") and item["newPath"] != item["path"]:
            raise SaveRefused("идентификатор (id) записи нельзя менять после публикации: по нему построен адрес страницы")
        rel = str(item["path"])
        s = self.spec_of(rel)
        path = self.resolve(rel, self.data)
        text, data = cms.to_file(s, str(item.get("raw", "")))
        if s.folder:
            if not isinstance(data, dict):
                raise SaveRefused("запись должна быть набором полей")
            ident = data.get("id")
            if options.get("newEntry") and path.exists():
                raise SaveRefused(f"запись с идентификатором «{path.stem}» уже есть — измените название "
                                  "или впишите другой идентификатор")
            if ident != path.stem:
                if options.get("newEntry"):
                    raise SaveRefused(f"идентификатор «{ident}» не совпадает с именем файла «{path.stem}» — "
                                      "очистите поле «Идентификатор»: оно заполнится из названия")
                raise SaveRefused(f"идентификатор (id) записи нельзя менять после публикации: верните «{path.stem}»")
        elif s.is_list_file and isinstance(data, list):
            data = self._fill_list_ids(s, data, path)
            text = cms.schema_line(s) + "\n" + cms.dump_yaml(data)
        with self.lock:
            before = {str(e) for e in self._errors()}
            old = path.read_bytes() if path.exists() else None
            if old is not None:
                text = cms.keep_comments(old.decode("utf-8", errors="replace"), text)
            self._write(path, text.encode("utf-8"))
            new_errors = [e for e in self._errors() if str(e) not in before]
            if new_errors:
                if old is None:
                    path.unlink()
                else:
                    self._write(path, old)
                raise SaveRefused(describe(new_errors))
            self.generation += 1
            if s.folder:
                self.last_page = f"/{s.folder}/{path.stem}/"
        self.request_build()
        return {"message": "entry persisted"}

    def _fill_list_ids(self, s: cms.Spec, items: list[Any], path: Path) -> list[Any]:
        """Items of a list file added in the form get their id from their name (kept once given)."""
        if "id" not in s.model.model_fields:
            return items
        taken = {i.get("id") for i in items if isinstance(i, dict) and i.get("id")}
        out = []
        for item in items:
            if isinstance(item, dict) and not item.get("id"):
                base = slug(str(item.get(s.title_field) or ""), 50) or "zapis"
                ident, n = base, 2
                while ident in taken:
                    ident, n = f"{base}-{n}", n + 1
                taken.add(ident)
                item = {"id": ident, **item}
            out.append(item)
        return out

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.editor-tmp")
        tmp.write_bytes(content)
        os.replace(tmp, path)

    def persist_media(self, asset: dict[str, Any]) -> dict[str, Any]:
        import base64
        path = self.resolve(str(asset["path"]), (self.root / MEDIA_FOLDER).resolve())
        content = base64.b64decode(asset["content"])
        self._write(path, content)
        rel = str(path.relative_to(self.root)).replace(os.sep, "/")
        return {"id": hashlib.sha256(content).hexdigest(), "content": asset["content"], "encoding": "base64",
                "path": rel, "name": path.name}

    # ------------------------------------------------------------ building

    def request_build(self) -> None:
        if not self.build_enabled:
            return
        with self.build_lock:
            self.dirty = True
            self.status = {"state": "building", "report": "", "page": None, "generation": self.generation,
                           "message": "Сохранено. Сайт пересобирается…" if self.generation else "Сайт собирается…"}
            self.build_lock.notify()

    def _builder(self) -> None:
        while True:
            with self.build_lock:
                while not self.dirty:
                    self.build_lock.wait()
                self.dirty = False
                generation = self.generation
            started = time.monotonic()
            result = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(self.root / "mkdocs.yml"),
                 "-d", str(self.site_dir)],
                cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
            seconds = time.monotonic() - started
            with self.build_lock:
                if result.returncode == 0:
                    self.built_generation = max(self.built_generation, generation)
                    state = {"state": "ok", "page": self.last_page, "report": "", "generation": generation,
                             "message": (f"Сохранено, сайт пересобран за {seconds:.0f} с." if generation
                                         else f"Сайт собран за {seconds:.0f} с.")}
                else:
                    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
                    state = {"state": "failed", "page": None, "report": "\n".join(lines[-25:]), "generation": generation,
                             "message": "Сохранено, но сайт не собрался — прежний сайт остаётся на месте. Причина:"}
                if not self.dirty:
                    self.status = state

    def build_now(self) -> None:
        """Build once, before the editor opens (so the site is there to look at)."""
        if self.build_enabled:
            self.request_build()

    def wait_built(self, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.build_lock:
                if not self.dirty and self.status["state"] != "building":
                    return dict(self.status)
            time.sleep(0.1)
        raise TimeoutError("сайт не пересобрался")

    # ------------------------------------------------------------ Decap's proxy protocol

    def api(self, body: dict[str, Any]) -> tuple[int, Any]:
        action = body.get("action")
        params = body.get("params") or {}
        try:
            if action == "info":
                return 200, {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}
            if action == "entriesByFolder":
                return 200, self.list_folder(str(params["folder"]), str(params.get("extension") or "yml"))
            if action == "entriesByFiles":
                return 200, [self.read_entry(str(f["path"]), f.get("label")) for f in params.get("files", [])]
            if action == "getEntry":
                return 200, self.read_entry(str(params["path"]))
            if action == "persistEntry":
                return 200, self.persist(params)
            if action == "getMedia":
                folder = (self.root / MEDIA_FOLDER)
                files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
                return 200, [self._media(p) for p in files]
            if action == "getMediaFile":
                return 200, self._media(self.resolve(str(params["path"]), (self.root / MEDIA_FOLDER).resolve()))
            if action == "persistMedia":
                return 200, self.persist_media(params["asset"])
            if action in ("unpublishedEntries",):
                return 200, []
            if action == "getDeployPreview":
                return 200, None
            if action in ("deleteFile", "deleteFiles"):
                return 422, {"error": "Удалять записи из редактора нельзя: у опубликованной страницы есть адрес. "
                                      "Чтобы снять службу или событие, поменяйте поле «Состояние»."}
            return 422, {"error": f"Неизвестное действие {action}"}
        except SaveRefused as exc:
            if action == "persistEntry":  # Decap's notice fades after a few seconds: the bar keeps the reason
                with self.build_lock:
                    self.status = {"state": "failed", "page": None, "generation": self.generation, "report": str(exc),
                                   "refused": time.time(),
                                   "message": "Запись не сохранена (файл не изменён). Исправьте поле и сохраните снова:"}
            return 422, {"error": str(exc)}
        except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
            return 422, {"error": f"Запрос редактора не понят: {exc}"}

    def _media(self, path: Path) -> dict[str, Any]:
        import base64
        content = path.read_bytes()
        return {"id": hashlib.sha256(content).hexdigest(), "content": base64.b64encode(content).decode(),
                "encoding": "base64", "path": str(path.relative_to(self.root)).replace(os.sep, "/"), "name": path.name}


def make_handler(editor: Editor, decap_dist: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "helpsite-editor"

        def log_message(self, *args: Any) -> None:  # the terminal shows what matters, not every request
            pass

        def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, value: Any) -> None:
            self._send(status, json.dumps(value, ensure_ascii=False).encode(), "application/json; charset=utf-8")

        def _file(self, path: Path) -> None:
            if not path.is_file():
                self._send(404, "<!doctype html><meta charset=utf-8><title>Нет такой страницы</title>"
                                "<p>Нет такой страницы. Если вы только что сохранили запись, подождите "
                                "окончания сборки сайта и обновите страницу.".encode(), "text/html; charset=utf-8")
                return
            ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
                ctype += "; charset=utf-8"
            self._send(200, path.read_bytes(), ctype)

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET()

        def _local(self) -> bool:
            """Only pages of this address: a site whose name was made to point at 127.0.0.1 (DNS
            rebinding) sends its own name in Host and gets nothing."""
            host = self.headers.get("Host", "").rsplit(":", 1)[0].strip("[]")
            if host in ("127.0.0.1", "localhost", "::1"):
                return True
            self._send(403, "Редактор открывается только по адресу 127.0.0.1".encode(), "text/plain; charset=utf-8")
            return False

        def do_GET(self) -> None:  # noqa: N802
            if not self._local():
                return
            route = unquote(urlsplit(self.path).path)
            if route in ("/editor", "/editor/", "/editor/index.html"):
                if route == "/editor":
                    self._send(301, b"", "text/plain", {"Location": "/editor/"})
                    return
                self._send(200, INDEX_HTML.encode(), "text/html; charset=utf-8",
                           {"Content-Security-Policy": "default-src 'self' blob: data:; script-src 'self' 'unsafe-eval'; "
                                                       "style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:"})
            elif route == "/editor/config.yml":
                self._send(200, cms.render_config(cms.config(editor.tz)).encode(), "text/yaml; charset=utf-8")
            elif route == "/editor/editor.js":
                self._send(200, (cms.editor_js() + STATUS_JS).encode(), "application/javascript; charset=utf-8")
            elif route == "/editor/status":
                with editor.build_lock:
                    self._json(200, editor.status)
            elif route.startswith("/editor/decap/"):
                name = route.removeprefix("/editor/decap/")
                path = (decap_dist / name).resolve()
                if decap_dist.resolve() not in path.parents:
                    self._send(404, b"", "text/plain")
                    return
                self._file(path)
            else:
                site = editor.site_dir.resolve()
                path = (site / route.lstrip("/")).resolve()
                if path != site and site not in path.parents:
                    self._send(404, b"", "text/plain")
                    return
                if path.is_dir():
                    if not route.endswith("/"):
                        self._send(301, b"", "text/plain", {"Location": route + "/"})
                        return
                    path = path / "index.html"
                self._file(path)

        def do_POST(self) -> None:  # noqa: N802
            if not self._local():
                return
            if urlsplit(self.path).path != "/editor/api/v1":
                self._send(404, b"", "text/plain")
                return
            # a page of another site must not write our files: Decap sends JSON from our own origin
            origin = self.headers.get("Origin")
            host = self.headers.get("Host", "")
            if origin and urlsplit(origin).netloc != host:
                self._json(403, {"error": "Запрос не с этой страницы редактора"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self._json(400, {"error": "Запрос редактора не понят"})
                return
            status, value = editor.api(body)
            self._json(status, value)

    return Handler


def serve(root: Path, port: int = 8020, site_dir: Path | None = None, build: bool = True,
          decap_dist: Path | None = None) -> tuple[ThreadingHTTPServer, Editor]:
    editor = Editor(root, site_dir=site_dir, build=build)
    dist = decap_dist or root / DECAP_DIST
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(editor, dist))
    return server, editor

