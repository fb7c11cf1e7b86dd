#!/usr/bin/env python3
"""Веб-редактор сайта (Decap CMS): формы для событий, служб, организаций, новостей…

  python scripts/editor.py                 # редактор на этом компьютере: откроется http://127.0.0.1:8020/editor/
  python scripts/editor.py --port 8030     # другой порт
  python scripts/editor.py config          # пересоздать editor/config.yml из модели данных
  python scripts/editor.py tidy            # вернуть первую строку (JSON Schema) в файлы, сохранённые на сервере git
  python scripts/editor.py tidy --check    # только проверить (для CI): код 1, если такие файлы есть
  python scripts/editor.py export --backend gitlab --repo group/site --app-id ID -o editor-site/
                                           # редактор для сайта на GitLab/GitHub/Gitea (см. EDITOR.md)

Подробно — в EDITOR.md.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import webbrowser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpsite.editing import cms  # noqa: E402
from helpsite.editing.cms_server import DECAP_DIST, serve  # noqa: E402
from helpsite.editing.cli import RussianParser  # noqa: E402

CONFIG = ROOT / "editor" / "config.yml"


def ensure_bundle(root: Path) -> Path | None:
    """editor/node_modules from the committed lockfile (npm ci), once; None (with a Russian message) without npm."""
    dist = root / DECAP_DIST
    if (dist / "decap-cms.js").is_file():
        return dist
    if shutil.which("npm") is None:
        print("Для редактора нужен Node.js с npm (один раз, чтобы установить Decap CMS из папки editor/).\n"
              "Установите Node.js: https://nodejs.org/ru/download (или «sudo apt install npm»), затем снова:\n"
              "  python scripts/editor.py", file=sys.stderr)
        return None
    print("Первый запуск: устанавливаю Decap CMS в editor/node_modules (npm ci, около минуты)…")
    result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                            cwd=root / "editor")
    if result.returncode != 0 or not (dist / "decap-cms.js").is_file():
        print("Не удалось установить Decap CMS (npm ci в папке editor/). Проверьте интернет и повторите.", file=sys.stderr)
        return None
    return dist


def campaign_timezone(root: Path) -> str:
    import yaml
    try:
        return str(yaml.safe_load((root / "data" / "campaign.yml").read_text(encoding="utf-8"))["timezone"])
    except Exception:  # noqa: BLE001 — a broken campaign.yml: the loader says what is wrong; the form still opens
        return "Europe/Moscow"


BACKENDS = {"github": "github", "gitlab": "gitlab", "gitea": "gitea", "forgejo": "gitea"}


def export(args: argparse.Namespace) -> int:
    dist = ensure_bundle(ROOT)
    if dist is None:
        return 1
    backend: dict[str, object] = {"name": BACKENDS[args.backend], "repo": args.repo, "branch": args.branch}
    if args.base_url:
        backend["base_url"] = args.base_url
        if args.backend in ("gitea", "forgejo"):
            backend["api_root"] = args.base_url.rstrip("/") + "/api/v1"
        if args.backend == "gitlab":
            backend["api_root"] = args.base_url.rstrip("/") + "/api/v4"
    if args.app_id:
        backend["app_id"] = args.app_id
        if args.backend == "gitlab":
            backend["auth_type"] = "pkce"
    cfg = cms.config(campaign_timezone(ROOT), backend=backend)
    cfg["publish_mode"] = "editorial_workflow"  # every change is a pull/merge request, reviewed before publishing
    out: Path = args.output
    if out.resolve() == (ROOT / "docs").resolve() or (ROOT / "docs").resolve() in out.resolve().parents:
        print("Редактор не кладут в docs/: он не часть публичного сайта. Укажите другую папку.", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(dist, out / "decap", dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.map", "*.cms.js", "cms.js"))
    (out / "config.yml").write_text(cms.render_config(cfg), encoding="utf-8")
    (out / "editor.js").write_text(cms.editor_js(), encoding="utf-8")
    (out / "index.html").write_text(
        cms_index_html("config.yml", "decap/decap-cms.js", "editor.js"), encoding="utf-8")
    print(f"Готово: {out}/ — выложите эту папку отдельно от сайта (см. EDITOR.md, «На сервере git»).")
    return 0


def cms_index_html(config: str, bundle: str, script: str) -> str:
    from helpsite.editing.cms_server import INDEX_HTML
    return (INDEX_HTML.replace("/editor/config.yml", config).replace("/editor/decap/decap-cms.js", bundle)
            .replace("/editor/editor.js", script))


def main(argv: list[str] | None = None) -> int:
    parser = RussianParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8020, help="порт (по умолчанию 8020)")
    parser.add_argument("--no-browser", action="store_true", help="не открывать браузер")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("config", help="пересоздать editor/config.yml из модели данных")
    tidy = sub.add_parser("tidy", help="вернуть первую строку «# yaml-language-server: …» в файлы данных")
    tidy.add_argument("--check", action="store_true", help="только проверить")
    tidy.add_argument("--data", type=Path, default=ROOT / "data")
    exp = sub.add_parser("export", help="папка с редактором для сайта на GitHub, GitLab или Gitea/Forgejo")
    exp.add_argument("--backend", choices=sorted(BACKENDS), required=True)
    exp.add_argument("--repo", required=True, help="репозиторий: владелец/имя")
    exp.add_argument("--branch", default="main")
    exp.add_argument("--base-url", help="адрес своего сервера GitLab/Gitea, например https://git.example.org")
    exp.add_argument("--app-id", help="ID приложения OAuth (GitLab, Gitea)")
    exp.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)

    if args.command == "config":
        CONFIG.write_text(cms.render_config(cms.config(campaign_timezone(ROOT))), encoding="utf-8")
        print(CONFIG)
        return 0
    if args.command == "export":
        return export(args)
    if args.command == "tidy":
        found = cms.files_without_schema_line(args.data, fix=not args.check)
        for path in found:
            print(("Нет первой строки со схемой: " if args.check else "Возвращена первая строка: ") + str(path))
        if args.check and found:
            print("Исправить: python scripts/editor.py tidy", file=sys.stderr)
            return 1
        return 0

    if ensure_bundle(ROOT) is None:
        return 1
    try:
        server, editor = serve(ROOT, port=args.port)
    except OSError:
        print(f"Порт {args.port} занят (редактор уже открыт?). Откройте http://127.0.0.1:{args.port}/editor/ "
              f"или запустите с другим портом: python scripts/editor.py --port {args.port + 1}", file=sys.stderr)
        return 1
    url = f"http://127.0.0.1:{args.port}/editor/"
    print("Собираю сайт…")
    editor.build_now()
    status = editor.wait_built(300)
    if status["state"] == "failed":
        print("Сайт сейчас не собирается (редактор всё равно открыт — исправьте ошибку в форме):\n" + status["report"])
    print(f"Редактор: {url}\nСайт:     http://127.0.0.1:{args.port}/\nОстановить: Ctrl+C (или закройте это окно).")
    if not args.no_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nРедактор остановлен.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
