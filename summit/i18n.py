"""Translation catalogs: one per feature, beside its code (summit/<feature>/translations),
plus summit/translations for the shared layout. Message ids are English; zh_CN is the
default locale and must be complete.

    python -m summit.i18n update [FEATURE ...]   extract and merge into the .po files
    python -m summit.i18n compile                write the .mo files (make does this)
    python -m summit.i18n check                  list untranslated messages, exit 1 if any
    python -m summit.i18n translate FEATURE < zh.json   set zh_CN strings from {"msgid": "译文"}

A message with a context (pgettext("round", "Kind")) is keyed "round\\u0004Kind" in that JSON,
as gettext keys it; a bare "Kind" sets only the message without a context.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parent
TEMPLATES = PROJECT / "templates"
# Catalogs of Chinese live in "zh": Babel reads zh_CN as zh_Hans_CN and falls back to zh.
LOCALES = ("zh", "en")
# Mail bodies are Jinja templates too (.txt beside .html).
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.do"}, "**.txt": {"extensions": "jinja2.ext.do"}}


def catalogs() -> dict[str, Path]:
    """name -> translations directory; "" is the shared one."""
    found = {"": PACKAGE / "translations"}
    for child in sorted(PACKAGE.iterdir()):
        if child.is_dir() and (child / "__init__.py").exists():
            found[child.name] = child / "translations"
    return found


def _sources(name: str) -> list[tuple[Path, bool]]:
    """(directory, recursive) pairs whose messages belong to catalog `name`."""
    if name:
        return [(PACKAGE / name, True), (TEMPLATES / name, True)]
    return [(PACKAGE, False), (TEMPLATES, False), (TEMPLATES / "errors", True)]


def extract(name: str) -> Catalog:
    catalog = Catalog(project="qianshan-summit")
    for folder, recursive in _sources(name):
        if not folder.exists():
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            folder, METHOD_MAP, OPTIONS, keywords={"_": None, "gettext": None, "ngettext": (1, 2),
                                                   "lazy_gettext": None, "_l": None, "pgettext": ((1, "c"), 2),
                                                   "lazy_pgettext": ((1, "c"), 2)}
        ):
            if not recursive and "/" in filename.replace("\\", "/"):
                continue
            # Paths from the project's root: the same catalog wherever the checkout lives.
            where = (folder / filename).relative_to(PROJECT).as_posix()
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def _po_path(name: str, locale: str) -> Path:
    return catalogs()[name] / locale / "LC_MESSAGES" / "messages.po"


def update(names: list[str]) -> None:
    for name in names:
        template = extract(name)
        if not len(template):
            continue
        for locale in LOCALES:
            path = _po_path(name, locale)
            if path.exists():
                with path.open("rb") as fh:
                    catalog = read_po(fh, locale=locale)
            else:
                catalog = Catalog(locale=locale, project="qianshan-summit")
            catalog.update(template, no_fuzzy_matching=True)
            if locale == "en":  # English ids are the English text
                for message in catalog:
                    if message.id and not message.string:
                        message.string = message.id
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as fh:
                write_po(fh, catalog, width=0, omit_header=False, ignore_obsolete=True)
            print(f"{path.relative_to(PROJECT)}: {len(catalog)} messages")


def compile_all() -> None:
    for name, folder in catalogs().items():
        for po in folder.glob("*/LC_MESSAGES/messages.po"):
            with po.open("rb") as fh:
                catalog = read_po(fh)
            # Flask-Babel merges the feature catalogs into one that keeps English's plural rule
            # (index 1 for n != 1): a language with a single form repeats it as the second.
            for message in catalog:
                if message.id and not isinstance(message.id, str) and isinstance(message.string, (list, tuple)) \
                        and len(message.string) == 1 and message.string[0]:
                    message.string = (message.string[0],) * 2
            with po.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, catalog)


def _key(message) -> str:
    """gettext's key of a message: "context\x04msgid" when it has a context."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}\x04{msgid}" if message.context else msgid


def _shown(key: str) -> str:
    return repr(key.replace("\x04", " | ")) if "\x04" in key else repr(key)


def missing() -> list[str]:
    """Messages in the code with no zh_CN translation (or a fuzzy one)."""
    problems = []
    for name in catalogs():
        template = extract(name)
        path = _po_path(name, "zh")
        translated = {}
        if path.exists():
            with path.open("rb") as fh:
                translated = {_key(m): m for m in read_po(fh) if m.id}
        for message in template:
            if not message.id:
                continue
            key = _key(message)
            found = translated.get(key)
            string = found.string if found else None
            if isinstance(string, (list, tuple)):
                string = string[0]
            if not string or (found is not None and found.fuzzy):
                where = message.locations[0] if message.locations else ("?", 0)
                problems.append(f"{name or 'shared'}: {_shown(key)} ({Path(where[0]).name}:{where[1]})")
    return problems


def conflicts() -> list[str]:
    """Message ids translated differently by two catalogs. Flask-Babel merges the catalogs into
    one, so only one of the translations would ever show, depending on load order."""
    seen: dict[str, tuple[str, str]] = {}
    problems = []
    for name in catalogs():
        path = _po_path(name, "zh")
        if not path.exists():
            continue
        with path.open("rb") as fh:
            for message in read_po(fh):
                if not message.id or not isinstance(message.id, str) or not message.string:
                    continue
                key = _key(message)
                earlier = seen.setdefault(key, (name or "shared", message.string))
                if earlier[1] != message.string:
                    problems.append(f"{name or 'shared'}: {_shown(key)} is {message.string!r}, "
                                    f"but {earlier[0]} says {earlier[1]!r}")
    return problems


def translate(name: str, strings: dict[str, str]) -> int:
    """Set zh_CN translations of catalog `name` ("shared" for the layout's); returns how many."""
    name = "" if name == "shared" else name
    path = _po_path(name, "zh")
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="zh")
    done = 0
    for message in catalog:
        key = _key(message) if message.id else None
        if key in strings:
            message.string = strings[key] if isinstance(message.id, str) else (strings[key],) * 2
            message.flags.discard("fuzzy")
            done += 1
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, ignore_obsolete=True)
    return done


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update(argv[1:] or list(catalogs()))
    elif command == "compile":
        compile_all()
    elif command == "translate":
        import json

        print(translate(argv[1], json.load(sys.stdin)), "translated")
    elif command == "check":
        problems = missing() + conflicts()
        for line in problems:
            print(line)
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
