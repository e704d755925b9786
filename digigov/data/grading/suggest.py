"""Automatic level suggestions: a rule table over data item names and formats.

The suggestions are offered to the department data admin as pre-filled proposals on the propose form;
they are never applied by themselves (the admin submits them, the data authority confirms them).

How the table was decided:

* 个人信息保护法 §28 names the kinds of 敏感个人信息: 生物识别、宗教信仰、特定身份、医疗健康、金融账户、
  行踪轨迹, and all personal information of minors under fourteen. GB/T 43697-2024 附录 (and GB/T 35273
  附录B, which it follows) lists 身份证件号码 among 个人身份信息 that is sensitive, and 犯罪记录 among
  特定身份. So 公民身份号码 / 证件号码 → 敏感个人信息 (not merely 个人信息).
* 姓名、手机号码、住址、电子邮箱、出生日期 and the like identify a person only together → 个人信息.
* Data levels (一般/重要/核心) depend on the whole dataset's scale and use, not on a column name, so the
  table proposes a data level only where the name itself says it (high-precision geographic/surveying
  data → 重要数据, GB/T 43697 附录G); otherwise the item keeps its level.

Rules are tried in order; the first rule that matches the item decides its personal kind (a sensitive
rule before a personal one), and a level rule raises the level independently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digigov.data.catalog.models import DataLevel, ItemFormat, PersonalKind


@dataclass(frozen=True)
class Rule:
    label: str  # what the admin sees as the basis
    pattern: re.Pattern | None
    formats: tuple[str, ...] = ()
    personal: int | None = None
    level: int | None = None

    def matches(self, item) -> bool:
        if item.format and item.format in self.formats:
            return True
        return bool(self.pattern and self.pattern.search(item.name or ""))


def _p(words: str) -> re.Pattern:
    return re.compile(words)


PIPL28 = "个人信息保护法第二十八条"
RULES: tuple[Rule, ...] = (
    Rule(f"{PIPL28}（特定身份）；GB/T 43697 附录：身份证件号码", _p(r"身份证|公民身份号码|证件号码|护照号|社会保障号|社保卡号"),
         (ItemFormat.RESIDENT_ID,), personal=PersonalKind.SENSITIVE),
    Rule(f"{PIPL28}（金融账户）", _p(r"银行|账户|账号|卡号|存款|贷款|征信|信用卡|支付账号|交易流水|收入"), personal=PersonalKind.SENSITIVE),
    Rule(f"{PIPL28}（医疗健康）", _p(r"健康|医疗|病历|病史|诊断|疾病|体检|用药|过敏|残疾|传染病|生育|孕"), personal=PersonalKind.SENSITIVE),
    Rule(f"{PIPL28}（宗教信仰）", _p(r"宗教|信仰"), personal=PersonalKind.SENSITIVE),
    Rule(f"{PIPL28}（生物识别）", _p(r"指纹|人脸|面部|虹膜|声纹|掌纹|基因|DNA|生物识别|步态"), personal=PersonalKind.SENSITIVE),
    Rule(f"{PIPL28}（行踪轨迹）", _p(r"行踪|轨迹|定位|出行记录|住宿记录|位置信息|GPS"), personal=PersonalKind.SENSITIVE),
    Rule(f"{PIPL28}（不满十四周岁未成年人）", _p(r"未成年|儿童|幼儿|婴儿|新生儿"), personal=PersonalKind.SENSITIVE),
    Rule(f"{PIPL28}（特定身份）；GB/T 35273 附录B：犯罪记录", _p(r"犯罪|刑事|违法记录|服刑|戒毒|社区矫正"), personal=PersonalKind.SENSITIVE),
    Rule("个人信息保护法第四条（可识别的自然人信息）", _p(r"姓名|名字|手机|电话|联系方式|住址|家庭地址|居住地|户籍|邮箱|出生日期|出生年月|性别|民族|婚姻|学历|工作单位|联系人|监护人"),
         (ItemFormat.PHONE, ItemFormat.EMAIL), personal=PersonalKind.PERSONAL),
    Rule("GB/T 43697 附录G（地理信息类重要数据）", _p(r"高精度|测绘|坐标|经纬度|地形|水下地形|军事"), level=DataLevel.IMPORTANT),
)


@dataclass(frozen=True)
class Suggestion:
    item: object
    level: int
    personal: int
    basis: str

    @property
    def changes(self) -> bool:
        return (self.level, self.personal) != (self.item.level, self.item.personal)


def suggest_item(item) -> Suggestion | None:
    """What the rules propose for one item (never lower than its current levels), or None when no rule matches."""
    personal, level, bases = item.personal, item.level, []
    decided_personal = False
    for rule in RULES:
        if not rule.matches(item):
            continue
        if rule.personal is not None and not decided_personal:
            decided_personal = True
            if rule.personal > personal:
                personal = rule.personal
            bases.append(rule.label)
        if rule.level is not None and rule.level > level:
            level = rule.level
            bases.append(rule.label)
    if not bases:
        return None
    return Suggestion(item, level, personal, "；".join(dict.fromkeys(bases)))


def suggest_entry(items) -> list[Suggestion]:
    """Suggestions that would change something, in item order."""
    out = []
    for item in items:
        s = suggest_item(item)
        if s is not None and s.changes:
            out.append(s)
    return out
