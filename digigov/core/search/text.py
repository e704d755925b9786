"""Chinese text → index tokens with jieba, the same way for documents and queries.

Documents are cut with ``cut_for_search`` (the words and the shorter dictionary words inside them, without jieba's HMM guessing of new
words — it is slow and would cut a document and a query of the same words differently:
“统一社会信用代码” also yields “统一”“社会”“信用”“代码”), queries with the precise cut; every token
of the query must then be among a document's tokens, so “信用代码” finds “统一社会信用代码”.
Latin letters are lower-cased (both back ends compare tokens as given). jieba's dictionary is loaded
once per process, with the government words below added so they stay whole.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

import jieba

# 政务 words jieba's general dictionary splits or does not know; kept whole so they rank as one word.
DOMAIN_WORDS = (
    "一件事", "一网通办", "一网统管", "一网协同", "跨省通办", "好差评", "电子证照", "电子印章", "电子签名",
    "统一社会信用代码", "社会信用代码", "公民身份号码", "身份证号", "不动产", "不动产登记", "不动产权证",
    "公积金", "住房公积金", "社保", "社会保险", "医保", "医疗保障", "参保", "低保", "最低生活保障",
    "特困", "残疾人", "户籍", "常住人口", "流动人口", "出生医学证明", "死亡医学证明", "婚姻登记",
    "营业执照", "市场主体", "个体工商户", "行政许可", "行政处罚", "双随机", "信用信息", "失信",
    "数据资源", "数据目录", "编目", "归集", "共享交换", "政务云", "营商环境", "12345", "网格员",
    "退役军人", "优抚", "养老保险", "失业保险", "工伤保险", "生育保险", "医疗救助", "临时救助",
    "建设工程", "施工许可", "竣工验收", "规划许可", "用地", "宅基地", "学籍", "学位", "中小学",
    "执业医师", "执业护士", "疫苗接种", "传染病", "药品", "食品经营", "食品生产", "特种设备",
    "机动车", "驾驶证", "行驶证", "交通违法", "公交", "出租汽车", "网约车", "排污许可", "环评",
    "水质", "空气质量", "林地", "草原", "耕地", "农机", "动物防疫", "检验检测", "统计调查",
)

_lock = threading.Lock()
_ready = False
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w", re.UNICODE)


def _load() -> None:
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        jieba.setLogLevel(logging.WARNING)
        for word in DOMAIN_WORDS:
            jieba.add_word(word, freq=200000)
        jieba.initialize()
        _ready = True


def _keep(token: str) -> bool:
    return bool(token.strip()) and bool(_WORD.search(token))


def tokens_for_index(text: str) -> list[str]:
    """All tokens a document's text is found by (duplicates kept: term frequency counts in ranking)."""
    if not text:
        return []
    _load()
    return [t.lower() for t in jieba.cut_for_search(_SPACE.sub(" ", text), HMM=False) if _keep(t)]


@lru_cache(maxsize=50_000)
def index_text(text: str) -> str:
    """The token string stored for ``text`` (cached: item, department and category names repeat a lot)."""
    return " ".join(tokens_for_index(text))


def index_pieces(pieces) -> str:
    """A field given as several pieces (e.g. one per data item) is tokenized piece by piece."""
    if isinstance(pieces, str):
        return index_text(pieces)
    return " ".join(t for t in (index_text(p) for p in pieces if p) if t)


def query_tokens(text: str) -> list[str]:
    """The distinct tokens of a query, in order: each must match (AND)."""
    if not text:
        return []
    _load()
    out: list[str] = []
    for t in jieba.cut(_SPACE.sub(" ", text[:200]), HMM=False):
        t = t.lower()
        if _keep(t) and t not in out:
            out.append(t)
    return out[:16]
