"""Query understanding for the portal search: from how a person asks to the words the catalog uses.

``understand(text) -> Understanding`` runs these steps, each leaving a reason the result can show (``why``):

1. **Normalise** — full-width to half-width (NFKC), lower case, at most 100 characters.
2. **Pinyin input** — a run of Latin letters is read as pinyin, full (``shebaoka``) or initials (``sbk``), and
   replaced by the lexicon words it spells ("拼音：shebaoka→社保卡"). Letters that spell nothing (``KTV``) stay.
3. **Typos and homophones** — every 2–4 character window of Chinese that is not itself a word is turned
   into pinyin (pypinyin, no tones) and looked up among the lexicon's words: same sound (社宝卡 → 社保卡,
   公基金 → 公积金) or, for 3–4 characters, one letter apart in pinyin (RapidFuzz Levenshtein ≤ 1: 公积经 →
   公积金, the front/back nasal and zh/z confusions). Longest windows first; the window is replaced by the word.
4. **Question wrapping** — ``STOP_PHRASES`` (怎么办, 需要什么, 哪些手续 …) are cut out, longest first.
5. **Life events** — phrases of ``LIFE_EVENTS`` (and each topic's own name and 口语说法 from the catalog)
   name the topics the person is in: "孩子刚出生" → 出生; the topic's items and 一件事 then rank higher.
6. **Synonyms** — phrases of ``SYNONYMS`` found in the text (longest first, not overlapping) become concepts
   searched by the phrase itself and by its expansions (社保卡 → 社会保障卡; 开饭店 → 食品经营许可, 个体工商户 …).
7. **Words** — what is left is cut by jieba; ``STOP_WORDS`` and lone characters go (except the few verbs of
   ``SINGLE_CHAR``: 取 → 提取, 丢 → 补领 …). Each word is a concept of its own.

A concept matches a document when any of its terms does; ``onestop.search`` scores the concepts (see there for
the ranking formula). The lexicon = the dictionary words of ``search_vocab`` plus the catalog's own words (item,
bundle and topic names cut by jieba, keywords), rebuilt at most every ``LEXICON_TTL`` seconds and at once in this
process when the catalog signals a change.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import search_vocab as vocab

MAX_QUERY = 100
LEXICON_TTL = 300  # seconds
W_OWN, W_CORRECTED, W_PINYIN, W_SYNONYM = 1.0, 0.9, 0.9, 0.85
GENERIC_WEIGHT = 0.25
COMMON_WORD_FREQ = 100  # jieba dictionary count from which a word is taken as meant, not as a typo

SINGLE_CHAR = {"转": ("转移",), "取": ("提取",), "丢": ("补领", "挂失"), "补": ("补领", "补办"), "换": ("换领", "换证"), "查": ("查询",),
               "迁": ("迁移",), "卖": ("经营",), "租": ("租赁",), "退": ("退休",), "关": ("注销",)}

_CJK = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"[a-z]+")
# 开 + a kind of business (开火锅店, 开旅行社, 开个厂): whatever the business, it starts with a registration
_OPEN_BUSINESS = re.compile(r"开(?:办|设)?[\w]{0,6}?(店|馆|铺|公司|厂|厅|所|社|作坊|学校|院)")
_SHOP = ("店", "馆", "铺", "厅", "作坊")
_MEASURE = re.compile(r"([开办买卖换考领补])(?:个|一个|一家|家|张|本|间)")


@dataclass
class Term:
    text: str
    weight: float
    why: str = ""


@dataclass
class Concept:
    source: str
    terms: list[Term]
    generic: bool = False

    @property
    def weight(self) -> float:
        return GENERIC_WEIGHT if self.generic else 1.0


@dataclass
class Understanding:
    raw: str
    text: str = ""
    concepts: list[Concept] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # corrections and pinyin readings, shown above the results

    def terms(self) -> list[str]:
        seen: list[str] = []
        for c in self.concepts:
            for t in c.terms:
                if t.text not in seen:
                    seen.append(t.text)
        for name in self.topics:
            if name not in seen:
                seen.append(name)
        return seen

    @property
    def empty(self) -> bool:
        return not self.concepts and not self.topics


# --- the lexicon -------------------------------------------------------------------------------------
@dataclass
class Lexicon:
    words: frozenset
    by_pinyin: dict          # "she bao ka" → [words]
    by_syllables: dict       # syllable count → list of pinyin strings (fuzzy candidates)
    by_joined: dict          # "shebaoka" → [words]
    by_initials: dict        # "sbk" → [words]
    rank: dict               # word → preference (dictionary words first, then frequent catalog words)
    synonyms: list           # (phrase, expansions, equivalent) longest phrase first
    life_events: list        # (phrase, topic name) longest first
    topic_names: frozenset


def pinyin(text: str) -> list[str]:
    return lazy_pinyin(text, errors="ignore")


@lru_cache(maxsize=20000)
def _py(text: str) -> tuple[str, ...]:
    return tuple(pinyin(text))


def build_lexicon(catalog_words=(), topics=()) -> Lexicon:
    """``catalog_words``: words of the catalog (with a preference count); ``topics``: ``(name, keywords)``."""
    rank: dict[str, float] = {}
    synonyms: list = []
    for phrases, expansions, equivalent in vocab.entries():
        for p in phrases:
            p = p.lower()
            synonyms.append((p, tuple(e for e in expansions if e != p), equivalent))
            rank[p] = max(rank.get(p, 0), 1e9)  # a colloquial form (maybe a typo the line corrects) …
        for e in expansions:
            rank[e] = max(rank.get(e, 0), 2e9)  # … ranks below the word the catalog uses
    events: list = []
    for phrases, topic in vocab.life_events():
        events += [(p.lower(), topic) for p in phrases]
    topic_names = set()
    for name, keywords in topics:
        topic_names.add(name)
        events.append((name, name))
        events += [(k, name) for k in (keywords or "").split() if len(k) >= 2]
    for p, _t in events:
        rank[p] = max(rank.get(p, 0), 1e9)
    for word, count in catalog_words:
        if len(word) >= 2 and _CJK.fullmatch(word):
            rank[word] = max(rank.get(word, 0), float(count))
    by_pinyin: dict[str, list[str]] = {}
    by_joined: dict[str, list[str]] = {}
    by_initials: dict[str, list[str]] = {}
    by_syllables: dict[int, list[str]] = {}
    for word in sorted(rank, key=lambda w: (-rank[w], len(w), w)):
        if not _CJK.fullmatch(word):
            continue
        syl = _py(word)
        if len(syl) != len(word):
            continue
        key = " ".join(syl)
        if key not in by_pinyin:
            by_syllables.setdefault(len(syl), []).append(key)
        by_pinyin.setdefault(key, []).append(word)
        by_joined.setdefault("".join(syl), []).append(word)
        if len(word) >= 2:
            by_initials.setdefault("".join(s[0] for s in syl), []).append(word)
    synonyms.sort(key=lambda s: -len(s[0]))
    events.sort(key=lambda e: -len(e[0]))
    return Lexicon(frozenset(rank), by_pinyin, by_syllables, by_joined, by_initials, rank, synonyms, events, frozenset(topic_names))


_lock = threading.Lock()
_cache: dict = {"lexicon": None, "at": 0.0}


def invalidate() -> None:
    """The catalog changed (an item or bundle signal in this process): rebuild on the next query."""
    _cache["at"] = 0.0


def lexicon() -> Lexicon:
    now = time.monotonic()
    lex = _cache["lexicon"]
    if lex is not None and now - _cache["at"] < LEXICON_TTL:
        return lex
    with _lock:
        if _cache["lexicon"] is not None and time.monotonic() - _cache["at"] < LEXICON_TTL:
            return _cache["lexicon"]
        lex = build_lexicon(*_catalog_words())
        _cache["lexicon"], _cache["at"] = lex, time.monotonic()
        return lex


def _catalog_words():
    import jieba

    from digigov.core.search.text import _load

    from .models import Bundle, ServiceItem, Topic

    _load()
    counts: dict[str, int] = {}
    rows = list(ServiceItem.objects.active().filter(active=True).values_list("name", "keywords"))
    rows += list(Bundle.objects.active().filter(active=True).values_list("name", "keywords"))
    for name, keywords in rows:
        for w in jieba.cut(name, HMM=False):
            counts[w] = counts.get(w, 0) + 1
        for w in (keywords or "").split():
            counts[w] = counts.get(w, 0) + 1
    topics = list(Topic.objects.values_list("name", "keywords"))
    return list(counts.items()), topics


# --- the steps ---------------------------------------------------------------------------------------
def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return re.sub(r"\s+", " ", text).strip().lower()[:MAX_QUERY]


def read_pinyin(letters: str, lex: Lexicon) -> list[str]:
    """The words a run of Latin letters spells as pinyin (full or initials), best first; [] if none."""
    if len(letters) < 2:
        return []
    if letters in lex.by_joined:
        return lex.by_joined[letters][:3]
    if letters in lex.by_initials and len(letters) <= 6:
        return lex.by_initials[letters][:3]
    # several words run together (gongjijintiqu): longest known prefix first
    for cut in range(len(letters) - 1, 1, -1):
        head = lex.by_joined.get(letters[:cut])
        if head:
            rest = read_pinyin(letters[cut:], lex)
            if rest:
                return [head[0] + rest[0]]
    return []


def _is_word(text: str, lex: Lexicon) -> bool:
    import jieba

    # a rare dictionary word (身分证: 23 in jieba's counts) is more likely a slip than what the person meant
    return text in lex.words or jieba.dt.FREQ.get(text, 0) >= COMMON_WORD_FREQ


def correct(text: str, lex: Lexicon) -> tuple[str, list[tuple[str, str]]]:
    """Replace misspelt windows by the lexicon word that sounds the same (or one pinyin letter apart)."""
    fixes: list[tuple[str, str]] = []
    out = text
    for run in _CJK.findall(text):
        # the words of the lexicon already in the text are what was meant: no window may cut into them
        # (办离婚 must not become 办理婚 because 办离 sounds like 办理)
        taken = [False] * len(run)
        for size in (6, 5, 4, 3, 2):
            for i in range(0, len(run) - size + 1):
                if run[i:i + size] in lex.words:
                    taken[i:i + size] = [True] * size
        for size in (4, 3, 2):
            for i in range(0, len(run) - size + 1):
                if all(taken[i:i + size]):
                    continue
                window = run[i:i + size]
                if _is_word(window, lex):
                    continue
                syl = _py(window)
                if len(syl) != size:
                    continue
                key = " ".join(syl)
                words = lex.by_pinyin.get(key)
                if not words and size >= 3:
                    match = process.extractOne(key, lex.by_syllables.get(size, ()), scorer=Levenshtein.distance, score_cutoff=1)
                    if match:
                        words = lex.by_pinyin.get(match[0])
                # a fix may extend a word already there (社保咔 → 社保卡 keeps 社保) but never change one of its characters
                if words and words[0] != window and all(words[0][j - i] == run[j] for j in range(i, i + size) if taken[j]):
                    fixes.append((window, words[0]))
                    out = out.replace(window, words[0], 1)
                    taken[i:i + size] = [True] * size
    return out, fixes


def strip_question(text: str) -> str:
    for phrase in _stop_phrases():
        if phrase in text:
            text = text.replace(phrase, " ")
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _stop_phrases() -> tuple[str, ...]:
    return tuple(sorted(set(vocab.STOP_PHRASES), key=len, reverse=True))


def understand(raw: str, lex: Lexicon | None = None) -> Understanding:
    """What the person is asking for (never raises: any text gives an ``Understanding``, maybe empty)."""
    u = Understanding(raw=raw or "")
    text = normalise(raw)
    if not text:
        return u
    lex = lex or lexicon()
    # 2. pinyin
    readings: dict[str, list[str]] = {}

    def _latin(m):
        letters = m.group(0)
        words = read_pinyin(letters, lex)
        if not words:
            return letters
        readings[words[0]] = words
        u.notes.append(f"拼音：{letters}→{words[0]}")
        return f" {words[0]} "

    text = _LATIN.sub(_latin, text)
    text = _MEASURE.sub(r"\1", text)  # 开个饭店 → 开饭店, 办张卡 → 办卡
    # 3. typos and homophones
    text, fixes = correct(text, lex)
    corrected = {right: wrong for wrong, right in fixes}
    u.notes += [f"纠错：{wrong}→{right}" for wrong, right in fixes]
    # 4. the question's wrapping
    text = strip_question(text)
    u.text = text
    # 5. life events
    for phrase, topic in lex.life_events:
        if phrase in text and topic not in u.topics:
            u.topics.append(topic)
    opening = _OPEN_BUSINESS.search(text)
    if opening and "开办" not in u.topics:
        u.topics.append("开办")
    # 6. synonyms (longest first, not overlapping)
    rest = text
    for phrase, expansions, _eq in lex.synonyms:
        if phrase not in rest:
            continue
        rest = rest.replace(phrase, " ")
        terms = [Term(phrase, W_OWN, _origin_why(phrase, corrected, readings))]
        for e in expansions:
            terms.append(Term(e, W_SYNONYM, f"同义词：{phrase}→{e}"))
        u.concepts.append(Concept(phrase, terms, generic=all(t.text in vocab.GENERIC_WORDS for t in terms)))
    if opening and not any(c.source in opening.group(0) or opening.group(0) in c.source for c in u.concepts):
        said = opening.group(0)
        targets = ("设立登记", "个体工商户") if opening.group(1) in _SHOP else ("设立登记",)
        # generic: the kind of business named (燃气, 旅行社) says more than “it starts with a registration”
        u.concepts.append(Concept(said, [Term(t, W_SYNONYM, f"口语：{said}→{t}") for t in targets], generic=True))
    # 7. remaining words
    import jieba

    from digigov.core.search.text import _load

    _load()
    for token in jieba.cut(rest, HMM=False):
        token = token.strip()
        if not token or token in vocab.STOP_WORDS or not re.search(r"\w", token):
            continue
        if any(c.source == token for c in u.concepts):
            continue
        if len(token) == 1 and not token.isdigit():
            if token in SINGLE_CHAR:
                u.concepts.append(Concept(token, [Term(e, W_SYNONYM, f"同义词：{token}→{e}") for e in SINGLE_CHAR[token]]))
            continue
        terms = [Term(token, W_OWN, _origin_why(token, corrected, readings))]
        for alt in readings.get(token, [])[1:]:
            terms.append(Term(alt, W_PINYIN, f"拼音：{alt}"))
        u.concepts.append(Concept(token, terms, generic=token in vocab.GENERIC_WORDS))
    u.concepts = u.concepts[:12]
    return u


def _origin_why(word: str, corrected: dict, readings: dict) -> str:
    for right, wrong in corrected.items():
        if right in word or word in right:
            return f"纠错：{wrong}→{right}"
    for first in readings:
        if first in word or word in first:
            return f"拼音：{first}"
    return ""
