"""One person's registration data, checked field by field: pure (no Flask, no database).

The public form, the organizer's edit page and the Excel/CSV import all go through
clean_person(), so a row the import accepts is a row the form would accept too.
Errors are codes (see errors.ERROR_MESSAGES for their translated text).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Iterable

from email_validator import EmailNotValidError, validate_email

from summit.core import normalise
from summit.registration.identity import is_valid_passport, is_valid_resident_id, looks_like_passport, normalise_phone

LIMITS = {"name": 120, "organisation": 200, "title": 200, "dietary": 200, "email": 320, "answer": 1000}
GENDERS = ("male", "female", "other")
DEGREES = ("bachelor", "master", "phd", "other")
ID_TYPES = ("resident_id", "passport")
LANGUAGES = ("zh_CN", "en")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "x", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "无", ""}

# Control characters (C0 except tab/newline, DEL, C1) and the invisible bidi overrides
# are dropped: they cannot be typed on purpose and break exports and badges.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(value: Any, limit: int, multiline: bool = False) -> tuple[str, str | None]:
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    if not multiline:
        text = re.sub(r"\s+", " ", text)
    text = text.strip()
    if len(text) > limit:
        return text[:limit], "too_long"
    return text, None


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = str(value if value is not None else "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def split_list(value: Any) -> list[str]:
    """A list from a form (list) or a spreadsheet cell ("人工智能、新材料" or "ai, vr")."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        items = value
    else:
        items = re.split(r"[,，、;；/|\n]+", str(value))
    return [str(i).strip() for i in items if str(i).strip()]


def _choice(value: Any, mapping: dict[str, str]) -> str | None:
    """The canonical value for a raw one (a code, or a name in either language), or None."""
    key = str(value if value is not None else "").strip()
    if key in mapping:
        return mapping[key]
    return mapping.get(key.lower())


def clean_answers(raw: dict, questions: Iterable[dict]) -> tuple[dict, dict[str, str]]:
    """questions: [{"id", "kind", "required", "choices": [values]}]; raw: {str(id): value}."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in questions:
        key = str(q["id"])
        value = raw.get(key)
        kind = q["kind"]
        if kind == "multiple":
            items = split_list(value)
            if not items:
                if q.get("required"):
                    errors[key] = "required"
                continue
            if any(i not in q["choices"] for i in items):
                errors[key] = "invalid_choice"
                continue
            answers[key] = sorted(set(items), key=q["choices"].index)
            continue
        text, problem = clean_text(value, LIMITS["answer"], multiline=(kind == "text"))
        if problem:
            errors[key] = problem
            continue
        if text == "":
            if q.get("required"):
                errors[key] = "required"
            continue
        if kind == "text":
            answers[key] = text
        elif kind == "single":
            if text not in q["choices"]:
                errors[key] = "invalid_choice"
            else:
                answers[key] = text
        elif kind == "yesno":
            flag = parse_bool(text)
            if flag is None:
                errors[key] = "invalid_choice"
            else:
                answers[key] = flag
        elif kind == "number":
            try:
                number = float(normalise.number(text).replace(",", ""))
            except ValueError:
                errors[key] = "invalid_number"
                continue
            if number != number or abs(number) > 1e12:  # NaN or absurd
                errors[key] = "invalid_number"
            else:
                answers[key] = int(number) if number.is_integer() else number
        elif kind == "date":
            try:
                answers[key] = dt.date.fromisoformat(normalise.fold(text)[:10]).isoformat()
            except ValueError:
                errors[key] = "invalid_date"
    return answers, errors


def clean_person(raw: dict, *, categories: dict[str, int], field_tags: dict[str, str],
                 programme_parts: dict[str, str], questions: Iterable[dict] = (), year: int,
                 require_identity: bool = True, require_consent: bool = False,
                 partial: Iterable[str] | None = None) -> tuple[dict, dict[str, str]]:
    """(clean values, {field: error code}). Lookup maps take any accepted spelling
    (code, Chinese or English name, lower-cased too) to the stored value.

    partial: only these fields are checked and returned (an attendee's edit).
    """
    wanted = set(partial) if partial is not None else None
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    for name in ("name", "organisation", "title", "dietary"):
        if want(name):
            text, problem = clean_text(raw.get(name), LIMITS[name])
            if problem:
                errors[name] = problem
            elif name in ("name", "organisation") and not text:
                errors[name] = "required"
            clean[name] = text
    if want("name") and "name" not in errors and not re.search(r"\w", clean["name"]):
        errors["name"] = "invalid_name"

    if want("gender"):
        gender = str(raw.get("gender") or "").strip().lower()
        gender = {"男": "male", "女": "female", "m": "male", "f": "female", "其他": "other"}.get(gender, gender)
        if gender and gender not in GENDERS:
            errors["gender"] = "invalid_choice"
        clean["gender"] = gender

    if want("category_id"):
        category = _choice(raw.get("category_id", raw.get("category")), categories)
        if category is None:
            errors["category_id"] = "required" if not str(raw.get("category_id", raw.get("category")) or "").strip() else "invalid_choice"
        clean["category_id"] = category

    if want("phone"):
        text, problem = clean_text(normalise.code(raw.get("phone")), 40)
        phone = normalise_phone(text) if not problem else None
        if not text:
            errors["phone"] = "required"
        elif phone is None:
            errors["phone"] = "invalid_phone"
        clean["phone"] = phone or ""

    if want("email"):
        text, problem = clean_text(normalise.email(raw.get("email")), LIMITS["email"])
        if not text:
            errors["email"] = "required"
        elif problem:
            errors["email"] = problem
        else:
            try:
                clean["email"] = validate_email(text, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                errors["email"] = "invalid_email"
        clean.setdefault("email", text.lower())

    if want("id_number"):
        id_type = _choice(raw.get("id_type"), {"resident_id": "resident_id", "passport": "passport",
                                               "居民身份证": "resident_id", "身份证": "resident_id",
                                               "护照": "passport", "resident id": "resident_id"})
        number, problem = clean_text(normalise.code(raw.get("id_number")), 40)
        number = number.upper()
        if problem:
            errors["id_number"] = problem
        elif not number:
            if require_identity:
                errors["id_number"] = "required"
            id_type = id_type or ""
        elif id_type is None:
            errors["id_type"] = "invalid_choice" if str(raw.get("id_type") or "").strip() else "required"
        elif id_type == "resident_id" and not is_valid_resident_id(number):
            errors["id_number"] = "looks_like_passport" if looks_like_passport(number) else "invalid_resident_id"
        elif id_type == "passport" and not is_valid_passport(number):
            errors["id_number"] = "invalid_passport"
        clean["id_type"] = id_type or ""
        clean["id_number"] = number

    if want("birth_year"):
        text = normalise.number(raw.get("birth_year"))
        birth_year = None
        if text:
            try:
                birth_year = int(float(text)) if re.fullmatch(r"\d{4}(\.0)?", text) else None
            except ValueError:
                birth_year = None
            if birth_year is None or not (1900 <= birth_year <= year - 10):
                errors["birth_year"] = "invalid_birth_year"
                birth_year = None
        if clean.get("id_type") == "resident_id" and "id_number" not in errors and clean.get("id_number"):
            from_id = int(clean["id_number"][6:10])
            if birth_year is None and "birth_year" not in errors:
                birth_year = from_id
            elif birth_year is not None and birth_year != from_id:
                errors["birth_year"] = "birth_year_mismatch"
        clean["birth_year"] = birth_year

    if want("degree"):
        degree = _choice(raw.get("degree"), {d: d for d in DEGREES} | {"学士": "bachelor", "本科": "bachelor",
                                                                       "硕士": "master", "博士": "phd", "其他": "other"})
        if degree is None:
            if str(raw.get("degree") or "").strip():
                errors["degree"] = "invalid_choice"
            degree = ""
        clean["degree"] = degree

    if want("overseas"):
        flag = parse_bool(raw.get("overseas"))
        if flag is None:
            errors["overseas"] = "invalid_choice"
        clean["overseas"] = bool(flag)

    for name, mapping in (("fields", field_tags), ("programme_parts", programme_parts)):
        if want(name):
            values = []
            for item in split_list(raw.get(name)):
                code = _choice(item, mapping)
                if code is None:
                    errors[name] = "invalid_choice"
                elif code not in values:
                    values.append(code)
            clean[name] = values

    if want("language"):
        language = str(raw.get("language") or "zh_CN").strip()
        language = {"zh": "zh_CN", "zh-cn": "zh_CN", "中文": "zh_CN", "english": "en", "en_us": "en"}.get(language.lower(), language)
        if language not in LANGUAGES:
            errors["language"] = "invalid_choice"
        clean["language"] = language

    if want("answers"):
        answers, answer_errors = clean_answers(raw.get("answers") or {}, questions)
        clean["answers"] = answers
        for key, code in answer_errors.items():
            errors[f"q_{key}"] = code

    if require_consent and not parse_bool(raw.get("consent")):
        errors["consent"] = "consent_required"
    return clean, errors
