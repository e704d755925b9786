"""Demo city: the payment app (``support.payment``, after the seal and licence demos).

* 非税 payable items of the city bureaus (工本费, 考试费, 不动产登记费 …) with their legal basis;
* the six convenience payees (医保缴费, 供暖费, 停车费, 学杂费, 燃气费, 水费) and their bill tables: a few
  hundred accounts with amounts due (the demo citizen has a water and a gas account: 10086001 / 20086001);
* paid orders through the real round trip (create → pay → sandbox cashier → signed notification → e-bill
  sealed by the collecting bureau), the demo citizen's among them; one refund; one order left unpaid;
* a reconciliation run of yesterday with one planted mismatch (a trade the channel has and we do not).
"""

from __future__ import annotations

import datetime as dt

from digigov.core.context import acting_as
from digigov.core.registry import register_demo

NONTAX = (  # code, name, bureau abbreviation, standard amount (cents), legal basis
    ("FS-PSB-001", "居民身份证工本费", "PSB", 2000, "《关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）"),
    ("FS-PSB-002", "机动车号牌工本费", "PSB", 10000, "《关于公安交通管理收费标准的通知》"),
    ("FS-NR-001", "不动产登记费（住宅）", "NR", 8000, "《关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）"),
    ("FS-HRSS-001", "职业技能鉴定考试费", "HRSS", 15000, "省财政厅、省发展改革委关于职业技能鉴定收费的批复"),
    ("FS-SAMR-001", "计量器具检定费", "SAMR", 5000, "《行政事业性收费项目目录清单》"),
    ("FS-BDB-001", "电子证照纸质打印工本费", "BDB", 500, "省财政厅关于政务服务证照工本费的通知"),
    ("FS-EDU-001", "普通话水平测试费", "EDU", 6000, "省物价局、省财政厅关于普通话水平测试收费标准的通知"),
)
CONVENIENCE = (  # code, name, category, payee, account label, bureau abbreviation, typical amount (cents)
    ("BM-MEDICAL", "城乡居民医保缴费", "medical", "示范市医疗保障局", "公民身份号码后 8 位", "HSA", 38000),
    ("BM-HEATING", "供暖费", "heating", "示范市热力集团有限公司", "供暖户号", "HUD", 220000),
    ("BM-PARKING", "路内停车费", "parking", "示范市城市停车管理有限公司", "车牌号", "URB", 1500),
    ("BM-TUITION", "学杂费", "tuition", "示范市第一中学", "学号", "EDU", 80000),
    ("BM-GAS", "燃气费", "gas", "示范市燃气集团有限公司", "燃气户号", "HUD", 8800),
    ("BM-WATER", "水费", "water", "示范市水务集团有限公司", "用户号", "WR", 4560),
)
ACCOUNTS_FULL = 3000
ORDERS_FULL = 400


def _dept(depts: dict, abbr: str):
    return depts.get(f"CITY-{abbr}") or depts.get("CITY-BDB") or next(iter(depts.values()))


def generate(ctx):
    from django.utils import timezone

    from digigov.core.accounts.models import User
    from digigov.core.org.models import Department
    from digigov.core.rbac.system import system_account

    from . import actions
    from .channels import sandbox
    from .models import ConvenienceBill, PayableItem, PayableKind, PaymentOrder, SandboxTrade, TradeStatus

    rng = ctx.rng
    system = system_account()
    if PayableItem.objects.exists():
        ctx.describe("公共支付：已有缴费项目，跳过")
        return
    depts = {d.code: d for d in Department.objects.filter(code__startswith="CITY-")}
    if not depts:
        ctx.describe("公共支付：没有市级部门，跳过")
        return
    items = [PayableItem(public_id=ctx.public_id(), code=c, name=n, kind=PayableKind.NONTAX, department=_dept(depts, a),
                         standard_cents=amt, legal_basis=basis, is_demo=True) for c, n, a, amt, basis in NONTAX]
    items += [PayableItem(public_id=ctx.public_id(), code=c, name=n, kind=PayableKind.CONVENIENCE, category=cat, payee=payee,
                          account_label=label, department=_dept(depts, a), standard_cents=None, is_demo=True)
              for c, n, cat, payee, label, a, _amt in CONVENIENCE]
    ctx.bulk(PayableItem, items)
    payables = {p.code: p for p in PayableItem.objects.select_related("department")}
    from digigov.support.seal.demo import ensure_official_seals

    ensure_official_seals(ctx, list({p.department_id: p.department for p in payables.values()}.values()))

    # --- the payees' bill tables ------------------------------------------------------------------
    from digigov.core.demo import chinese_name

    period = f"{timezone.localdate():%Y年%m月}"
    bills = []
    citizen = User.objects.filter(username="citizen").select_related("person").first()
    me = getattr(getattr(citizen, "person", None), "name", "") or (citizen.display_name if citizen else "王一")
    for code, prefix in (("BM-WATER", "10086"), ("BM-GAS", "20086")):
        bills.append(ConvenienceBill(public_id=ctx.public_id(), payable=payables[code], account_no=f"{prefix}001", holder_name=me,
                                     period=period, amount_due_cents=dict((c[0], c[6]) for c in CONVENIENCE)[code], is_demo=True))
    conv = [c for c in CONVENIENCE]
    for i in range(ctx.n(ACCOUNTS_FULL, minimum=60)):
        code, _n, _cat, _payee, _label, _a, typical = conv[i % len(conv)]
        bills.append(ConvenienceBill(public_id=ctx.public_id(), payable=payables[code], account_no=f"{i % len(conv) + 3}{i:07d}",
                                     holder_name=chinese_name(rng), period=period,
                                     amount_due_cents=max(100, int(typical * rng.uniform(0.5, 1.6))), is_demo=True))
    ctx.bulk(ConvenienceBill, bills)

    # --- orders through the real round trip -------------------------------------------------------
    payers = list(User.objects.filter(role_assignments__role="citizen").distinct().order_by("pk")[:200])
    if citizen is not None and citizen not in payers:
        payers.insert(0, citizen)
    if not payers:
        ctx.describe("公共支付：没有公众账户，只生成了缴费项目")
        return
    nontax = [payables[c[0]] for c in NONTAX]
    paid = []

    def order_for(payer, payable, n):
        with acting_as(payer, channel="command"):
            return actions.create_order(payer, payer=payer, subject=payable.name, amount_cents=payable.standard_cents, department=payable.department,
                                        reference_kind="payment.demo", reference_id=f"DEMO-{n:06d}", payable=payable, is_demo=True)

    def pay(order):
        with acting_as(order.payer, channel="command"):
            url = actions.pay(order.payer, order)
        trade_no = url.rstrip("/").rsplit("/", 1)[-1]
        sandbox.pay(trade_no, schedule=False)
        sandbox.deliver(trade_no)
        with acting_as(system, channel="command"):
            order.refresh_from_db()
            actions.issue_bill(order)
        return order

    n_orders = ctx.n(ORDERS_FULL, minimum=12)
    for n in range(n_orders):
        payer = payers[0] if n < 3 else payers[rng.randrange(len(payers))]
        order = order_for(payer, nontax[n % len(nontax)], n)
        if n == 3:
            continue  # one left unpaid: the payer can still pay it
        paid.append(pay(order))
        ctx.progress(1)
    if citizen is not None:  # the demo citizen also paid a water bill
        water = ConvenienceBill.objects.filter(account_no="10086001").first()
        if water is not None:
            with acting_as(citizen, channel="command"):
                paid.append(pay(actions.convenience_order(citizen, water)))
    admin = User.objects.filter(username="cityadmin").first() or User.objects.filter(role_assignments__role="city_admin").first()
    if paid and admin is not None:
        with acting_as(admin, channel="command"):
            target = max(paid, key=lambda o: o.amount_cents)  # a partial refund: at most 10 元, never the whole order
            actions.refund(admin, target, min(1000, max(1, target.amount_cents // 2)), "多收费用退回")

    # --- yesterday's reconciliation with one planted mismatch -------------------------------------
    from .models import ChannelTrade

    yesterday = timezone.now() - dt.timedelta(days=1)
    trades = list(ChannelTrade.objects.filter(status=TradeStatus.PAID).order_by("id")[: max(3, len(paid) // 2)])
    ChannelTrade.objects.filter(pk__in=[t.pk for t in trades]).update(paid_at=yesterday)
    SandboxTrade.objects.filter(out_trade_no__in=[t.out_trade_no for t in trades]).update(paid_at=yesterday)
    SandboxTrade.objects.create(trade_no="SBDEMO00000000000001", out_trade_no="T00000000DEMO000001", subject="渠道单边账（演示）",
                                amount_cents=3300, notify_path="/pay/notify/sandbox/", return_path="/my/payments/",
                                status=sandbox.SUCCESS, paid_at=yesterday)
    if admin is not None:
        with acting_as(admin, channel="command"):
            run = actions.reconcile(admin, timezone.localdate() - dt.timedelta(days=1), "sandbox")
        mismatches = run.mismatch_count
    else:
        mismatches = 0
    ctx.rows += PaymentOrder.objects.count()
    ctx.describe(f"公共支付：{len(items)} 个缴费项目，{len(bills)} 条便民缴费账单，{PaymentOrder.objects.count()} 张缴款单"
                 f"（已缴 {len(paid)} 张，均开具电子票据），对账差异 {mismatches} 笔")


register_demo("support.payment", generate, after=("org", "accounts", "support.seal"))
