import subprocess
import sys

from summit.programme import matching

RESULTS = [
    {"id": 1, "fields": ["vr", "ai"], "text": "面向工业培训的虚拟现实交互系统，自研手势识别与空间定位算法"},
    {"id": 2, "fields": ["marine_bio"], "text": "海洋微藻来源的抗肿瘤多糖候选药物，开展临床前研究"},
    {"id": 3, "fields": ["new_materials"], "text": "芳纶纳米纤维复合隔膜，耐高温阻燃，用于动力电池"},
]
NEEDS = [
    {"id": 10, "fields": ["vr"], "text": "VR头显需要低延迟的手势识别与空间定位算法，用于工业培训"},
    {"id": 11, "fields": ["marine_bio"], "text": "海藻多糖的药用开发与药效评价"},
    {"id": 12, "fields": ["finance"], "text": "供应链金融风控模型"},
]


def test_tokenize_cuts_chinese_drops_stopwords_and_single_characters():
    words = matching.tokenize("我们基于深度学习的海洋鱼类识别技术，支持VR and 5G")
    assert "海洋" in words and "识别" in words and "vr" in words and "5g" in words
    assert "我们" not in words and "技术" not in words and "的" not in words and "and" not in words
    assert matching.tokenize("") == []


def test_each_side_gets_its_best_match_with_the_reason():
    found = matching.match(RESULTS, NEEDS)
    best = found["for_result"][1][0]
    assert best["need_id"] == 10
    assert best["shared_fields"] == ["vr"]
    assert {"手势", "识别", "空间", "定位", "培训"} & set(best["shared_terms"])
    assert found["for_need"][11][0]["result_id"] == 2
    assert "多糖" in found["for_need"][11][0]["shared_terms"]
    # Nothing in common: no match at all, not a match with score zero.
    assert 12 not in found["for_need"] and 3 not in found["for_result"]
    assert all(p["score"] >= matching.MIN_SCORE for p in found["pairs"])
    scores = [p["score"] for p in found["pairs"]]
    assert scores == sorted(scores, reverse=True)


def test_shared_tag_alone_can_match_but_scores_below_shared_text():
    results = [{"id": 1, "fields": ["ai"], "text": "港口集装箱箱号识别"},
               {"id": 2, "fields": ["ai"], "text": "中文古籍的版式分析"}]
    needs = [{"id": 9, "fields": ["ai"], "text": "集装箱箱号与残损识别"}]
    found = matching.match(results, needs)
    first, second = found["for_need"][9]
    assert first["result_id"] == 1 and second["result_id"] == 2
    assert second["shared_terms"] == [] and second["shared_fields"] == ["ai"]
    assert first["score"] > second["score"]


def test_matching_is_deterministic_and_top_is_respected():
    a = matching.match(RESULTS, NEEDS, top=1)
    b = matching.match(list(RESULTS), list(NEEDS), top=1)
    assert a == b
    assert all(len(v) <= 1 for v in a["for_result"].values())


def test_empty_inputs():
    assert matching.match([], []) == {"pairs": [], "for_result": {}, "for_need": {}}
    assert matching.match(RESULTS, [])["pairs"] == []


def test_creating_the_app_does_not_load_jieba():
    code = ("import sys; from summit import create_app; "
            "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
            "import summit.programme.needs, summit.programme.results, summit.programme.roadshow; assert 'jieba' not in sys.modules, 'jieba loaded'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
