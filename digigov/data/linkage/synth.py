"""Synthetic persons with planted truth and the four departments' noisy extracts of them.

Used by the linkage tests, ``bench/linkage.py`` and the registry demo: every feed row carries
``_truth`` (the person's key) so precision and recall can be measured; callers drop it before linking.

The population (``make_population``) is built household by household: two parents (the mother
sometimes married in from another address and carrying a former name), 0-3 children (twins share
birth date, address and parents), newborns with a guardian, a planted cohort of very common names
(王芳, 张伟 …) born on the same few days, and minority names written with a middle dot. ID numbers
are GB 11643 valid and unique (division + birth date + sequence whose parity is the sex).

The feeds (``feeds_from_people``) are what 公安 户籍, 人社 参保, 民政 婚姻/低保 and 卫健 出生/健康档案
would deliver: each covers a realistic subset, and every field is a raw string with the noise issue 9
lists (old 15-digit IDs, wrong or transposed check digits, missing IDs, a newborn carrying the
guardian's ID, seven date formats, six sex codes, full-width digits and spaces, addresses with or without
省/市 and in 2-3-502 form, a married woman's old address, middle-dot variants, traditional characters,
homophone typos, former names, within-source duplicates). Deterministic per seed; pure ``random`` with
precomputed tables so a million rows take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from digigov.core.accounts.ids import resident_id_check_char

PROVINCE = "辽宁省"
CITY = "示范市"
# 6-digit county codes of the demo city (digigov/core/org/demo.py COUNTIES) with synthetic names
DISTRICTS = (("210602", "元宝区"), ("210603", "振兴区"), ("210604", "振安区"), ("210624", "宽甸县"),
             ("210681", "东港市"), ("210682", "凤城市"))
# a few places people were born in before they moved here (their IDs start with these)
ORIGIN_DIVISIONS = ("210102", "210202", "220102", "230102", "370202", "130102", "650102", "540102")
STREETS = tuple(a + b for a in "人民 和平 胜利 解放 建设 新华 友谊 幸福 锦江 滨江 站前 兴东 六纬 七经 春山".split()
                for b in ("路", "街", "大街"))

SURNAMES = ("王" * 18 + "李" * 17 + "张" * 16 + "刘" * 12 + "陈" * 8 + "杨" * 7 + "赵" * 6 + "黄" * 4 + "周" * 4
            + "吴" * 4 + "徐" * 3 + "孙" * 4 + "胡" * 2 + "朱" * 2 + "高" * 3 + "林" * 2 + "何" * 2 + "郭" * 3
            + "马" * 3 + "罗" + "梁" + "宋" * 2 + "郑" + "谢" + "韩" * 2 + "唐" + "冯" + "于" * 3 + "董" * 2 + "萧"
            + "程" + "曹" + "袁" + "邓" + "许" + "傅" + "沈" + "曾" + "彭" + "吕" + "苏" + "卢" + "蒋" + "蔡" + "贾"
            + "丁" + "魏" + "薛" + "叶" + "阎" + "余" + "潘" + "杜" + "戴" + "夏" + "钟" + "汪" + "田" + "任" + "姜"
            + "范" + "方" + "石" + "姚" + "谭" + "廖" + "邹" + "熊" + "金" + "陆" + "郝" + "孔" + "白" + "崔" + "康"
            + "毛" + "邱" + "秦" + "江" + "史" + "顾" + "侯" + "邵" + "孟" + "龙" + "万" + "段" + "曲" + "钱" + "汤")
MALE_CHARS = "伟强磊军勇杰涛明超斌鹏辉刚健波宇浩凯峰亮俊帅鑫龙飞博文华国建志平东海成林永新宏晨阳旭睿轩泽然"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪慧琳莹颖倩洁梅兰红萍岩欣悦怡晶佳琪妍涵萱璐瑶薇月秀英桂凤玉蕾丹"
# (name, sex): planted so that dozens of people share a name and a birthday
COMMON_NAMES = (("王芳", "F"), ("李娜", "F"), ("张伟", "M"), ("王伟", "M"), ("刘洋", "M"), ("李静", "F"),
                ("张敏", "F"), ("王磊", "M"))
MINORITY_NAMES = (("买买提·艾力", "M", "维吾尔族"), ("阿依古丽·吐尔逊", "F", "维吾尔族"),
                  ("艾尔肯·努尔", "M", "维吾尔族"), ("古丽娜尔·买合木提", "F", "维吾尔族"),
                  ("扎西·多吉", "M", "藏族"), ("卓玛·央金", "F", "藏族"), ("巴特尔·朝鲁", "M", "蒙古族"),
                  ("其其格·乌兰", "F", "蒙古族"), ("努尔兰·别克", "M", "哈萨克族"), ("阿娜尔·哈力克", "F", "哈萨克族"))
ETHNICITIES = ("汉族",) * 88 + ("满族",) * 9 + ("朝鲜族",) * 2 + ("回族",)
MIDDLE_DOTS = ("·", "•", "・", ".")
SEX_CODES = {"M": ("男", "1", "M", "男性"), "F": ("女", "2", "F", "女性")}
FULL_WIDTH = str.maketrans("0123456789-X ", "０１２３４５６７８９－Ｘ　")
EXCEL_EPOCH = dt.date(1899, 12, 30)
TODAY = dt.date(2026, 11, 27)  # fixed so that the same seed gives the same ages on every day


@dataclass(slots=True)
class TruthPerson:
    key: str
    name: str
    id_number: str  # 18 digits, GB 11643 valid
    sex: str  # "M" / "F"
    birth_date: dt.date
    ethnicity: str
    address: tuple  # (district code, district name, street, number, building, unit, room)
    phone: str
    mother_key: str | None = None
    father_key: str | None = None
    former_names: list[str] = field(default_factory=list)
    guardian_key: str | None = None  # minors only
    former_address: tuple | None = None  # a married woman's parents' home
    twin_key: str | None = None
    common_name: bool = False  # one of the planted same-name, same-birthday cohort

    @property
    def is_minor(self) -> bool:
        return (TODAY - self.birth_date).days < 18 * 365

    @property
    def is_newborn(self) -> bool:
        return (TODAY - self.birth_date).days < 365


class _IdFactory:
    """Unique GB 11643 numbers: (division, birth date) → next sequence with the sex's parity."""

    def __init__(self):
        self.used: dict[tuple[str, dt.date, str], int] = {}

    def make(self, division: str, birth: dt.date, sex: str, rnd: random.Random) -> str:
        for div in (division, *ORIGIN_DIVISIONS):  # a crowded day: born elsewhere, moved here
            k = (div, birth, sex)
            seq = self.used.get(k)
            seq = rnd.randrange(0, 40) * 2 if seq is None else seq + 2
            if seq <= 998:
                self.used[k] = seq
                first17 = f"{div}{birth:%Y%m%d}{seq + (1 if sex == 'M' else 0):03d}"
                return first17 + resident_id_check_char(first17)
        raise ValueError("sequence space exhausted")


def _random_date(rnd: random.Random, start_year: int, end: dt.date) -> dt.date:
    start = dt.date(start_year, 1, 1)
    return start + dt.timedelta(days=rnd.randrange((end - start).days))


def make_population(n: int, seed: int = 0) -> list[TruthPerson]:
    """``n`` persons in households; see the module docstring for what is planted."""
    rnd = random.Random(seed)
    ids = _IdFactory()
    people: list[TruthPerson] = []
    cohort: dict = {}
    common_days = [dt.date(1985, 3, 12), dt.date(1990, 1, 1), dt.date(1978, 10, 1), dt.date(1995, 6, 18)]

    def new_key() -> str:
        return f"P{len(people):08d}"

    def address(rnd=rnd) -> tuple:
        code, dname = rnd.choice(DISTRICTS)
        return (code, dname, rnd.choice(STREETS), rnd.randint(1, 300), rnd.randint(1, 30), rnd.randint(1, 6),
                rnd.randint(1, 18) * 100 + rnd.randint(1, 4))

    def phone() -> str:
        return "" if rnd.random() < 0.12 else f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}"

    def given(sex: str) -> str:
        chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
        return rnd.choice(chars) if rnd.random() < 0.35 else rnd.choice(chars) + rnd.choice(chars)

    def person(sex, birth, addr, *, surname=None, ethnicity=None, name=None, origin=None, **kw) -> TruthPerson:
        division = origin or addr[0]
        name = name or (surname or rnd.choice(SURNAMES)) + given(sex)
        p = TruthPerson(key=new_key(), name=name, id_number=ids.make(division, birth, sex, rnd), sex=sex,
                        birth_date=birth, ethnicity=ethnicity or rnd.choice(ETHNICITIES), address=addr,
                        phone=phone() if (TODAY - birth).days > 14 * 365 else "", **kw)
        people.append(p)
        return p

    while len(people) < n:
        r = rnd.random()
        if r < 0.03:  # a minority person living alone, name with a middle dot
            name, sex, eth = rnd.choice(MINORITY_NAMES)
            person(sex, _random_date(rnd, 1960, dt.date(2004, 1, 1)), address(), name=name, ethnicity=eth,
                   origin=rnd.choice(("650102", "540102", "150102")))
            continue
        if r < 0.07:  # the planted cohort: a very common name born on one of a few days
            name, sex = rnd.choice(COMMON_NAMES)
            day = rnd.choice(common_days)
            if cohort.get((name, day), 0) >= 40:  # at most 40 of one name on one day; the rest spread out
                day = _random_date(rnd, 1960, dt.date(2005, 1, 1))
            cohort[(name, day)] = cohort.get((name, day), 0) + 1
            person(sex, day, address(), name=name, common_name=True)
            continue
        if r < 0.17:  # single adult
            sex = rnd.choice("MF")
            person(sex, _random_date(rnd, 1940, dt.date(2006, 1, 1)), address())
            continue
        # a household: father, mother (often married in: former address, sometimes a former name), children
        home = address()
        fb = _random_date(rnd, 1950, dt.date(2000, 1, 1))
        father = person("M", fb, home, origin=rnd.choice(ORIGIN_DIVISIONS) if rnd.random() < 0.1 else None)
        mb = fb + dt.timedelta(days=rnd.randint(-1500, 2500))
        if mb > dt.date(2001, 1, 1):
            mb = _random_date(rnd, 1975, dt.date(2001, 1, 1))
        mother = person("F", mb, home, former_address=address() if rnd.random() < 0.6 else None)
        if rnd.random() < 0.08:
            mother.former_names.append(mother.name[0] + given("F"))
        first_child = max(mb.replace(day=1) + dt.timedelta(days=365 * 22), dt.date(1975, 1, 1))
        kids = rnd.choice((0, 1, 1, 1, 2, 2, 3))
        if first_child >= TODAY:
            kids = 0
        for i in range(kids):
            if len(people) >= n:
                break
            if rnd.random() < 0.25:  # a newborn
                birth = TODAY - dt.timedelta(days=rnd.randint(1, 360))
            else:
                birth = _random_date(rnd, first_child.year, TODAY) if first_child < TODAY else TODAY
            twins = rnd.random() < 0.06 and len(people) + 2 <= n
            sexes = [rnd.choice("MF") for _ in range(2 if twins else 1)]
            born = []
            for sex in sexes:
                c = person(sex, birth, home, surname=father.name[0], mother_key=mother.key, father_key=father.key)
                if c.is_minor:
                    c.guardian_key = mother.key if rnd.random() < 0.7 else father.key
                if rnd.random() < 0.04 and not c.is_newborn:
                    c.former_names.append(c.name[0] + given(sex))
                born.append(c)
            if twins:
                born[0].twin_key, born[1].twin_key = born[1].key, born[0].key
    return people[:n]


# ---------------------------------------------------------------------------------------------------------
# feeds

@dataclass(frozen=True)
class SourceSpec:
    name: str  # the feed's key (ASCII; used on the command line and in row ids)
    department: str  # the department's short name in the demo city (digigov/core/org/demo.py)
    label: str  # what the extract is, in Chinese
    prefix: str  # row_id prefix


DEFAULT_SOURCES = (
    SourceSpec("gongan", "公安局", "公安 户籍人口", "GA"),
    SourceSpec("renshe", "人社局", "人社 参保人员", "RS"),
    SourceSpec("minzheng", "民政局", "民政 婚姻登记/低保", "MZ"),
    SourceSpec("weijian", "卫健委", "卫健 出生医学证明/健康档案", "WJ"),
)


class _Noise:
    """Shared lookup tables (built once: OpenCC and pypinyin are the slow part)."""

    _tables: dict | None = None

    @classmethod
    def tables(cls) -> dict:
        if cls._tables is None:
            import opencc
            from pypinyin import lazy_pinyin

            chars = sorted(set(SURNAMES + MALE_CHARS + FEMALE_CHARS + "".join(n for n, *_ in MINORITY_NAMES)
                               + "".join(n for n, _ in COMMON_NAMES)))
            s2t = opencc.OpenCC("s2t")
            trad = {c: s2t.convert(c) for c in chars}
            trad = {c: t for c, t in trad.items() if t != c}
            by_sound: dict[str, list[str]] = {}
            pool = sorted(set(MALE_CHARS + FEMALE_CHARS + "丽立力励利莉李理礼里娟捐鹃军君均钧俊峻骏浚"
                              "芳方仿舫放伟维为薇唯微玮炜娜纳那静晶精菁京经敏民闽岷"))
            for c in pool:
                by_sound.setdefault(lazy_pinyin(c)[0], []).append(c)
            homophone = {c: [o for o in by_sound[lazy_pinyin(c)[0]] if o != c] for c in pool}
            cls._tables = {"trad": trad, "homophone": {c: v for c, v in homophone.items() if v}}
        return cls._tables


def _fmt_date(d: dt.date, rnd: random.Random) -> str:
    k = rnd.randrange(7)
    if k == 0:
        return d.isoformat()
    if k == 1:
        return f"{d.year}/{d.month}/{d.day}"
    if k == 2:
        return d.strftime("%Y%m%d")
    if k == 3:
        return f"{d.year}年{d.month}月{d.day}日"
    if k == 4:
        return d.strftime("%Y.%m.%d")
    if k == 5:
        return d.strftime("%Y-%m-%d 00:00:00")
    return str((d - EXCEL_EPOCH).days)  # an Excel serial date, as spreadsheets export it


def _fmt_address(a: tuple, rnd: random.Random) -> str:
    code, dname, street, number, building, unit, room = a
    k = rnd.random()
    prefix = (PROVINCE + CITY) if k < 0.35 else CITY if k < 0.65 else ""
    if rnd.random() < 0.3:
        tail = f"{building}-{unit}-{room}"
    elif rnd.random() < 0.5:
        tail = f"{building}号楼{unit}单元{room}室"
    else:
        tail = f"{building}栋{unit}单元{room}"
    s = f"{prefix}{dname}{street}{number}号{tail}"
    if rnd.random() < 0.05:
        s = s.translate(FULL_WIDTH)
    return s


def _id15(id18: str) -> str:
    return id18[:6] + id18[8:17]


def _noisy_id(id18: str, rnd: random.Random, *, old15: float, missing: float) -> str:
    r = rnd.random()
    if r < missing:
        return ""
    r -= missing
    if r < old15 and id18[6:8] == "19":
        return _id15(id18)
    r -= old15
    if r < 0.02:  # a wrong check digit
        wrong = rnd.choice([c for c in "0123456789X" if c != id18[17]])
        return id18[:17] + wrong
    r -= 0.02
    if r < 0.01:  # two adjacent digits swapped (never the same digit twice)
        spots = [i for i in range(16) if id18[i] != id18[i + 1]]
        i = rnd.choice(spots)
        return id18[:i] + id18[i + 1] + id18[i] + id18[i + 2:]
    r -= 0.01
    if r < 0.02:
        return id18.translate(FULL_WIDTH)
    r -= 0.02
    if r < 0.02:
        return id18[:6] + " " + id18[6:14] + " " + id18[14:]
    return id18.lower() if id18.endswith("X") and rnd.random() < 0.3 else id18


def _noisy_name(p: TruthPerson, rnd: random.Random, tables: dict) -> str:
    name = p.name
    if p.former_names and rnd.random() < 0.2:
        name = p.former_names[0]  # an old extract still carries the name used before the change
    if "·" in name:
        return name.replace("·", rnd.choice(MIDDLE_DOTS))
    r = rnd.random()
    if r < 0.03:  # traditional characters
        return "".join(tables["trad"].get(c, c) for c in name)
    if r < 0.05 and len(name) >= 2:  # a homophone typo in the given name
        i = rnd.randrange(1, len(name))
        alts = tables["homophone"].get(name[i])
        if alts:
            return name[:i] + rnd.choice(alts) + name[i + 1:]
    if r < 0.07:
        return name[0] + rnd.choice((" ", "　")) + name[1:]
    return name


def feeds_from_people(people: list[TruthPerson], seed: int = 0, sources=DEFAULT_SOURCES) -> dict[str, list[dict]]:
    """``{source name: [row dict]}``; each row has string fields and ``_truth``. Sources not among the four
    defaults (by name) get the 公安 profile."""
    tables = _Noise.tables()
    by_key = {p.key: p for p in people}
    out: dict[str, list[dict]] = {}
    for idx, spec in enumerate(sources):
        rnd = random.Random(seed * 1009 + idx * 7919 + 17)
        rows: list[dict] = []
        profile = spec.name if spec.name in ("gongan", "renshe", "minzheng", "weijian") else "gongan"
        for p in people:
            age = (TODAY - p.birth_date).days / 365.25
            row = _row_for(profile, p, age, rnd, tables, by_key)
            if row is None:
                continue
            rows.append(row)
            if rnd.random() < 0.02:  # a within-source duplicate (registered twice, typed again)
                dup = _row_for(profile, p, age, rnd, tables, by_key, force=True)
                rows.append(dup)
        rnd.shuffle(rows)
        for i, row in enumerate(rows):
            row["row_id"] = f"{spec.prefix}{i:08d}"
        out[spec.name] = rows
    return out


def _row_for(profile, p: TruthPerson, age, rnd, tables, by_key, force=False) -> dict | None:
    sex = rnd.choice(SEX_CODES[p.sex])
    addr = p.address
    if profile == "gongan":  # 户籍: nearly everyone; newborns once registered; current address
        if not force and rnd.random() > (0.7 if p.is_newborn else 0.96):
            return None
        row = {"name": _noisy_name(p, rnd, tables), "id_number": _noisy_id(p.id_number, rnd, old15=0.02, missing=0.01),
               "id_type": "居民身份证", "sex": sex, "birth_date": _fmt_date(p.birth_date, rnd),
               "ethnicity": p.ethnicity, "address": _fmt_address(addr, rnd), "phone": _fmt_phone(p.phone, rnd, 0.5),
               "former_names": "、".join(p.former_names)}
    elif profile == "renshe":  # 参保: working-age people
        if not force and (age < 16 or rnd.random() > (0.85 if age < 65 else 0.6)):
            return None
        row = {"name": _noisy_name(p, rnd, tables), "id_number": _noisy_id(p.id_number, rnd, old15=0.12, missing=0.02),
               "id_type": rnd.choice(("居民身份证", "身份证", "01")), "sex": sex,
               "birth_date": _fmt_date(p.birth_date, rnd), "address": _fmt_address(addr, rnd),
               "phone": _fmt_phone(p.phone, rnd, 0.9), "insured": rnd.choice(("参保缴费", "参保缴费", "暂停缴费", "终止参保"))}
    elif profile == "minzheng":  # 婚姻登记/低保: married adults; a married woman often at her parents' address
        if not force and (age < 22 or rnd.random() > 0.55):
            return None
        if p.former_address is not None and rnd.random() < 0.6:
            addr = p.former_address
        row = {"name": _noisy_name(p, rnd, tables), "id_number": _noisy_id(p.id_number, rnd, old15=0.1, missing=0.02),
               "id_type": "居民身份证", "sex": sex, "birth_date": _fmt_date(p.birth_date, rnd),
               "ethnicity": p.ethnicity, "address": _fmt_address(addr, rnd), "phone": _fmt_phone(p.phone, rnd, 0.4),
               "marital": rnd.choice(("已婚", "已婚", "已婚", "离婚", "丧偶")) if p.mother_key is None else "未婚"}
    else:  # 卫健: births (every newborn) and health records of about half the people
        if not force and not p.is_newborn and rnd.random() > 0.5:
            return None
        guardian = by_key.get(p.guardian_key) if p.guardian_key else None
        mother = by_key.get(p.mother_key) if p.mother_key else None
        father = by_key.get(p.father_key) if p.father_key else None
        id_number = _noisy_id(p.id_number, rnd, old15=0.03, missing=0.05)
        if p.is_newborn and guardian is not None and rnd.random() < 0.6:
            id_number = guardian.id_number  # the birth record carries the guardian's ID
        row = {"name": _noisy_name(p, rnd, tables), "id_number": id_number,
               "id_type": "居民身份证", "sex": sex, "birth_date": _fmt_date(p.birth_date, rnd),
               "address": _fmt_address(addr, rnd), "phone": _fmt_phone(p.phone, rnd, 0.6),
               "guardian_id_number": guardian.id_number if guardian else "",
               "mother_name": mother.name if mother else "", "father_name": father.name if father else "",
               "birth_certificate": f"R{p.key[1:]}" if p.is_newborn else ""}
    row["_truth"] = p.key
    return row


def _fmt_phone(phone: str, rnd: random.Random, share: float) -> str:
    if not phone or rnd.random() > share:
        return ""
    r = rnd.random()
    if r < 0.05:
        return phone.translate(FULL_WIDTH)
    if r < 0.1:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if r < 0.15:
        return "+86 " + phone
    return phone


def strip_truth(feeds: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The feeds as a linker sees them (no ``_truth``)."""
    return {s: [{k: v for k, v in r.items() if k != "_truth"} for r in rows] for s, rows in feeds.items()}


def truth_of(feeds: dict[str, list[dict]]) -> dict[tuple[str, str], str]:
    return {(s, r["row_id"]): r["_truth"] for s, rows in feeds.items() for r in rows}


def make_feeds(records: int, seed: int = 0) -> dict[str, list[dict]]:
    """About ``records`` feed rows across the four sources (each person appears in ~2.4 of them)."""
    people = make_population(max(10, int(records / 2.4)), seed)
    return feeds_from_people(people, seed)
