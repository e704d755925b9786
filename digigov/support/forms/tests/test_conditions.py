"""The display-condition parser: a real parser for a small FEEL subset, three-valued logic, and nothing but
a Chinese ConditionError for anything else (never eval, never another exception)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from digigov.support.forms import conditions as c


@pytest.mark.parametrize("expr, data, expected", [
    ('=kind = "代理"', {"kind": "代理"}, True),
    ('=kind = "代理"', {"kind": "本人"}, False),
    ('=kind != "代理"', {}, True),  # an empty answer is null, and null != "代理"
    ("=not(married)", {"married": False}, True),
    ("=not(married)", {}, None),  # not(null) is null: not hidden
    ("=age >= 18 and age < 60", {"age": 30}, True),
    ("=age >= 18 and age < 60", {"age": 70}, False),
    ('=a = "x" or b = 2', {"a": "y", "b": 2}, True),
    ("=(a or b) and not(c)", {"a": True, "b": False, "c": False}, True),
    ("=age > 18", {"age": "很老"}, None),  # different types compare to null, not an error
    ("=applicant.kind = \"单位\"", {"applicant": {"kind": "单位"}}, True),
    ("=x = null", {}, True),
    ("=x = 1.5", {"x": 1.5}, True),
])
def test_evaluate(expr, data, expected):
    assert c.evaluate(expr, data) is expected


def test_row_names_before_form_names():
    assert c.evaluate('=relation = "其他"', {"relation": "其他"}, {"relation": "父亲"}) is True
    assert c.evaluate('=kind = "代理"', {"name": "张三"}, {"kind": "代理"}) is True


@pytest.mark.parametrize("expr, fragment", [
    ("kind = 1", "应以“=”开头"),
    ("=", "条件为空"),
    ("=a +", "无法识别"),
    ("=a = = b", "不能出现在这里"),
    ("=a = 1 = 2", "比较不能连写"),
    ("=(a", "缺少“)”"),
    ("=foo(a)", "多余"),
    ("=__import__('os')", "无法识别"),
    ("=" + "(" * 30 + "a" + ")" * 30, "嵌套过深"),
    ("=" + "a or " * 200 + "b", "不能超过"),
])
def test_refused_with_chinese_reason(expr, fragment):
    with pytest.raises(c.ConditionError) as info:
        c.parse(expr)
    assert fragment in info.value.message


def test_not_text_is_refused():
    for value in (None, 1, ["=a"], {"x": 1}):
        with pytest.raises(c.ConditionError):
            c.parse(value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_garbage_never_raises_anything_but_condition_error(text):
    for candidate in (text, "=" + text):
        try:
            c.parse(candidate)
        except c.ConditionError as exc:
            assert exc.message and any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "=", "!=", "<", "and", "or", "not", "(", ")", '"x"', "1", "null", "true", "."]),
                max_size=25),
       st.dictionaries(st.sampled_from(["a", "b"]), st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3))))
def test_token_soup_parses_or_refuses_and_evaluates_to_three_values(tokens, data):
    expr = "=" + " ".join(tokens)
    try:
        c.parse(expr)
    except c.ConditionError:
        return
    assert c.evaluate(expr, data) in (True, False, None)
