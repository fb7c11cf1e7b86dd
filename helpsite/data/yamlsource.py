"""Read a YAML file into plain Python data plus a map «field path → line».

PyYAML follows YAML 1.1, which has traps for editors: `12:30` becomes the integer 750
(base-60) and `no`/`yes`/`on`/`off` become booleans. We compose the node tree ourselves and
keep such plain scalars as the strings the editor typed; the model then either accepts the
string (a time «12:30») or rejects it with a message that says what to write (a boolean field
given «нет»). Duplicate keys, which PyYAML silently resolves to the last one, are errors.
"""

from __future__ import annotations

import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from helpsite.data.errors import DataError

Path_ = tuple[str | int, ...]

# Limits: a data file is small, flat text written by a person. Anything far beyond is an accident
# or an attack (a «billion laughs» of anchors, a 50 MB string, a symlink to /dev/zero), stopped
# before it costs time or memory.
MAX_FILE_BYTES = 1_000_000  # the largest file in data/ is ~15 KB
MAX_DEPTH = 32  # real files nest 6 levels at most (plan → tasks → activities → evidence → url)
MAX_VALUES = 20_000  # values in one file after «*alias» references are expanded
MAX_TEXT_CHARS = 20_000  # one text value; the longest in data/ (a resolution) is ~2 400

# Invisible characters that reorder or hide text (a «Trojan Source» trick: «<U+202E>lmth.exe» shows as «exe.html»).
BIDI_CONTROLS = {
    "\u061c": "ARABIC LETTER MARK", "\u200e": "LEFT-TO-RIGHT MARK", "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING", "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE", "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE", "\u2069": "POP DIRECTIONAL ISOLATE",
}
_BIDI = re.compile("[" + "".join(BIDI_CONTROLS) + "]")
# a comment right after a plain (unquoted) scalar: «name: Служба школы #5» reads as «Служба школы»
_TRAILING_COMMENT = re.compile(r"[ \t]+#")
_PROSE = re.compile(r"[\s\u0080-\uffff]")  # a value with a space or a non-Latin letter is text, not an id or number


class LimitExceeded(Exception):
    def __init__(self, node: yaml.Node, loc: "Path_", message: str, hint: str):
        self.node, self.loc, self.message, self.hint = node, loc, message, hint


class _Fallback(Exception):
    """Raised by `_Composer.values` where `_Composer.convert` would report something or stop at a limit."""


_YAML12_BOOLS = {"true", "false"}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap",
                    "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:set"}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")


class SourceDoc:
    """One YAML document: its data and where each value stands in the file.

    The map «field path → line» is made when first asked for (an error or a warning names a
    line): a file that validates, as nearly all do, is read without it. It is made from the same
    text by the same conversion, so it is the map a reading with lines from the start gives."""

    __slots__ = ("path", "data", "_lines", "_text")

    def __init__(self, path: str | Path, data: Any, lines: dict[Path_, int] | None = None, text: str | None = None):
        self.path = path
        self.data = data
        self._lines = lines
        self._text = text  # what `lines` is made from when not given

    @property
    def lines(self) -> dict[Path_, int]:
        if self._lines is None:
            self._lines = _line_map(self.path, self._text or "")
            self._text = None
        return self._lines

    def line_of(self, loc: Path_) -> int | None:
        """Line (1-based) of the value at `loc`, or of its nearest enclosing value."""
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]


def _blank_hash(text: str) -> bool:
    """Whether « #» (or a tab and «#») is in `text`: a search of «#» alone, from one to the next (a file has a few,
    mostly at the start of a line), 15× faster than searching the two-character strings in Cyrillic text."""
    at = text.find("#", 1)
    while at > 0:
        if text[at - 1] in " \t":
            return True
        at = text.find("#", at + 1)
    return False


class _Composer:
    def __init__(self, path: str | Path, errors: list[DataError], display: str, text: str = ""):
        self.path = path
        self.errors = errors
        self.display = display
        self.text = text
        self.lines: dict[Path_, int] = {}
        self.count = 0  # values converted, «*alias» references counted each time they are expanded
        # a text within MAX_TEXT_CHARS with no direction mark and no «\» (an escape could write one) has no
        # value too long or with a direction mark: a value is at most its text; without « #» or «\t#» no
        # value is cut by a comment (`_comment_cut`)
        self.plain_text = bool(text) and len(text) <= MAX_TEXT_CHARS and "\\" not in text \
            and not any(char in text for char in BIDI_CONTROLS)  # what `_BIDI.search(text)` finds, 2× faster
        self.blank_hash = _blank_hash(text)

    def convert(self, node: yaml.Node, loc: Path_, depth: int = 0, key: bool = False) -> Any:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        self.count += 1
        if self.count > MAX_VALUES:
            raise LimitExceeded(node, loc, f"слишком много значений (больше {MAX_VALUES})",
                                "ссылки «*имя» на якоря «&имя» размножают значения; напишите значения явно, без & и *, "
                                "или разделите данные на несколько файлов")
        if depth > MAX_DEPTH:
            raise LimitExceeded(node, loc, f"слишком глубокая вложенность (больше {MAX_DEPTH} уровней)",
                                "уберите лишние уровни отступов и скобок; ссылка «*имя» внутри своего же якоря «&имя» "
                                "недопустима")
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            self.errors.append(self._error(node, loc, f"тег «{_short(node.tag.replace('tag:yaml.org,2002:', '!!'), 60)}» не поддерживается",
                                           "напишите значение без тега «!…»"))
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.errors.append(self._error(key_node, loc, "ключи слияния «<<» не поддерживаются",
                                                   "перепишите значения явно"))
                    continue
                text = key_node.value
                if key_node.tag == _STR_TAG and type(key_node) is yaml.ScalarNode and self.count < MAX_VALUES \
                        and depth < MAX_DEPTH and len(text) <= MAX_TEXT_CHARS and not _BIDI.search(text):
                    self.count += 1  # a text key within every limit: what `convert` gives, without the call
                    key = text
                else:
                    key = self.convert(key_node, loc, depth + 1, key=True)
                if not isinstance(key, (str, int)):
                    key = str(key)
                key_loc = loc + (key,)
                if key in result:
                    self.errors.append(self._error(
                        key_node, key_loc, f"ключ «{key}» встречается дважды",
                        f"оставьте один ключ «{key}» (первый был в строке {self.lines.get(key_loc)})"))
                    continue
                self.lines[key_loc] = key_node.start_mark.line + 1
                simple = self._simple(value_node, depth)
                if simple is not _NOT_SIMPLE:
                    self.count += 1
                    result[key] = simple
                else:
                    result[key] = self.convert(value_node, key_loc, depth + 1)
                    self.lines[key_loc] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                simple = self._simple(item, depth)
                if simple is not _NOT_SIMPLE:
                    self.lines.setdefault(loc + (i,), item.start_mark.line + 1)
                    self.count += 1
                    items.append(simple)
                else:
                    items.append(self.convert(item, loc + (i,), depth + 1))
            return items
        assert isinstance(node, yaml.ScalarNode)
        if len(node.value) > MAX_TEXT_CHARS:
            self.errors.append(self._error(
                node, loc, f"слишком длинное значение: {len(node.value):,} символов (предел — {MAX_TEXT_CHARS:,})".replace(",", " "),
                "сократите текст; длинный документ опубликуйте отдельно и дайте на него ссылку (links или source)"))
            return node.value[:MAX_TEXT_CHARS]
        bidi = _BIDI.search(node.value)
        if bidi:
            char = bidi.group()
            self.errors.append(self._error(
                node, loc, f"невидимый символ управления направлением текста U+{ord(char):04X} ({BIDI_CONTROLS[char]}) "
                           f"на {bidi.start() + 1}-й позиции значения",
                "он меняет порядок букв на экране; удалите значение и наберите его заново с клавиатуры"))
        if not node.style:  # plain scalar (None from PyYAML, "" from libyaml): the only kind YAML 1.1 re-types
            if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in _YAML12_BOOLS:
                return node.value
            if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and _SEXAGESIMAL.match(node.value):
                return node.value
            if not key and node.tag == "tag:yaml.org,2002:str" and self._comment_cut(node):
                comment = self.text[node.end_mark.index:].split("\n", 1)[0].strip()
                quoted = '"' + (node.value + " " + comment).replace("\\", "\\\\").replace('"', '\\"') + '"'
                self.errors.append(self._error(
                    node, loc, f"знак «#» после пробела начинает комментарий: прочитано только «{_short(node.value)}», "
                               f"а «{_short(comment)}» отброшено",
                    f"если «#» — часть текста, возьмите значение в кавычки: {_format_key(loc)} {_short(quoted, 120)}; "
                    "если это комментарий — перенесите его на отдельную строку"))
        if node.tag == _STR_TAG:  # what SafeConstructor makes of it: the text as it is (most values)
            return node.value
        try:
            return _CONSTRUCTOR.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # «2017-02-30»: the model says which date is impossible
            if isinstance(exc, yaml.YAMLError) and node.tag.startswith(("!", "tag:yaml.org,2002:python", "tag:yaml.org,2002:binary")) \
                    or not node.tag.startswith("tag:yaml.org,2002:"):
                shown = node.tag.replace("tag:yaml.org,2002:", "!!")
                message = f"тег «{_short(shown, 60)}» не поддерживается"
                hint = "напишите значение без тега «!…»; если это текст — возьмите его в кавычки"
            else:
                message = "число слишком длинное или записано неверно"
                hint = "напишите обычное число, например 12; если это текст — возьмите его в кавычки"
            self.errors.append(self._error(node, loc, message, hint))
            return node.value

    def values(self, node: yaml.Node, depth: int = 0, key: bool = False) -> Any:
        """What `convert(node, …)` gives, without the line map, for a document with nothing to report:
        the same steps and the same count of values, and `_Fallback` wherever `convert` would report a
        problem or stop at a limit (the caller then reads the document with `convert`, which says what)."""
        self.count += 1
        if self.count > MAX_VALUES or depth > MAX_DEPTH:
            raise _Fallback
        if isinstance(node, yaml.MappingNode):
            if node.tag not in _COLLECTION_TAGS:
                raise _Fallback
            result: dict[Any, Any] = {}
            plain, blank_hash, within = self.plain_text, self.blank_hash, depth < MAX_DEPTH
            for key_node, value_node in node.value:
                if key_node.tag == _STR_TAG and type(key_node) is yaml.ScalarNode and self.count < MAX_VALUES and within \
                        and (plain or len(key_node.value) <= MAX_TEXT_CHARS and not _BIDI.search(key_node.value)):
                    self.count += 1
                    name = key_node.value
                elif key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Fallback
                else:
                    name = self.values(key_node, depth + 1, key=True)
                    if not isinstance(name, (str, int)):
                        name = str(name)
                if name in result:
                    raise _Fallback
                if value_node.tag == _STR_TAG and type(value_node) is yaml.ScalarNode and self.count < MAX_VALUES and within \
                        and (plain or len(value_node.value) <= MAX_TEXT_CHARS and not _BIDI.search(value_node.value)) \
                        and (value_node.style or not blank_hash or not self._comment_cut(value_node)):
                    self.count += 1  # a text: what `_simple` gives, inline
                    result[name] = value_node.value
                    continue
                simple = self._simple(value_node, depth)
                if simple is not _NOT_SIMPLE:
                    self.count += 1
                    result[name] = simple
                else:
                    result[name] = self.values(value_node, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in _COLLECTION_TAGS:
                raise _Fallback
            items = []
            plain, blank_hash, within = self.plain_text, self.blank_hash, depth < MAX_DEPTH
            for item in node.value:
                if item.tag == _STR_TAG and type(item) is yaml.ScalarNode and self.count < MAX_VALUES and within \
                        and (plain or len(item.value) <= MAX_TEXT_CHARS and not _BIDI.search(item.value)) \
                        and (item.style or not blank_hash or not self._comment_cut(item)):
                    self.count += 1  # a text: what `_simple` gives, inline
                    items.append(item.value)
                    continue
                simple = self._simple(item, depth)
                if simple is not _NOT_SIMPLE:
                    self.count += 1
                    items.append(simple)
                else:
                    items.append(self.values(item, depth + 1))
            return items
        if not isinstance(node, yaml.ScalarNode) or len(node.value) > MAX_TEXT_CHARS or _BIDI.search(node.value):
            raise _Fallback
        if not node.style:
            if node.tag == _BOOL_TAG and node.value.lower() not in _YAML12_BOOLS:
                return node.value
            if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and _SEXAGESIMAL.match(node.value):
                return node.value
            if not key and node.tag == _STR_TAG and self._comment_cut(node):
                raise _Fallback
        if node.tag == _STR_TAG:
            return node.value
        try:
            return _CONSTRUCTOR.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value
            raise _Fallback from None

    def _simple(self, node: yaml.Node, depth: int) -> Any:
        """What `convert(node, …, depth + 1)` gives for the most common values — a text or a true/false
        within every limit, with nothing to report — without the call; otherwise `_NOT_SIMPLE`."""
        if type(node) is not yaml.ScalarNode or self.count >= MAX_VALUES or depth >= MAX_DEPTH:
            return _NOT_SIMPLE
        value = node.value
        if node.tag == _STR_TAG:
            if len(value) <= MAX_TEXT_CHARS and not _BIDI.search(value) and (node.style or not self._comment_cut(node)):
                return value
        elif node.tag == _BOOL_TAG and value in _YAML12_BOOL_VALUES:  # what SafeConstructor makes of it
            return _YAML12_BOOL_VALUES[value]
        return _NOT_SIMPLE

    def _comment_cut(self, node: yaml.ScalarNode) -> bool:
        """A plain text value that a « #» right after it cut short (the rest of the line read as a comment)."""
        return bool(_PROSE.search(node.value) and self.text and _TRAILING_COMMENT.match(self.text, node.end_mark.index))

    def _error(self, node: yaml.Node, loc: Path_, message: str, hint: str) -> DataError:
        return DataError(file=self.display, line=node.start_mark.line + 1,
                         field=_format_loc(loc), message=message, hint=hint)


_CONSTRUCTOR = yaml.SafeLoader("")  # scalars only; its memo of constructed nodes is emptied after each file
_STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_YAML12_BOOL_VALUES = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
_NOT_SIMPLE = object()
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
# the tag of a plain scalar by its text (keys and short values repeat from file to file)
_RESOLVED: dict[str, str] = {}
_SAFE_RESOLVER = yaml.resolver.Resolver()  # the safe loader's implicit tags; it has no path resolvers
# the first characters for which it has a rule (a plain scalar starting otherwise — a letter of a word,
# mostly — is text), or None if it has a rule for any first character
_RULED_FIRST: set[str] | None = None if None in _SAFE_RESOLVER.yaml_implicit_resolvers else \
    set(_SAFE_RESOLVER.yaml_implicit_resolvers)


def _resolve(self: Any, kind: Any, value: Any, implicit: Any) -> str:
    """The safe loader's tag for a node without an explicit one, with the tag of each short plain
    scalar looked up once per text: PyYAML's resolver tries its regular expressions on each of the
    ~600 000 scalars of 10,000 records. The same answer: the safe loader has no path resolvers, so a
    plain scalar's tag depends on its text alone, a quoted one (or one tagged «!») is text, so is a
    plain one whose first character no rule starts with, and a mapping or a list has the default tag."""
    if kind is yaml.ScalarNode:
        if not implicit[0] or _RULED_FIRST is not None and value and value[0] not in _RULED_FIRST:
            return _STR_TAG
        if len(value) <= 64:
            tag = _RESOLVED.get(value)
            if tag is None:
                if len(_RESOLVED) > 100_000:
                    _RESOLVED.clear()
                tag = _RESOLVED[value] = _SAFE_RESOLVER.resolve(kind, value, implicit)
            return tag
        return _SAFE_RESOLVER.resolve(kind, value, implicit)
    return _MAP_TAG if kind is yaml.MappingNode else _SEQ_TAG


def _no_path_resolvers(self: Any, *args: Any) -> None:
    """`descend_resolver` and `ascend_resolver`, called for every node, only serve path resolvers."""


# The same no-ops as C functions, for libyaml's composer: it calls both for each of ~600,000 nodes at
# 10,000 services (a Python function's frame for each of the 1.2 million calls: ≈ 0.02 s). `descend_resolver(parent, index)`
# becomes a lookup of the parent node (hashable, or None) in an empty dictionary, `ascend_resolver()` int().
_NO_DESCEND: Any = {}.get
_NO_ASCEND: Any = int


if hasattr(yaml, "CSafeLoader"):
    class _Loader(yaml.cyaml.CParser):
        """libyaml's parser and composer (ten times faster than PyYAML's, and they keep line marks) with
        the safe loader's tags, and neither the constructor nor the resolver state the safe loader makes
        for each file (`_Composer` makes the values)."""

        resolve = _resolve
        descend_resolver = _NO_DESCEND
        ascend_resolver = _NO_ASCEND

    _BASE_LOADER: type = yaml.CSafeLoader
else:  # the pure-Python parser is the fallback
    class _Loader(yaml.SafeLoader):  # type: ignore[no-redef]
        resolve = _resolve
        descend_resolver = _no_path_resolvers
        ascend_resolver = _no_path_resolvers

    _BASE_LOADER = yaml.SafeLoader


_LOADER = _Loader


def _format_loc(loc: Path_) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


format_loc = _format_loc


def _format_key(loc: Path_) -> str:
    """How the field is written in the file: «name:» or «-» for a list item."""
    return "-" if loc and isinstance(loc[-1], int) else f"{loc[-1]}:" if loc else "значение:"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


@lru_cache(maxsize=64)
def _realpath(path: str) -> str:
    return os.path.realpath(path)


def _real_path(path: str | Path, real_folder: str | None, stats: list[os.stat_result] | None = None) -> str:
    """`os.path.realpath(path)`; given its folder's real path, one `lstat` instead of one per part of the path
    (its result appended to `stats`)."""
    if real_folder is not None:
        try:
            link = os.lstat(path)
            if stats is not None:
                stats.append(link)
            if not stat.S_ISLNK(link.st_mode):
                return os.path.join(real_folder, os.path.basename(path))
        except OSError:
            pass
    return os.path.realpath(path)


_FILE_KINDS = [(stat.S_ISDIR, "папка"), (stat.S_ISFIFO, "канал (FIFO)"), (stat.S_ISCHR, "устройство"),
               (stat.S_ISBLK, "устройство"), (stat.S_ISSOCK, "сокет")]


def read_source(path: str | Path, display: str, errors: list[DataError], root: Path | None = None,
                real_folder: str | None = None, stats: list[os.stat_result] | None = None) -> bytes | None:
    """The bytes of a data file, or None with the reason in `errors`.

    Only a regular file is read, at most `MAX_FILE_BYTES`, and (given `root`) only one whose real
    place is inside `root`: a symlink out of the project, to /dev/zero or to a FIFO is refused
    without opening it for long (non-blocking open, checked on the open descriptor). `real_folder`:
    the real path of the file's folder, if the caller has it (one folder of thousands of records).
    `stats`, if given, receives what the reading found out on the way, before reading: the link's
    `lstat` (given `real_folder`) and the open file's `fstat`. `path`: a Path or its text (thousands of
    record files are read by their text: no Path made for each)."""
    def refuse(message: str, hint: str) -> None:
        errors.append(DataError(file=display, line=None, field="", message=message, hint=hint))

    if root is not None:
        real = _real_path(path, real_folder, stats)
        inside = _realpath(str(root))
        if not real.startswith(inside.rstrip(os.sep) + os.sep):
            refuse(f"файл — ссылка на «{real}» вне проекта", "данные сайта берутся только из файлов проекта: "
                   f"скопируйте нужный файл на место ссылки «{os.path.basename(path)}» (а не ссылайтесь на него)")
            return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        refuse("файл не найден (ссылка ведёт в никуда?)", f"удалите «{os.path.basename(path)}» или замените его настоящим файлом")
        return None
    except OSError as exc:
        refuse(f"файл не открывается ({exc.strerror})", "проверьте права на чтение файла")
        return None
    try:
        info = os.fstat(fd)
        if stats is not None:
            stats.append(info)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "особый файл")
            refuse(f"это не обычный файл, а {kind}", f"в data/ лежат только файлы с данными: удалите «{os.path.basename(path)}»")
            return None
        if info.st_size > MAX_FILE_BYTES:
            refuse(f"файл слишком большой: {info.st_size / 1e6:.1f} МБ (предел — {MAX_FILE_BYTES // 1_000_000} МБ)",
                   "в одной записи столько текста не бывает: проверьте, не вставлено ли лишнее (картинка, целый "
                   "документ); длинный документ опубликуйте отдельно и дайте на него ссылку")
            return None
        chunks = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(1 << 16, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:  # grew while read
            refuse(f"файл слишком большой (больше {MAX_FILE_BYTES // 1_000_000} МБ)", "уберите лишнее из файла")
            return None
        return b"".join(chunks)
    except OSError as exc:
        refuse(f"файл не читается ({exc.strerror})", "проверьте, что это обычный файл с данными")
        return None
    finally:
        os.close(fd)


def decode_source(raw: bytes, display: str, errors: list[DataError]) -> str | None:
    """UTF-8 text; otherwise an error naming the line of the first bad byte and how to re-save the file."""
    how = ("откройте файл в Блокноте → «Файл» → «Сохранить как…» → внизу «Кодировка: UTF-8» → «Сохранить» "
           "(в VS Code: щёлкните кодировку справа внизу → «Сохранить с кодировкой» → «UTF-8»)")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        errors.append(DataError(file=display, line=1, field="", message="файл в кодировке UTF-16 («Юникод»), нужна UTF-8",
                                hint=how))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        end = raw.find(b"\n", exc.start)
        guess = raw[start:end if end >= 0 else len(raw)].decode("cp1251", errors="replace").strip()
        errors.append(DataError(file=display, line=line, field="",
                                message=f"файл не в кодировке UTF-8 (похоже на Windows-1251: «{_short(guess)}»)",
                                hint=how))
        return None
    return text[1:] if text.startswith("\ufeff") else text


_OPENERS = ("[", "{", "- ", "-\t", "-\n", "-\r", "? ", "?\t", "?\n", "?\r", ":\n", ":\r", "#")
# one pass for all of them: the same count as `sum(text.count(m) for m in _OPENERS)` (a mark's second
# character is blank space, which starts no mark, so no two occurrences overlap), 2.5× faster
_OPENERS_RE = re.compile("|".join(re.escape(mark) for mark in _OPENERS))


def _prescan(text: str) -> tuple[yaml.Mark, str, str] | None:
    """Too deep a nesting or too many values, found by libyaml's streaming parser before the
    (recursive, node-keeping) composer sees the text: libyaml's composer overflows the C stack at
    ~50 000 levels, and 100 000 values take seconds to compose. A cheap bound skips the scan for
    the usual small files."""
    # each level opens with «[», «{», a «- »/«? » indicator or a «key:» ending its line (maybe before a comment);
    # nesting by indentation alone cannot pass ~1 400 levels within MAX_FILE_BYTES, and the composer below stops at 32
    bound = len(_OPENERS_RE.findall(text)) + 1
    if bound <= MAX_DEPTH and len(text) <= 65536:
        return None
    try:
        return _count_levels(text)
    except yaml.MarkedYAMLError as exc:
        # libyaml ≥ 0.2.5 stops by itself at 1 000 levels («exceeded maximum nesting depth»)
        if "nesting" in (exc.problem or "") and exc.problem_mark is not None:
            return exc.problem_mark, f"слишком глубокая вложенность (больше {MAX_DEPTH} уровней)", \
                "уберите лишние уровни отступов и скобок «[ ]», «{ }»"
        raise


def _count_levels(text: str) -> tuple[yaml.Mark, str, str] | None:
    depth = values = 0
    for event in yaml.parse(text, Loader=_LOADER):
        kind = type(event)
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark, f"слишком глубокая вложенность (больше {MAX_DEPTH} уровней)", \
                    "уберите лишние уровни отступов и скобок «[ ]», «{ }»"
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
        elif kind is yaml.ScalarEvent or kind is yaml.AliasEvent:
            values += 1
            if values > MAX_VALUES:
                return event.start_mark, f"слишком много значений (больше {MAX_VALUES})", \
                    "в одной записи столько значений не бывает: уберите лишнее или разделите данные на несколько файлов"
    return None


def read_yaml(path: str | Path, display: str, errors: list[DataError], root: Path | None = None,
              raw: bytes | None = None, with_lines: bool = False) -> SourceDoc | None:
    """Parse one file. Problems are appended to `errors`; None when nothing usable was read.
    `with_lines`: the line map is made now (it is wanted: a line is to be named), not on demand."""
    if raw is None:
        raw = read_source(path, display, errors, root)
        if raw is None:
            return None
    text = decode_source(raw, display, errors)
    if text is None:
        return None
    try:
        limit = _prescan(text)
        if limit is not None:
            errors.append(DataError(file=display, line=limit[0].line + 1, field="", message=limit[1], hint=limit[2]))
            return None
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        line, message, hint, key = syntax_message(exc, text)
        errors.append(DataError(file=display, line=line, field=key, message=message, hint=hint))
        return None
    except yaml.YAMLError as exc:  # reader errors: characters YAML does not accept
        position = getattr(exc, "position", None)
        character = getattr(exc, "character", None)
        if isinstance(position, int):  # libyaml counts bytes of UTF-8, the Python reader characters
            line = (raw[:position].count(b"\n") if _BASE_LOADER is not yaml.SafeLoader else text.count("\n", 0, position)) + 1
        else:
            line = None
        code = f"U+{ord(character):04X}" if isinstance(character, str) else \
            f"U+{character:04X}" if isinstance(character, int) else ""
        errors.append(DataError(file=display, line=line, field="",
                                message=f"недопустимый управляющий символ {code} в тексте",
                                hint="он мог попасть при копировании из другой программы: удалите значение в этой строке "
                                     "и наберите его заново"))
        return None
    if node is None:
        errors.append(DataError(file=display, line=1, field="", message="файл пуст",
                                hint="заполните файл или удалите его"))
        return None
    if not with_lines:
        try:  # nearly every file has nothing to report: its values first, without the line map
            return SourceDoc(path, _Composer(path, errors, display, text).values(node), text=text)
        except _Fallback:
            pass
        finally:  # PyYAML's constructor keeps every node it made (and the node's marks): not across files
            _CONSTRUCTOR.constructed_objects.clear()
            _CONSTRUCTOR.recursive_objects.clear()
    composer = _Composer(path, errors, display, text)
    try:
        data = composer.convert(node, ())
    except LimitExceeded as exc:
        errors.append(DataError(file=display, line=exc.node.start_mark.line + 1, field=_format_loc(exc.loc[:1]),
                                message=exc.message, hint=exc.hint))
        return None
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
        _CONSTRUCTOR.recursive_objects.clear()
    return SourceDoc(path, data, lines=composer.lines)


def _line_map(path: str | Path, text: str) -> dict[Path_, int]:
    """The map «field path → line» of a document read before without it (`SourceDoc.lines`)."""
    composer = _Composer(path, [], str(path), text)
    try:
        composer.convert(yaml.compose(text, Loader=_LOADER), ())
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
        _CONSTRUCTOR.recursive_objects.clear()
    return composer.lines


# ------------------------------------------------------------------ YAML syntax errors in Russian

_QUOTE_HINT = "возьмите значение в кавычки"


def _unclosed_quote(lines: list[str]) -> tuple[int, str] | None:
    """The first line whose value opens a quote it does not close: YAML then reads on to the next quote
    of that kind, lines below, and reports a confusing error there."""
    for number, line in enumerate(lines, 1):
        found = re.match(r"^\s*(?:-\s+)?(?:[^\s\"'#][^:#]*:\s+)?([\"'])(.*)$", line)
        if not found:
            continue
        quote, rest = found.groups()
        if quote == '"':
            rest = rest.replace("\\\\", "").replace('\\"', "")
            closed = '"' in rest
        else:
            closed = "'" in rest.replace("''", "")
        if not closed:
            return number, quote
    return None


def syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str, str, str]:
    """(line, message, hint, field) of a PyYAML/libyaml syntax error, in the editor's words."""
    lines = text.split("\n")
    mark = exc.problem_mark or exc.context_mark
    context = exc.context_mark
    line = mark.line + 1 if mark else None
    ctx_line = context.line + 1 if context else line
    problem = (exc.problem or "").lower()
    where = (exc.context or "").lower()

    def text_of(number: int | None) -> str:
        return lines[number - 1] if number and 0 < number <= len(lines) else ""

    def key_of(number: int | None) -> str:
        found = re.match(r"^\s*(?:-\s+)?([\w.-]+)\s*:", text_of(number))
        return found.group(1) if found else ""

    def indent(number: int | None) -> int:
        return len(text_of(number)) - len(text_of(number).lstrip(" "))

    def previous_key_line(number: int) -> int | None:
        for candidate in range(number - 1, 0, -1):
            if key_of(candidate):
                return candidate
        return None

    column = f", столбец {mark.column + 1}" if mark else ""
    unclosed = _unclosed_quote(lines[:line] if line else lines)
    if unclosed and not ("end of stream" in problem and "quoted scalar" in where):
        number, quote = unclosed
        return number, f"ошибка синтаксиса YAML: кавычка «{quote}», открытая в строке {number}, не закрыта", \
            f"поставьте «{quote}» в конце значения в строке {number}", key_of(number)
    message, hint = f"ошибка в записи YAML ({exc.problem or exc.context})", \
        "проверьте отступы (только пробелы), двоеточие с пробелом после каждого ключа и кавычки вокруг текста с «:» или «#»"
    char = text_of(line)[mark.column] if mark and line and mark.column < len(text_of(line)) else ""
    if "tab" in problem or char == "\t":
        message = "символ табуляции в начале строки"
        hint = f"замените табуляцию в строке {line} пробелами: YAML понимает отступы только из пробелов"
    elif "mapping values are not allowed" in problem:
        before = text_of(line)[:mark.column] if mark else ""
        if re.match(r"^\s*(?:-\s+)?[^\s:#][^:#]*:\s", before):
            key = key_of(line)
            value = before.split(":", 1)[1].strip() + text_of(line)[mark.column:]
            message = "второе двоеточие с пробелом в строке: YAML принимает его за новый ключ"
            hint = (f"возьмите значение в кавычки: {key}: \"{_short(value.strip(), 80)}\"" if key else _QUOTE_HINT)
        else:
            previous = previous_key_line(line) if line else None
            message = f"строка {line} сдвинута вправо дальше, чем строка {previous}"
            hint = (f"сделайте у строки {line} такой же отступ, как у строки {previous} ({indent(previous)} пробелов); "
                    f"если это продолжение текста из строки {previous}, возьмите весь текст в кавычки")
    elif "end of stream" in problem and "quoted scalar" in where:
        quote = text_of(ctx_line)[context.column] if context and context.column < len(text_of(ctx_line)) else "\""
        message = f"кавычка «{quote}», открытая в строке {ctx_line}, не закрыта"
        hint = f"поставьте «{quote}» в конце значения в строке {ctx_line}"
        line = ctx_line
    elif "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        bracket = "]" if "]" in problem else "}"
        message = f"скобка «{'[' if bracket == ']' else '{'}», открытая в строке {ctx_line}, не закрыта"
        hint = (f"поставьте «{bracket}» в конце строки {ctx_line}; если в элементе есть запятая, двоеточие или «#», "
                "возьмите элемент в кавычки")
        line = ctx_line
    elif "unknown escape" in problem:
        message = "обратная косая черта «\\» внутри двойных кавычек"
        hint = "замените двойные кавычки вокруг значения на одинарные '…' — в них «\\» остаётся обычным символом"
    elif "cannot start any token" in problem:
        message = f"значение не может начинаться с «{char}»"
        key = key_of(line)
        value = text_of(line)[mark.column:].strip() if mark else ""
        hint = f"возьмите значение в кавычки: {key}: \"{_short(value, 80)}\"" if key else _QUOTE_HINT
    elif "undefined alias" in problem:
        message = "«*» в начале значения — это ссылка на якорь «&», а такого якоря нет"
        hint = _QUOTE_HINT + (f": {key_of(line)}: \"{text_of(line).split(':', 1)[1].strip()}\"" if key_of(line) else "")
    elif "duplicate anchor" in where or "duplicate anchor" in problem:
        message = "якорь «&…» объявлен дважды"
        hint = "если «&» — часть текста, возьмите значение в кавычки; иначе дайте второму якорю другое имя"
    elif "single document" in where:
        message = "в файле больше одного документа (строка «---»)"
        hint = f"уберите строку «---» в строке {line}: в файле — одна запись"
    elif "expected '-' indicator" in problem:
        message = f"строка {line} стоит внутри списка, но не начинается с «- »"
        hint = (f"если это новый элемент списка, начните строку с «- »; если это поле записи, сделайте у строки {line} "
                f"такой же отступ, как у ключей над списком")
    elif "block sequence entries are not allowed" in problem:
        message = "«- » в середине строки: так начинается элемент списка"
        hint = (_QUOTE_HINT + f": {key_of(line)}: \"{text_of(line).split(':', 1)[1].strip()}\"" if key_of(line)
                else "если это список, начните каждый элемент с новой строки")
    elif "expected comment or line break" in problem and "block scalar" in where:
        message = "после «|» или «>» в той же строке ничего не пишут"
        hint = "перенесите текст на следующую строку с отступом или возьмите значение в кавычки"
    elif "alphabetic or numeric" in problem and ("alias" in where or "anchor" in where):
        message = "после «*» или «&» в начале значения YAML ждёт имя якоря"
        hint = _QUOTE_HINT
    elif "could not find expected ':'" in problem:
        message = f"в строке {ctx_line} нет двоеточия после ключа"
        hint = (f"напишите в строке {ctx_line} «ключ: значение»; если это продолжение текста из строки выше, "
                "возьмите весь текст в кавычки")
        line = ctx_line
    elif "expected key" in problem or "expected <block end>" in problem:
        previous = previous_key_line(line) if line else None
        message = f"неверный отступ в строке {line}"
        hint = (f"поля одной записи начинаются с одного столбца: сделайте у строки {line} такой же отступ, как у строки "
                f"{previous}" if previous else "выровняйте отступы") + "; текст со знаками «:», «#», «-» возьмите в кавычки"
    elif "expected the node content" in problem or "expected node content" in problem:
        message = "нет значения там, где оно ожидается"
        hint = _QUOTE_HINT
    return line, f"ошибка синтаксиса YAML{column if line == (mark.line + 1 if mark else None) else ''}: {message}", \
        hint, key_of(line)
