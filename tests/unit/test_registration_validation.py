"""validation.clean_person and tabular: pure, no Flask, no database."""
from __future__ import annotations

import pytest

from summit.registration import tabular
from summit.registration.validation import clean_answers, clean_person, clean_text, split_list

LOOK = dict(categories={"1": 1, "talent": 1, "高层次人才": 1}, field_tags={"ai": "ai", "人工智能": "ai", "vr": "vr"},
            programme_parts={"opening": "opening", "开幕式": "opening"}, year=2024)


def person(**overrides):
    raw = {"name": "张学莹", "category_id": "talent", "organisation": "致真精密仪器(青岛)有限公司",
           "phone": "138 0000 0000", "email": "Zhang@Example.com", "id_type": "居民身份证",
           "id_number": "11010119900307803x", "overseas": "是", "fields": "人工智能、vr", "consent": "y"}
    raw.update(overrides)
    return raw


def test_a_good_person_is_normalised():
    clean, errors = clean_person(person(), **LOOK, require_consent=True)
    assert errors == {}
    assert clean["phone"] == "13800000000" and clean["email"] == "zhang@example.com"
    assert clean["id_type"] == "resident_id" and clean["id_number"] == "11010119900307803X"
    assert clean["birth_year"] == 1990 and clean["overseas"] is True and clean["fields"] == ["ai", "vr"]
    assert clean["category_id"] == 1


@pytest.mark.parametrize("overrides,field,code", [
    ({"name": "  "}, "name", "required"),
    ({"name": "!!!"}, "name", "invalid_name"),
    ({"phone": "+86 12345"}, "phone", "invalid_phone"),
    ({"email": "a@"}, "email", "invalid_email"),
    ({"id_number": "110101199013078030"}, "id_number", "invalid_resident_id"),  # month 13
    ({"id_type": "护照", "id_number": "A1"}, "id_number", "invalid_passport"),
    ({"id_type": "驾照"}, "id_type", "invalid_choice"),
    ({"birth_year": "1991"}, "birth_year", "birth_year_mismatch"),
    ({"birth_year": "19x0"}, "birth_year", "invalid_birth_year"),
    ({"overseas": "maybe"}, "overseas", "invalid_choice"),
    ({"fields": "炼金术"}, "fields", "invalid_choice"),
    ({"category_id": "外星人"}, "category_id", "invalid_choice"),
    ({"consent": ""}, "consent", "consent_required"),
    ({"organisation": "x" * 201}, "organisation", "too_long"),
])
def test_each_problem_has_its_code(overrides, field, code):
    _clean, errors = clean_person(person(**overrides), **LOOK, require_consent=True)
    assert errors.get(field) == code


def test_identity_is_optional_for_imports_only():
    raw = person(id_type="", id_number="")
    assert clean_person(raw, **LOOK)[1] == {"id_number": "required"}
    assert clean_person(raw, **LOOK, require_identity=False)[1] == {}


def test_partial_checks_only_the_editable_fields():
    clean, errors = clean_person({"organisation": "海信", "phone": "13900000000"}, **LOOK,
                                 partial=("organisation", "phone"))
    assert errors == {} and set(clean) == {"organisation", "phone"}


def test_clean_text_drops_control_characters():
    assert clean_text("a\x00b\x1bc\u202ed\n e", 100) == ("abcd e", None)
    assert clean_text("x" * 5, 4) == ("xxxx", "too_long")
    assert split_list("人工智能、新材料, ai;;") == ["人工智能", "新材料", "ai"]


def test_extra_answers_by_kind():
    questions = [{"id": 1, "kind": "single", "required": True, "choices": ["a", "b"]},
                 {"id": 2, "kind": "multiple", "required": False, "choices": ["x", "y", "z"]},
                 {"id": 3, "kind": "yesno", "required": False, "choices": []},
                 {"id": 4, "kind": "number", "required": False, "choices": []},
                 {"id": 5, "kind": "date", "required": False, "choices": []}]
    answers, errors = clean_answers({"1": "b", "2": ["z", "x", "z"], "3": "否", "4": "1,200", "5": "2024-11-19"}, questions)
    assert errors == {} and answers == {"1": "b", "2": ["x", "z"], "3": False, "4": 1200, "5": "2024-11-19"}
    _answers, errors = clean_answers({"2": ["q"], "4": "nan", "5": "19/11/2024"}, questions)
    assert errors == {"1": "required", "2": "invalid_choice", "4": "invalid_number", "5": "invalid_date"}


def test_tabular_reads_gbk_csv_and_bilingual_headers():
    text = "姓名,Mobile phone,邮箱 Email,备注\n王敏,13800000000,wm@example.com,x\n,,,\n"
    unknown, rows = tabular.read_rows("a.csv", text.encode("gbk"))
    assert unknown == ["备注"] and rows == [(2, {"name": "王敏", "phone": "13800000000", "email": "wm@example.com"})]
    with pytest.raises(tabular.TableError):
        tabular.read_rows("a.pdf", b"%PDF")


def test_tabular_writes_csv_with_bom_and_neutralises_formulas():
    data = tabular.write_csv(["姓名", "手机"], [["=1+1", "+8613800000000"], [["a", "b"], True]])
    text = data.decode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf") and "'=1+1" in text and ",\t+8613800000000" in text and "a、b,是" in text
