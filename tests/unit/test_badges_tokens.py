from summit.badges import tokens


def test_codes_are_long_random_and_scanner_friendly():
    codes = {tokens.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:50]:
        assert tokens.looks_like_code(code)
        assert len(code) == 28 and code.startswith("QS")
        # 26 base32 characters: 130 bits of randomness, upper-case letters and digits only.
        assert set(code[2:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_normalise_what_scanners_send():
    code = tokens.new_code()
    assert tokens.normalise(f"  {code.lower()}\n") == code
    assert tokens.normalise(f"{code[:10]} {code[10:]}") == code
    assert tokens.normalise(f"https://qianshan.example/b/{code}") == code
    assert tokens.normalise("") == ""
    assert not tokens.looks_like_code(tokens.normalise("hello"))
    assert len(tokens.normalise("x" * 500)) <= 80
