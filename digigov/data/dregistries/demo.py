"""Demo city: one registry defined through the GovStack Database API, with records written through the
Data API's actions — 养老机构登记簿 (elderly-care institutions: ~120 in a city this size at scale 1).

The registry's schema marks the person in charge's name and phone as personal (sealed, masked), so the
demo shows masking and "my personal data usage" with real rows. Deterministic for a seed (``ctx.rng``).
"""

from __future__ import annotations

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account
from digigov.core.registry import register_demo

from . import actions
from .models import Database

CODE = "elderly-care"
SCHEMA = {
    "type": "object",
    "title": "养老机构登记簿",
    "description": "全市养老机构的登记信息（民政局），经 GovStack 数字登记簿接口定义和维护",
    "properties": {
        "ID": {"type": "string", "title": "登记编号", "primaryKey": True},
        "name": {"type": "string", "title": "机构名称", "minLength": 2, "maxLength": 100},
        "uscc": {"type": "string", "title": "统一社会信用代码", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"},
        "kind": {"type": "string", "title": "机构类型", "enum": ["公办", "公建民营", "民办"]},
        "beds": {"type": "integer", "title": "床位数", "minimum": 0, "maximum": 5000},
        "district": {"type": "string", "title": "所在区县"},
        "director": {"type": "string", "title": "负责人姓名", "personal": True},
        "directorPhone": {"type": "string", "title": "负责人手机号码", "personal": True, "pattern": "^1[3-9][0-9]{9}$"},
        "licensedOn": {"type": "string", "title": "备案日期", "format": "date"},
    },
    "required": ["name", "kind", "beds"],
}
NAMES = ["颐养", "康乐", "福寿", "夕阳红", "松鹤", "安康", "慈孝", "乐龄", "长青", "和园"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英志强桂兰玉珍海燕丽华明德淑芬春梅"
DISTRICTS = ["振兴区", "元宝区", "振安区", "宽甸县", "东港市", "凤城市"]


def generate(ctx):
    rng = ctx.rng
    users = ctx.shared.get("accounts", {}).get("demo_users", {})
    from digigov.core.accounts.models import User

    actor = User.objects.filter(pk=users.get("dataauthority")).first() or system_account()
    if Database.objects.filter(code=CODE).exists():
        ctx.describe("养老机构登记簿已存在，跳过")
        return
    with acting_as(actor, channel="command"):
        db, _ = actions.modify_database(actor, code=CODE, version="1.0", schema=SCHEMA, group_name="民政",
                                        catalog_name="养老机构登记簿")
        n = ctx.n(120, minimum=8)
        for i in range(n):
            content = {
                "name": f"{rng.choice(DISTRICTS)}{rng.choice(NAMES)}{['养老院', '颐养中心', '老年公寓'][i % 3]}（{i + 1}）",
                "kind": rng.choice(["公办", "公建民营", "民办"]),
                "beds": rng.randrange(20, 600),
                "district": rng.choice(DISTRICTS),
                "director": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                "directorPhone": "1" + rng.choice("3589") + "".join(str(rng.randrange(10)) for _ in range(9)),
                "licensedOn": f"20{rng.randrange(10, 26):02d}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            }
            actions.create_record(actor, db, content)
        ctx.rows += n
        ctx.describe(f"GovStack 数字登记簿：养老机构登记簿 {n} 条记录")


register_demo("dregistries", generate, after=("org", "accounts"))
