"""People's names the way Chinese readers order, search and read them: pure, no Flask, no database.

- Order: ICU's collations as CLDR ships them: `zh-u-co-stroke` (姓氏笔画, official lists) and
  `zh` (pinyin, everyday lists). English names fall among them where ICU places them. The
  collation keys are bytes that compare like the names, so a database can store and index them.
- Search: a key holding the name (in simplified characters), its full pinyin and its initials,
  every reading of a polyphonic character included (单 is dan, shan and chan), so that `liuyan`,
  `ly`, `liu yan`, `liú yàn` and `劉` all find 刘䶮. Characters pypinyin lacks take their reading
  from Unihan (names_data/unihan_readings.tsv); a name with no reading is found by its characters.
- Romanisation for badges: `LIU Yan`, compound surnames (欧阳, 司马 ...) kept together.
"""
from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from pathlib import Path

ORDERS = ("stroke", "pinyin")
_LOCALES = {"stroke": "zh@collation=stroke", "pinyin": "zh"}
# Beyond this many combinations of polyphonic readings only the first readings are kept.
_MAX_VARIANTS = 8
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# 复姓: two-character surnames (the common ones of the 百家姓), kept whole in romanisation.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 闾丘 端木 "
    "澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 仲孙 万俟 司空 百里 呼延 东郭 南宫 西门 拓跋 "
    "第五 独孤 公羊 左丘 赫连 羊舌 微生 梁丘 段干 司寇 亓官 谷梁 乐正 巫马 漆雕 壤驷 公良".split())
# Readings of characters as surnames where they differ from the everyday one.
SURNAME_READINGS = {"单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
                    "区": "ou", "盖": "ge", "尉": "yu", "乐": "yue", "缪": "miao", "翟": "zhai",
                    "覃": "qin", "召": "shao", "种": "chong", "繁": "po", "冼": "xian", "万": "wan",
                    "长": "zhang", "重": "chong", "员": "yun", "折": "she", "秘": "bi", "任": "ren"}


@functools.lru_cache(maxsize=None)
def _collator(order: str):
    import icu

    collator = icu.Collator.createInstance(icu.Locale(_LOCALES[order]))
    return collator


def sort_key(name: str, order: str) -> bytes:
    """ICU's collation key of a name in stroke or pinyin order (bytes compare as the names sort)."""
    if order not in _LOCALES:
        raise ValueError(order)
    return bytes(_collator(order).getSortKey(unicodedata.normalize("NFC", name or "").strip()))


def sort_keys(name: str) -> dict[str, bytes]:
    return {order: sort_key(name, order) for order in ORDERS}


def sorted_by(items, order: str, name=lambda item: item):
    """Items in stroke or pinyin order of name(item); any other order keeps them as they are."""
    if order not in _LOCALES:
        return list(items)
    return sorted(items, key=lambda item: sort_key(name(item) or "", order))


@functools.lru_cache(maxsize=1)
def _unihan() -> dict[str, str]:
    table = {}
    path = Path(__file__).with_name("names_data") / "unihan_readings.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, reading, _source = line.split("\t", 2)
            table[chr(int(code[2:], 16))] = reading
    return table


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters as simplified ones (OpenCC), so that 劉 finds 刘."""
    return _t2s().convert(text) if _HAN.search(text or "") else (text or "")


def _readings(ch: str) -> list[str]:
    """Every reading of one character, plain letters (ü as v); [] for one with no reading."""
    from pypinyin import Style, pinyin

    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="default")[0]
    readings = [r for r in found if r and r.isascii() and r.isalpha()]
    if not readings and ch in _unihan():
        readings = [_unihan()[ch]]
    return readings


def _syllables(name: str) -> list[list[str]]:
    """The name as units: a Han character's readings, or a run of Latin letters and digits."""
    units: list[list[str]] = []
    text = simplified(unicodedata.normalize("NFKC", name or "")).lower()
    for token in re.findall(r"[a-z0-9]+|\S", text):
        if _HAN.fullmatch(token):
            units.append(_readings(token))
        elif token.isascii() and token.isalnum():
            units.append([token])
    return units


def search_key(name: str) -> str:
    """What a registration's name is searched by: ` simplified name | full pinyin … | initials … `.

    Each alternative is set off by spaces, so a query matches inside one reading and not
    across two. A character without any reading only leaves the name itself to match."""
    text = unicodedata.normalize("NFC", name or "").strip()
    parts = [text.lower()]
    plain = simplified(text).lower()
    if plain != parts[0]:
        parts.append(plain)
    units = _syllables(text)
    if units and all(units):
        if _HAN.match(simplified(text)[:1] or "") and text[:1] in SURNAME_READINGS:
            first = SURNAME_READINGS[text[:1]]
            units[0] = [first] + [r for r in units[0] if r != first]
        combos = itertools.islice(itertools.product(*units), _MAX_VARIANTS)
        fulls, initials = [], []
        for combo in combos:
            full = "".join(combo)
            if full not in fulls:
                fulls.append(full)
            short = "".join(s[0] for s in combo)
            if short not in initials:
                initials.append(short)
            if "v" in full:  # 吕 as lv, and as lu, the way many people type it
                fulls.append(full.replace("v", "u"))
        parts += fulls + initials
    return " " + " ".join(dict.fromkeys(p.replace(" ", "") for p in parts if p)) + " "


def query_forms(query: str) -> list[str]:
    """What a typed query is looked for in search keys: its characters (traditional ones as
    simplified), and, when it is pinyin, the letters alone (spaces, tone marks and numbers,
    apostrophes dropped; ü as v)."""
    text = unicodedata.normalize("NFKC", query or "").strip().lower()
    if not text:
        return []
    forms = [re.sub(r"\s+", "", simplified(text))]
    latin = unicodedata.normalize("NFD", text.replace("ü", "v").replace("u:", "v"))
    latin = "".join(c for c in latin if not unicodedata.combining(c))
    if re.fullmatch(r"[a-z1-5'’\s·.-]+", latin) and re.search(r"[a-z]", latin):
        forms.append(re.sub(r"[^a-z]", "", latin))
    return list(dict.fromkeys(f for f in forms if f))


def matches(name: str, query: str) -> bool:
    """Whether a query finds this name (for short lists searched in Python rather than SQL)."""
    key = _cached_search_key(name or "")
    return any(form in key for form in query_forms(query))


@functools.lru_cache(maxsize=8192)
def _cached_search_key(name: str) -> str:
    return search_key(name)


def is_chinese(name: str) -> bool:
    """A name written in Han characters (a middle dot for minority names allowed)."""
    text = (name or "").strip()
    return bool(text) and all(_HAN.fullmatch(c) or c in "·•・" for c in text)


def romanised(name: str) -> str:
    """`LIU Yan` for 刘䶮, `OUYANG Xiu` for 欧阳修: the surname in capitals, then the given name;
    "" for a name that is not Chinese or has a character with no reading."""
    if not is_chinese(name):
        return ""
    text = simplified(name.strip())
    if "·" in text or "•" in text or "・" in text:  # 阿依古丽·买买提: each part as written
        parts = [p for p in re.split(r"[·•・]", text) if p]
        readings = [_join(p) for p in parts]
        return " ".join(r.capitalize() for r in readings) if all(readings) else ""
    surname_len = 2 if len(text) > 2 and text[:2] in COMPOUND_SURNAMES else 1
    surname, given = text[:surname_len], text[surname_len:]
    first = SURNAME_READINGS.get(surname) if surname_len == 1 else None
    surname_pinyin = first or _join(surname)
    given_pinyin = _join(given, given=True)
    if not surname_pinyin or (given and not given_pinyin):
        return ""
    return f"{surname_pinyin.upper()} {given_pinyin.capitalize()}".strip()


def _join(text: str, given: bool = False) -> str:
    from pypinyin import Style, lazy_pinyin

    out = []
    for ch in text:
        reading = lazy_pinyin(ch, style=Style.NORMAL, v_to_u=True, errors=lambda c: [""])[0] if given else None
        reading = reading or (_readings(ch) or [None])[0]
        if not reading:
            return ""
        out.append(reading.replace("v", "ü"))
    if given and len(text) > 1:
        # The given name in context (a word's reading beats a character's first reading).
        phrase = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors=lambda c: [""] * len(c))
        if all(phrase) and len(phrase) == len(out):
            out = phrase
    # An apostrophe where a syllable starting with a vowel would run into the one before (Xi'an).
    joined = out[0] if out else ""
    for syllable in out[1:]:
        joined += ("'" if syllable[:1] in "aeo" else "") + syllable
    return joined
