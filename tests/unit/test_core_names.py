"""Codes typed full-width, and names in stroke and pinyin order, searched by pinyin, romanised."""
from __future__ import annotations

import pytest

from summit.core import names, normalise
from summit.registration.identity import is_valid_resident_id, normalise_phone
from summit.registration.validation import clean_person

FULL_PHONE = "１３９００００１１１１"
FULL_ID = "１１０１０１１９９００３０７８０３Ｘ"


def test_codes_are_folded_and_text_is_not():
    assert normalise.code(f" {FULL_PHONE} ") == "13900001111"
    assert normalise.code("１３９－００００ １１１１") == "13900001111"
    assert normalise.code(FULL_ID) == "11010119900307803X"
    assert normalise.email("ｚｈａｎｇ＠ｅｘａｍｐｌｅ。ｃｏｍ") == "zhang@example.com"
    assert normalise.email(" li @ qq．com ") == "li@qq.com"
    assert normalise.number("１，０００．５") == "1,000.5"
    assert normalise_phone(FULL_PHONE) == "13900001111"
    assert normalise_phone("＋８６ １３９ ００００ １１１１") == "13900001111"
    assert normalise_phone("（＋４４）２０７９４６００００") == "+442079460000"
    assert is_valid_resident_id(FULL_ID)
    # Digits of other scripts are not ASCII digits, even though \d matches them.
    assert normalise_phone("١٣٩٠٠٠٠١١١١") is None


def test_clean_person_folds_codes_and_keeps_names_as_typed():
    clean, errors = clean_person(
        {"name": "Ｊｏｈｎ　刘䶮", "organisation": "ＡＢＣ 公司", "category_id": "1", "phone": FULL_PHONE,
         "email": "ＬＩＵ＠ｅｘａｍｐｌｅ。ｃｏｍ", "id_type": "resident_id", "id_number": FULL_ID,
         "birth_year": "１９９０"},
        categories={"1": 1}, field_tags={}, programme_parts={}, year=2024)
    assert errors == {}
    assert clean["phone"] == "13900001111" and clean["id_number"] == "11010119900307803X"
    assert clean["email"] == "liu@example.com" and clean["birth_year"] == 1990
    assert clean["name"].startswith("Ｊｏｈｎ") and clean["organisation"] == "ＡＢＣ 公司"


def test_stroke_and_pinyin_orders_are_icus():
    people = ["王小明", "刘䶮", "欧阳修", "丁一", "张伟", "李四", "马云", "白居易"]
    stroke = names.sorted_by(people, "stroke")
    pinyin = names.sorted_by(people, "pinyin")
    # 丁 2 strokes, 马 3, 王 4, 白 5, 刘 6, 张 7, 李 7, 欧 8
    assert stroke == ["丁一", "马云", "王小明", "白居易", "刘䶮", "张伟", "李四", "欧阳修"]
    assert pinyin == ["白居易", "丁一", "李四", "刘䶮", "马云", "欧阳修", "王小明", "张伟"]
    assert names.sorted_by(people, "created") == people
    keys = [names.sort_key(n, "stroke") for n in people]
    assert sorted(people, key=lambda n: keys[people.index(n)]) == stroke


@pytest.mark.parametrize("query", ["liuyan", "ly", "liu yan", "Liú Yǎn", "liu2 yan3", "LIU Yan", "劉", "刘䶮", "䶮", "yan"])
def test_search_key_finds_liu_yan(query):
    key = names.search_key("刘䶮")
    assert any(form in key for form in names.query_forms(query)), (query, key)


def test_search_key_readings_surnames_traditional_and_unihan():
    assert "shantianfang" in names.search_key("单田芳") and "stf" in names.search_key("单田芳")
    assert "zengguofan" in names.search_key("曾国藩")
    assert "lvbu" in names.search_key("吕布") and "lubu" in names.search_key("吕布")
    assert " 张伟 " in names.search_key("張偉") and "zhangwei" in names.search_key("張偉")
    # 𠮷 is not in pypinyin's dictionary; Unihan names 吉 as its variant.
    from pypinyin import lazy_pinyin

    assert lazy_pinyin("𠮷") == ["𠮷"]
    assert "jiye" in names.search_key("𠮷野")
    # A character without any reading: the name is still there to be found by its characters.
    assert names.search_key("\U00030000\U00030001").strip() == "\U00030000\U00030001"
    assert not any(f in names.search_key("刘䶮") for f in names.query_forms("wang"))


def test_romanised_for_badges():
    assert names.romanised("刘䶮") == "LIU Yan"
    assert names.romanised("欧阳修") == "OUYANG Xiu"
    assert names.romanised("司马懿") == "SIMA Yi"
    assert names.romanised("单田芳") == "SHAN Tianfang"
    assert names.romanised("王安娜") == "WANG Anna"
    assert names.romanised("劉德華") == "LIU Dehua"
    assert names.romanised("Emily Carter") == ""
    assert names.romanised("\U00030000明") == ""
