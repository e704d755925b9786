"""Query understanding without the database: a lexicon built from the dictionary and a few catalog words."""

from functools import lru_cache

import pytest
from hypothesis import given, settings, strategies as st

from digigov.services.onestop import query, search_vocab


@pytest.fixture(scope="module")
def lex():
    return query.build_lexicon([("住房公积金提取", 3), ("营业执照", 9)], [("出生", "生娃"), ("开办", ""), ("身后事", "")])


def concepts(u):
    return {c.source: [t.text for t in c.terms] for c in u.concepts}


def test_the_dictionary_is_big_enough():
    assert len(search_vocab.entries()) >= 300
    assert len(search_vocab.life_events()) >= 10


def test_question_wrapping_is_removed(lex):
    u = query.understand("请问公积金提取需要带什么材料？在哪里办", lex)
    assert "需要" not in u.text and "在哪里" not in u.text and "请问" not in u.text
    assert "公积金提取" in concepts(u) or "公积金" in concepts(u)


def test_synonyms_expand_both_ways(lex):
    assert "社会保障卡" in concepts(query.understand("社保卡", lex))["社保卡"]
    assert "社保卡" in concepts(query.understand("社会保障卡", lex))["社会保障卡"]
    terms = concepts(query.understand("开个饭店需要什么证", lex))["开饭店"]
    assert {"食品经营许可", "个体工商户"} <= set(terms)


def test_life_events(lex):
    assert query.understand("孩子刚出生要办哪些手续", lex).topics == ["出生"]
    assert "身后事" in query.understand("家里老人去世了后事怎么办", lex).topics
    assert query.understand("我想开公司", lex).topics == ["开办"]
    assert query.understand("生娃", lex).topics == ["出生"]  # the topic's own 口语说法 from the catalog


@pytest.mark.parametrize("typed, meant", [("社宝卡", "社保卡"), ("公基金", "公积金"), ("身分证", "身份证"), ("营业职照", "营业执照"),
                                          ("公积经", "公积金")])
def test_typos_and_homophones(lex, typed, meant):
    u = query.understand(typed + "怎么办", lex)
    assert f"纠错：{typed}→{meant}" in u.notes
    assert any(meant in c.source for c in u.concepts)


def test_real_words_are_not_corrected(lex):
    assert query.understand("基金会登记", lex).notes == []
    assert query.understand("营业执照", lex).notes == []


@pytest.mark.parametrize("typed, meant", [("shebaoka", "社保卡"), ("sbk", "社保卡"), ("gongjijin", "公积金"), ("gongjijintiqu", "公积金提取")])
def test_pinyin_and_initials(lex, typed, meant):
    u = query.understand(typed, lex)
    assert u.notes and u.notes[0].startswith(f"拼音：{typed}→")
    assert any(c.source.startswith(meant[:3]) for c in u.concepts)


def test_latin_that_is_not_pinyin_stays(lex):
    assert "ktv" in concepts(query.understand("KTV 怎么办许可", lex))


def test_only_question_words_is_empty(lex):
    assert query.understand("怎么办？需要什么", lex).empty
    assert query.understand("", lex).empty


@lru_cache(maxsize=1)
def small_lexicon():
    return query.build_lexicon([("营业执照", 1)], [("出生", "")])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_understood_without_error(text):
    u = query.understand(text, small_lexicon())
    assert len(u.concepts) <= 12
    for c in u.concepts:
        assert c.terms and all(t.text for t in c.terms)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("社保卡公积金怎么办shebaoksbk开饭店证丢了 ?？!")), max_size=40))
def test_likely_text_is_understood_without_error(text):
    query.understand(text, small_lexicon())


def test_a_typo_window_never_changes_a_word_already_there(lex):
    u = query.understand("办离婚手续", lex)  # 办离 sounds like 办理, but 离婚 is a word
    assert u.notes == [] and "离婚" in concepts(u)
    u = query.understand("社保咔怎么申请", lex)  # extending 社保 to 社保卡 keeps it
    assert "纠错：社保咔→社保卡" in u.notes


def test_particles_are_dropped_as_words_not_cut_out_of_phrases(lex):
    assert "身后事" in query.understand("人走了户口怎么销", lex).topics
    assert "社保断了" in concepts(query.understand("社保断了一个月怎么办", lex))
