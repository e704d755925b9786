"""Address standardiser: a free-written address → the standard address (门楼牌) it most likely means.

``match(text)`` is the service other apps call (the linkage job's address normalisation, form
pre-fill, the map search). Steps:

1. normalise: NFKC (full-width digits, letters and the full-width hyphen become ASCII), traditional →
   simplified (OpenCC), spaces dropped, the province and city prefix (辽宁省 / 示范市) removed;
2. parse: road name + 门牌号, then building/unit/room either spelt out (3栋2单元502室, 3号楼2单元502)
   or in the short 2-3-502 form (楼栋-单元-室; 3-502 = 楼栋-室);
3. find the road: exact name, else the same pinyin (homophone typos 兴冬路 → 兴东路), else the closest
   name by RapidFuzz; when several counties have that road, the county/town named in the text decides;
4. score the candidate doorplates on that road with RapidFuzz over the normalised text plus
   agreement of the parsed parts; return the best one with its score (0–100) if it reaches ``MIN_SCORE``.

An address that only names a doorplate matches the doorplate itself; one naming a room the registry
does not list falls back to its building (with a lower score), never to a different house.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

MIN_SCORE = 60.0
PROVINCE_PREFIXES = ("辽宁省", "辽宁")
ROAD_SUFFIX = r"(?:大道|大街|路|街|巷|胡同|道)"
_ROAD_NUMBER = re.compile(rf"([\u4e00-\u9fff]{{1,10}}?{ROAD_SUFFIX})(\d{{1,5}})号?")
_SPELT = re.compile(r"^(?:(\w{1,8}?)(?:栋|幢|号楼|楼))?(?:(\w{1,8}?)单元)?(?:(\w{1,8}?)(?:室|号)?)?$")
_DASHED = re.compile(r"^(\w{1,8})-(\w{1,8})(?:-(\w{1,8}))?$")


@dataclass(frozen=True)
class Parsed:
    normalised: str
    road: str = ""
    house_number: int | None = None
    building: str = ""
    unit: str = ""
    room: str = ""
    place: str = ""  # the text before the road (county/town names)


@dataclass(frozen=True)
class Match:
    address: object  # StandardAddress
    score: float
    parsed: Parsed
    reasons: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _city_names() -> tuple[str, ...]:
    from digigov.core.org.models import Division, DivisionLevel

    return tuple(Division.objects.filter(level=DivisionLevel.CITY).values_list("name", flat=True))


def normalise(text: str, city_names: tuple[str, ...] = ()) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _converter().convert(text)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"[—–－‐‑―~～_]", "-", text)
    text = text.replace("#", "号").replace("（", "(").replace("）", ")")
    text = re.sub(r"\(.*?\)", "", text)
    for prefix in PROVINCE_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    for name in city_names:
        for variant in (name, name.removesuffix("市")):
            if variant and text.startswith(variant):
                text = text[len(variant):]
                break
    return text


def parse(text: str, city_names: tuple[str, ...] | None = None) -> Parsed:
    norm = normalise(text, _city_names() if city_names is None else city_names)
    m = _ROAD_NUMBER.search(norm)
    if not m:
        return Parsed(norm)
    road, number = m.group(1), int(m.group(2))
    place = norm[: m.start()]
    # a town name glued to the road ("广济街道兴东路"): keep only what follows the last division suffix
    cut = max((road.rfind(s) + len(s) for s in ("街道", "镇", "乡", "区", "县", "市", "社区", "村") if s in road[:-1]), default=0)
    if 0 < cut < len(road) - 1:
        place, road = place + road[:cut], road[cut:]
    rest = norm[m.end():].strip("-,，")
    building = unit = room = ""
    dashed = _DASHED.match(rest)
    if dashed:
        a, b, c = dashed.groups()
        building, unit, room = (a, b, c) if c else (a, "", b)
    elif rest:
        spelt = _SPELT.match(rest)
        if spelt:
            building, unit, room = (g or "" for g in spelt.groups())
    return Parsed(norm, road, number, building.upper(), unit.upper(), room.upper(), place)


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))


def _roads(parsed: Parsed):
    from .models import Road

    exact = list(Road.objects.filter(name=parsed.road).select_related("division"))
    if exact:
        return exact, 100.0
    names = list(Road.objects.values_list("name", flat=True).distinct())
    if not names:
        return [], 0.0
    sound = _pinyin(parsed.road)
    homophones = [n for n in names if len(n) == len(parsed.road) and _pinyin(n) == sound]
    if homophones:
        return list(Road.objects.filter(name__in=homophones).select_related("division")), 90.0
    best = process.extractOne(parsed.road, names, scorer=fuzz.ratio, score_cutoff=70)
    if best is None:
        return [], 0.0
    return list(Road.objects.filter(name=best[0]).select_related("division")), float(best[1])


def match(text: str, *, min_score: float = MIN_SCORE) -> Match | None:
    """The standard address ``text`` most likely means, with a 0–100 score; None when nothing is close."""
    from .models import StandardAddress

    if not isinstance(text, str) or not text.strip() or len(text) > 300:
        return None
    parsed = parse(text)
    if not parsed.road or parsed.house_number is None:
        return None
    roads, road_score = _roads(parsed)
    if not roads:
        return None
    candidates = list(StandardAddress.objects.filter(road__in=roads, house_number=parsed.house_number)
                      .select_related("division", "division__parent", "road")[:2000])
    if not candidates:
        return None
    best: tuple[float, object, list[str]] | None = None
    for cand in candidates:
        reasons = []
        # compare from the road on: the county/town prefix is optional in what people write
        query_tail = parsed.normalised[max(0, parsed.normalised.find(parsed.road)):] if parsed.road in parsed.normalised else parsed.normalised
        target = cand.full_text[cand.full_text.find(cand.road.name):]
        text_score = fuzz.ratio(query_tail, target)
        score = 0.5 * text_score + 0.5 * road_score
        if parsed.place:
            county = cand.division.parent.name if cand.division.parent_id else ""
            if county and county in parsed.place or cand.division.name in parsed.place:
                score += 5
            elif len(roads) > 1:
                score -= 10
        parts = (("building", "楼栋"), ("unit", "单元"), ("room", "室"))
        for attr, label in parts:
            want, have = getattr(parsed, attr), getattr(cand, attr)
            if want and have and want != have:
                score -= 40
                reasons.append(f"{label}不同")
            elif want and not have:
                score -= 5
                reasons.append(f"标准地址未登记到{label}")
            elif have and not want:
                score -= 12
        score = max(0.0, min(100.0, score))
        if best is None or score > best[0]:
            best = (score, cand, reasons)
    score, address, reasons = best
    if score < min_score:
        return None
    return Match(address, round(score, 1), parsed, tuple(reasons))
