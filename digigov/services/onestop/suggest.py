"""Suggestions under the portal search box: names of items and 一件事, and the common words people search
(``search_vocab``), by prefix (社保 → 社会保障卡申领 …), by substring, or by pinyin and initials
(shebao, sbk). The names are held in memory per process (a few thousand short strings), rebuilt when the
query lexicon is (``query.lexicon``: at most every ``LEXICON_TTL`` seconds, at once after a catalog signal)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from urllib.parse import quote

from . import query as qu
from . import search_vocab as vocab


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # item | bundle | word
    url: str
    pop: int = 0
    joined: str = ""
    initials: str = ""


_lock = threading.Lock()
_cache: dict = {"lexicon": None, "entries": ()}


def _entry(text: str, kind: str, url: str, pop: int) -> Suggestion:
    syl = [s for s in qu.pinyin(text) if s.isalpha()]
    return Suggestion(text, kind, url, pop, "".join(syl).lower(), "".join(s[0] for s in syl).lower())


def _build() -> tuple[Suggestion, ...]:
    from .models import Bundle, ServiceItem
    from .search import bundle_url, item_url

    out = []
    for name, code, pop in ServiceItem.objects.active().filter(active=True).values_list("name", "code", "popularity"):
        out.append(_entry(name, "item", item_url(code), pop))
    for name, code, pop in Bundle.objects.active().filter(active=True).values_list("name", "code", "popularity"):
        out.append(_entry(name, "bundle", bundle_url(code), pop + 1))
    words = set()
    for phrases, expansions, _eq in vocab.entries():
        words.update(w for w in (*phrases, *expansions) if len(w) >= 2)
    for w in sorted(words):
        out.append(_entry(w, "word", f"/services/search/?q={quote(w)}", 0))
    return tuple(out)


def entries() -> tuple[Suggestion, ...]:
    lex = qu.lexicon()  # the same clock: a catalog change rebuilds both
    if _cache["lexicon"] is lex:
        return _cache["entries"]
    with _lock:
        if _cache["lexicon"] is not lex:
            _cache["entries"] = _build()
            _cache["lexicon"] = lex
    return _cache["entries"]


_LATIN = re.compile(r"^[a-z]+$")
_KIND_ORDER = {"bundle": 0, "item": 1, "word": 2}


def suggest(text: str, limit: int = 8) -> list[Suggestion]:
    q = qu.normalise(text).replace(" ", "")
    if not q:
        return []
    found = []
    latin = bool(_LATIN.match(q))
    spelt: list[str] = []
    if latin:  # what the letters spell (sbk → 社保卡) and what that word is called in the catalog (社会保障卡)
        lex = qu.lexicon()
        for word in qu.read_pinyin(q, lex):
            spelt.append(word)
            for phrase, expansions, _eq in lex.synonyms:
                if phrase == word:
                    spelt += [e for e in expansions if len(e) >= 3]
    for s in entries():
        if latin:
            if s.joined.startswith(q) or (s.kind != "word" and any(w in s.text for w in spelt)):
                rank = 0
            elif len(q) >= 2 and s.initials.startswith(q):
                rank = 1
            else:
                continue
        elif s.text.startswith(q):
            rank = 0
        elif q in s.text:
            rank = 1
        else:
            continue
        found.append((rank, _KIND_ORDER[s.kind], -s.pop, len(s.text), s.text, s))
    found.sort(key=lambda f: f[:5])
    seen, out = set(), []
    for *_k, s in found:
        if s.text in seen:
            continue
        seen.add(s.text)
        out.append(s)
        if len(out) >= limit:
            break
    return out
