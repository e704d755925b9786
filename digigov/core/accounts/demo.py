"""Demo city, part 2: natural persons, legal persons, enterprise agents and the ten demo accounts.

At scale 1 the city has about 2.2 million residents and 150,000 market entities. People are
streamed in batches straight into the table (``ctx.insert_rows``) with every value computed from
``ctx.rng``: names from a surname frequency table, GB 11643 identity numbers whose region is the
county of residence and whose sequence numbers are counted per region, birth date and sex (so
they are unique by construction), GB 32100 credit codes with a GB 11714 organisation code inside.

The ten demo accounts (``DEMO_ACCOUNTS``) share ``DEMO_PASSWORD``, hashed once;
``manage.py demo_accounts`` lists them. Every other generated account has an unusable password.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from itertools import accumulate

from django.contrib.auth.hashers import make_password

from digigov.core import pii, registry
from digigov.core.demo import chinese_names
from digigov.core.rbac.models import Role, RoleAssignment

from .ids import ID_CHECK, ID_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS
from .models import AgentAuthorization, LegalPerson, LegalPersonKind, NaturalPerson, User, UserKind

PERSONS_FULL = 2_200_000
LEGAL_PERSONS_FULL = 150_000
AGENTS_FULL = 2_500
AUTHORIZATIONS_FULL = 3_000

# The eleven demo accounts, one per role, all with DEMO_PASSWORD (documented: it is printed by
# ``manage.py demo_accounts``). Department roles are scoped to 营商局（大数据管理局）; the service-hall
# clerk and approver serve the whole city's people, so their reach is the city's division subtree
# (``CITY_DIVISION``); the five city-wide roles are not scoped. Staff accounts get a StaffMember row
# in the unit named last.
CITY_DIVISION = "@city"
DEMO_PASSWORD = "Demo@2026city"
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    # username, role, account kind, scope department code (None: city-wide), staff unit code
    ("citizen", Role.CITIZEN, UserKind.PERSON, None, None),
    ("agent", Role.ENTERPRISE_AGENT, UserKind.PERSON, None, None),
    ("clerk", Role.WINDOW_CLERK, UserKind.STAFF, CITY_DIVISION, "CITY-GSC"),
    ("approver", Role.APPROVER, UserKind.STAFF, CITY_DIVISION, "CITY-GSC"),
    ("deptadmin", Role.DEPT_ADMIN, UserKind.STAFF, "CITY-BDB", "CITY-BDB"),
    ("dataadmin", Role.DATA_ADMIN, UserKind.STAFF, "CITY-BDB", "CITY-BDC"),
    ("dataauthority", Role.DATA_AUTHORITY, UserKind.STAFF, None, "CITY-BDB"),
    ("cityadmin", Role.CITY_ADMIN, UserKind.STAFF, None, "CITY-BDC"),
    ("leader", Role.LEADER, UserKind.STAFF, None, "CITY-GOV"),
    ("auditor", Role.AUDITOR, UserKind.STAFF, None, "CITY-AUD"),
    ("secofficer", Role.SECURITY_OFFICER, UserKind.STAFF, None, "CITY-BDC"),
)

# --- tables computed once ----------------------------------------------------------------------
FIRST_DAY = dt.date(1930, 1, 1)
LAST_DAY = dt.date(2023, 12, 31)
_N_DAYS = (LAST_DAY - FIRST_DAY).days + 1
_DAYS = [FIRST_DAY + dt.timedelta(days=i) for i in range(_N_DAYS)]
_DAY_DIGITS = [d.strftime("%Y%m%d") for d in _DAYS]
_DAY_ISO = [d.isoformat() for d in _DAYS]
_DAY_SUM = [sum(int(c) * w for c, w in zip(s, ID_WEIGHTS[6:14])) for s in _DAY_DIGITS]
_SEQ_DIGITS = [f"{s:03d}" for s in range(1000)]
_SEQ_SUM = [sum(int(c) * w for c, w in zip(s, ID_WEIGHTS[14:17])) for s in _SEQ_DIGITS]
ADULT_BEFORE = bisect_left(_DAYS, dt.date(2005, 1, 1))  # day index: born before → adult in 2023
CHILD_FROM = bisect_left(_DAYS, dt.date(2012, 1, 1))  # younger children have no phone of their own


def _year_weight(year: int) -> float:
    """An ageing north-eastern population: many born 1950-1990, few since."""
    if year < 1940:
        return 1.5
    if year < 1950:
        return 5
    if year < 1975:
        return 15
    if year < 1991:
        return 13
    if year < 2006:
        return 8
    return 5


_DAY_CUM = list(accumulate(_year_weight(d.year) for d in _DAYS))
_DAY_INDEX = range(_N_DAYS)
_PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157",
                   "158", "159", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "198", "199")

_FIRM_WORDS = "恒泰鑫盛瑞丰华信宏达源隆兴宇昌顺鼎诚汇佳博远通利凯安成和新润中天正金海"
_INDUSTRIES = ("商贸", "科技", "建筑工程", "物流", "食品", "农业发展", "餐饮管理", "机械制造", "电子", "文化传媒", "房地产开发", "医药",
               "服装", "汽车销售", "网络科技", "旅游", "水产", "化工", "建材", "环保科技", "信息技术", "供应链管理", "物业管理", "劳务")
_FORMS = ("有限公司",) * 16 + ("有限责任公司",) * 3 + ("股份有限公司",)
_SHOPS = ("便利店", "超市", "饭店", "烧烤店", "五金店", "理发店", "水果店", "百货商店", "汽车修理部", "烟酒店", "服装店", "药店", "面馆",
          "快递服务站", "家电维修部", "粮油店", "建材商店", "农资店")
_INSTITUTIONS = ("小学", "中学", "幼儿园", "卫生院", "文化站", "农业技术推广站", "社区卫生服务中心", "养老院")
_SOCIAL = ("个体劳动者协会", "餐饮行业协会", "物流协会", "志愿者协会", "老年人协会", "养老服务中心", "书画协会", "慈善会")
_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # organisation code body, within the credit-code charset
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
_ORG_VALUE = {c: (int(c) if c.isdigit() else ord(c) - 55) for c in _ORG_CHARS}  # GB 11714: A=10 … Z=35
# (kind, registration authority + category digits, share)
_LEGAL_KINDS = (
    (LegalPersonKind.ENTERPRISE, "91", 44),
    (LegalPersonKind.INDIVIDUAL, "92", 50),
    (LegalPersonKind.INSTITUTION, "12", 3),
    (LegalPersonKind.SOCIAL, "52", 3),
)

PERSON_COLUMNS = ("id", "public_id", "created_at", "updated_at", "voided_at", "void_reason", "voided_by",
                  "id_number", "id_number_bidx", "name", "gender", "birth_date", "phone", "address", "division")
LEGAL_COLUMNS = ("id", "public_id", "created_at", "updated_at", "voided_at", "void_reason", "voided_by",
                 "uscc", "name", "kind", "legal_representative", "division", "address", "established_on")


def _places():
    """Villages with their county index, address prefix and population weight."""
    from digigov.core.org.demo import CITY_CODE, COUNTIES
    from digigov.core.org.models import Division, DivisionLevel

    divisions = {d.code: d for d in Division.objects.filter(code__startswith=CITY_CODE[:4]).only("id", "code", "name", "level")}
    city = divisions.get(CITY_CODE)
    if city is None:
        raise RuntimeError("accounts demo needs the org demo (city division 210600000000) first")
    county_codes = sorted(c.code for c in divisions.values() if c.level == DivisionLevel.COUNTY)
    county_weight = {code6 + "000000": w for code6, _k, _n, w in COUNTIES}
    villages = []
    for code in sorted(c for c, d in divisions.items() if d.level == DivisionLevel.VILLAGE):
        v = divisions[code]
        town = divisions.get(code[:9] + "000")
        county = divisions.get(code[:6] + "000000")
        if town is None or county is None:
            continue
        urban = v.name.endswith("社区")
        villages.append(dict(
            id=v.pk, county=county_codes.index(county.code), region=code[:6], county_name=county.name,
            prefix=f"{city.name}{county.name}{town.name}{v.name}", urban=urban,
            weight=county_weight.get(county.code, 1.0) * (1.6 if urban else 1.0),
        ))
    return city.name, county_codes, villages


def _person_batches(ctx, n: int, first_id: int, villages: list[dict], n_counties: int, births: array, taken: set):
    """Yield lists of person rows; ``births`` receives every person's birth-day index.

    Rows go straight to the table, so the personal fields are encrypted here (``pii.BulkSealer``: one key
    lookup for all rows) and the ID number's blind index computed; ``taken`` holds the blind index values
    of the people already in the database (their numbers are only stored encrypted)."""
    table = NaturalPerson._meta.db_table
    seal_id, seal_phone, seal_address = (pii.BulkSealer(table, c) for c in ("id_number", "phone", "address"))
    index = pii.BulkBlindIndex(table, "id_number")
    rng = ctx.rng
    weights = [v["weight"] * rng.uniform(0.6, 1.4) for v in villages]
    v_cum = list(accumulate(weights))
    v_index = range(len(villages))
    v_id = [v["id"] for v in villages]
    v_county = [v["county"] for v in villages]
    v_slot = [v["county"] * _N_DAYS for v in villages]
    v_region = [v["region"] for v in villages]
    v_prefix = [v["prefix"] for v in villages]
    v_urban = [v["urban"] for v in villages]
    region_sum = [sum(int(c) * w for c, w in zip(v["region"], ID_WEIGHTS[:6])) for v in villages]
    counts = array("H", bytes(2 * n_counties * _N_DAYS * 2))  # per (county, day, sex): how many numbers used
    day_sum, day_digits, day_iso, seq_digits, seq_sum = _DAY_SUM, _DAY_DIGITS, _DAY_ISO, _SEQ_DIGITS, _SEQ_SUM
    prefixes = _PHONE_PREFIXES
    now = ctx.db_now()
    made = 0
    while made < n:
        k = min(ctx.batch_size, n - made)
        days = rng.choices(_DAY_INDEX, cum_weights=_DAY_CUM, k=k)
        places = rng.choices(v_index, cum_weights=v_cum, k=k)
        genders = rng.choices("MF", cum_weights=(51, 100), k=k)
        names = chinese_names(rng, genders)
        pids = ctx.public_ids(k)
        bits = array("Q", rng.getrandbits(64 * k).to_bytes(8 * k, "little"))
        rows = []
        pk = first_id + made
        for i in range(k):
            di = days[i]
            vi = places[i]
            male = genders[i] == "M"
            # sequence number: odd for men, even for women, counted per county, birth date and sex
            while True:
                slot = ((v_slot[vi] + di) << 1) | male
                used = counts[slot]
                if used < 499:
                    counts[slot] = used + 1
                    off = (di * 7 + v_county[vi] * 13) % 499
                    seq = 1 + 2 * ((used + off) % 499) if male else 2 + 2 * ((used + off) % 499)
                    first17 = v_region[vi] + day_digits[di] + seq_digits[seq]
                    id_number = first17 + ID_CHECK[(region_sum[vi] + day_sum[di] + seq_sum[seq]) % 11]
                    digest = index(id_number)
                    if not taken or digest not in taken:
                        break
                else:
                    di = (di + 1) % _N_DAYS
            births.append(di)
            r = bits[i]
            phone = "" if di >= CHILD_FROM else prefixes[r % 30] + f"{(r >> 5) % 100000000:08d}"
            if v_urban[vi]:
                address = f"{v_prefix[vi]}{(r >> 32) % 60 + 1}号楼{(r >> 38) % 6 + 1}单元{(r >> 41) % 18 + 1}{(r >> 46) % 4 + 1:02d}室"
            else:
                address = f"{v_prefix[vi]}{(r >> 32) % 9 + 1}组{(r >> 38) % 120 + 1}号"
            rows.append((pk + i, pids[i], now, now, None, "", None, seal_id(id_number), digest, names[i], genders[i], day_iso[di],
                         seal_phone(phone), seal_address(address), v_id[vi]))
        made += k
        yield rows


def _org_code(rng, used: set) -> str:
    while True:
        body = "".join(rng.choices(_ORG_CHARS, k=8))
        if body in used:
            continue
        used.add(body)
        c = 11 - sum(_ORG_VALUE[ch] * w for ch, w in zip(body, _ORG_WEIGHTS)) % 11
        return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def _uscc(prefix2: str, region: str, org9: str) -> str:
    first17 = prefix2 + region + org9
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS))
    return first17 + USCC_CHARSET[(31 - total % 31) % 31]


def _legal_batches(ctx, n: int, first_id: int, villages: list[dict], city: str, first_person: int, births: array, taken: set):
    rng = ctx.rng
    v_cum = list(accumulate(v["weight"] for v in villages))
    v_index = range(len(villages))
    kinds = [k for k, _p, _s in _LEGAL_KINDS]
    kind_prefix = {k: p for k, p, _s in _LEGAL_KINDS}
    kind_cum = list(accumulate(s for _k, _p, s in _LEGAL_KINDS))
    n_persons = len(births)
    used_org: set = set()
    first_est = dt.date(1990, 1, 1).toordinal()
    span = dt.date(2023, 12, 31).toordinal() - first_est
    now = ctx.db_now()
    made = 0
    while made < n:
        k = min(ctx.batch_size, n - made)
        pids = ctx.public_ids(k)
        places = rng.choices(v_index, cum_weights=v_cum, k=k)
        kind_list = rng.choices(kinds, cum_weights=kind_cum, k=k)
        rows = []
        for i in range(k):
            v = villages[places[i]]
            kind = kind_list[i]
            while True:
                uscc = _uscc(kind_prefix[kind], v["region"], _org_code(rng, used_org))
                if not taken or uscc not in taken:
                    break
            word = rng.choice(_FIRM_WORDS) + rng.choice(_FIRM_WORDS)
            if kind == LegalPersonKind.ENTERPRISE:
                name = f"{city}{word}{rng.choice(_INDUSTRIES)}{rng.choice(_FORMS)}"
            elif kind == LegalPersonKind.INDIVIDUAL:
                name = f"{v['county_name']}{word}{rng.choice(_SHOPS)}"
            elif kind == LegalPersonKind.INSTITUTION:
                name = f"{v['county_name']}{word}{rng.choice(_INSTITUTIONS)}"
            else:
                name = f"{city}{word}{rng.choice(_SOCIAL)}"
            rep = None
            if n_persons and kind in (LegalPersonKind.ENTERPRISE, LegalPersonKind.INDIVIDUAL):
                for _ in range(20):
                    j = rng.randrange(n_persons)
                    if births[j] < ADULT_BEFORE:
                        rep = first_person + j
                        break
            est = dt.date.fromordinal(first_est + int(span * rng.random() ** 0.6))
            address = f"{v['prefix']}{rng.choice(_FIRM_WORDS)}{rng.choice('东西南北中')}路{rng.randint(1, 300)}号"
            rows.append((first_id + made + i, pids[i], now, now, None, "", None, uscc, name[:100], kind, rep, v["id"], address,
                         est.isoformat()))
        made += k
        yield rows



def _adult_indices(rng, births: array, k: int, exclude: set) -> list[int]:
    out: list[int] = []
    n = len(births)
    if n == 0:
        return out
    seen = set(exclude)
    tries = 0
    while len(out) < k and tries < 50 * k + 1000:
        tries += 1
        j = rng.randrange(n)
        if j in seen or births[j] >= ADULT_BEFORE:
            continue
        seen.add(j)
        out.append(j)
    return out


def _demo_salt(rng) -> str:
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=22))


def generate(ctx) -> None:
    from digigov.core.org.models import Department, Division, DivisionLevel, Post, StaffMember

    rng = ctx.rng
    city, county_codes, villages = _places()

    # --- natural persons (streamed) --------------------------------------------------------------
    ctx.describe("accounts: 自然人")
    n_persons = ctx.n(PERSONS_FULL)
    first_person = ctx.next_id(NaturalPerson)
    taken = set(map(bytes, NaturalPerson.objects.values_list("id_number_bidx", flat=True))) if first_person > 1 else set()
    births = array("H")
    ctx.insert_rows(NaturalPerson, PERSON_COLUMNS, _person_batches(ctx, n_persons, first_person, villages, len(county_codes), births, taken))
    del taken

    # --- legal persons (streamed) ----------------------------------------------------------------
    ctx.describe("accounts: 法人")
    n_legal = ctx.n(LEGAL_PERSONS_FULL)
    first_legal = ctx.next_id(LegalPerson)
    taken = set(LegalPerson.objects.values_list("uscc", flat=True)) if first_legal > 1 else set()
    ctx.insert_rows(LegalPerson, LEGAL_COLUMNS, _legal_batches(ctx, n_legal, first_legal, villages, city, first_person, births, taken))
    ctx.reset_sequences(NaturalPerson, LegalPerson)

    # --- enterprise agents: person accounts authorised for a legal person ------------------------
    ctx.describe("accounts: 企业经办人")
    n_agents = ctx.n(AGENTS_FULL)
    n_auth = max(n_agents, ctx.n(AUTHORIZATIONS_FULL))
    picked = _adult_indices(rng, births, n_agents + 2, exclude=set())
    demo_person = {Role.CITIZEN: picked[0] if picked else None, Role.ENTERPRISE_AGENT: picked[1] if len(picked) > 1 else None}
    agent_idx = picked[2:]
    person_names = dict(NaturalPerson.objects.filter(pk__in=[first_person + j for j in picked]).values_list("pk", "name"))
    next_user = ctx.next_id(User)
    users = []
    for j in agent_idx:
        uid = next_user + len(users)
        users.append(User(id=uid, public_id=ctx.public_id(), username=f"user{uid:07d}", display_name=person_names[first_person + j],
                          kind=UserKind.PERSON, person_id=first_person + j, password=ctx.unusable_password(),
                          date_joined=dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))))
    ctx.bulk(User, users)
    enterprise_ids = list(LegalPerson.objects.filter(pk__gte=first_legal, kind=LegalPersonKind.ENTERPRISE).order_by("pk").values_list("pk", flat=True))
    auths = []
    pairs: set = set()
    next_auth = ctx.next_id(AgentAuthorization)
    if enterprise_ids and users:
        for i in range(n_auth):
            agent = users[i] if i < len(users) else rng.choice(users)
            lp = rng.choice(enterprise_ids)
            if (lp, agent.pk) in pairs:
                continue
            pairs.add((lp, agent.pk))
            start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
            auths.append(AgentAuthorization(id=next_auth + len(auths), public_id=ctx.public_id(), legal_person_id=lp, agent_id=agent.pk,
                                            scope=rng.choice(("全部事项", "全部事项", "企业登记与变更", "税务与社保事项", "工程建设项目审批")),
                                            valid_from=start, valid_until=start + dt.timedelta(days=365 * rng.choice((1, 2, 3))) if rng.random() < 0.4 else None))
    ctx.bulk(AgentAuthorization, auths)
    next_ra = ctx.next_id(RoleAssignment)
    ctx.bulk(RoleAssignment, [RoleAssignment(id=next_ra + i, public_id=ctx.public_id(), user_id=u.pk, role=Role.ENTERPRISE_AGENT)
                              for i, u in enumerate(users)])

    # --- the ten demo accounts ------------------------------------------------------------------
    ctx.describe("accounts: 演示账户")
    password = make_password(DEMO_PASSWORD, salt=_demo_salt(rng))  # hashed once (Argon2 is slow on purpose)
    existing = set(User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]).values_list("username", flat=True))
    depts = {d.code: d for d in Department.objects.filter(code__in={c for a in DEMO_ACCOUNTS for c in a[3:] if c})}
    staff_names = chinese_names(rng, rng.choices("MF", k=len(DEMO_ACCOUNTS)))
    next_user = ctx.next_id(User)
    next_ra = ctx.next_id(RoleAssignment)
    next_staff = ctx.next_id(StaffMember)
    demo_users, roles, members = [], [], []
    agent_user = None
    for n, (username, role, kind, scope_code, unit_code) in enumerate(DEMO_ACCOUNTS):
        if username in existing:
            continue
        uid = next_user + len(demo_users)
        display = staff_names[n]
        person_id = None
        if demo_person.get(role) is not None:
            person_id = first_person + demo_person[role]
            display = person_names[person_id]
        user = User(id=uid, public_id=ctx.public_id(), username=username, display_name=display, kind=kind, person_id=person_id,
                    password=password, is_staff=role == Role.CITY_ADMIN, date_joined=dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc))
        demo_users.append(user)
        scope = depts.get(scope_code) if scope_code and scope_code != CITY_DIVISION else None
        division = Division.objects.get(level=DivisionLevel.CITY) if scope_code == CITY_DIVISION else None
        roles.append(RoleAssignment(id=next_ra + len(roles), public_id=ctx.public_id(), user_id=uid, role=role, department=scope,
                                    division=division))
        unit = depts.get(unit_code) if unit_code else None
        if kind == UserKind.STAFF and unit is not None:
            post = Post.objects.filter(department=unit).order_by("pk").first()
            members.append(StaffMember(id=next_staff + len(members), public_id=ctx.public_id(), user_id=uid, department=unit, post=post,
                                       employee_no=f"DEMO{n + 1:03d}"))
        if role == Role.ENTERPRISE_AGENT:
            agent_user = user
    ctx.bulk(User, demo_users)
    ctx.bulk(RoleAssignment, roles)
    ctx.bulk(StaffMember, members)
    if agent_user is not None and enterprise_ids:
        ctx.bulk(AgentAuthorization, [AgentAuthorization(
            id=ctx.next_id(AgentAuthorization), public_id=ctx.public_id(), legal_person_id=enterprise_ids[0], agent_id=agent_user.pk,
            scope="全部事项", valid_from=dt.date(2023, 1, 1))])
    ctx.reset_sequences(User, AgentAuthorization, RoleAssignment, StaffMember)
    ctx.shared["accounts"] = {
        "persons": (first_person, first_person + n_persons - 1),
        "legal_persons": (first_legal, first_legal + n_legal - 1),
        "demo_users": {u.username: u.pk for u in demo_users},
    }


registry.register_demo("accounts", generate, after=("org",))
