import pytest

from summit.programme.patents import cn_check_digit, normalise_patent, parse_patents


def test_check_digit_of_chinese_application_numbers():
    # 2*2+0*3+2*4+3*5+1*6+0*7+1*8+2*9+3*2+4*3+5*4+6*5 = 127; 127 % 11 = 6
    assert cn_check_digit("202310123456") == "6"
    # A remainder of 10 is written X.
    digits = next(f"2023100{n:05d}" for n in range(100000) if cn_check_digit(f"2023100{n:05d}") == "X")
    assert normalise_patent(f"ZL{digits}.X") == f"CN{digits}.X"


@pytest.mark.parametrize("raw, expected", [
    ("CN202310123456.6", "CN202310123456.6"),
    ("ZL 2023 1012 3456.6", "CN202310123456.6"),
    ("专利号：202310123456.6", "CN202310123456.6"),
    ("cn115123456a", "CN115123456A"),
    ("CN218765432U", "CN218765432U"),
    ("CN112233445B", "CN112233445B"),
    ("PCT/CN2023/123456", "PCT/CN2023/123456"),
    ("US11234567B2", "US11234567B2"),
    ("WO2023123456A1", "WO2023123456A1"),
])
def test_accepted_numbers(raw, expected):
    assert normalise_patent(raw) == expected


@pytest.mark.parametrize("raw", ["CN202310123456.7", "20231012345.6", "CN11512345A", "PCT/CN23/123456",
                                 "patent pending", "", "CN115123456Q"])
def test_rejected_numbers(raw):
    assert normalise_patent(raw) is None


def test_parse_keeps_order_drops_duplicates_and_reports_bad_entries():
    good, bad = parse_patents("CN115123456A\nZL202310123456.6；cn115123456a、申请中, CN202310123456.7")
    assert good == ["CN115123456A", "CN202310123456.6"]
    assert bad == ["申请中", "CN202310123456.7"]
    assert parse_patents("") == ([], [])
