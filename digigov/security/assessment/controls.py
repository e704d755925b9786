"""The GB/T 39786-2021 (信息系统密码应用基本要求) controls the platform itself can evidence, each decided
by a live check of the running system. Higher layers add theirs with ``registry.register_assessment_control``
(e.g. the identity provider's token signing, the e-seal system's non-repudiation).

A check reads the state it judges: configuration in force, rows in the database, the result of the last
audit-chain verification, the key store. It never returns a fixed answer: with no data or a failed
verification it reports 不符合 or 部分符合 and says why.
"""

from __future__ import annotations

import datetime as dt
import os
import stat

from django.conf import settings
from django.utils import timezone

from digigov.core.registry import AssessmentControl, Finding, register_assessment_control

MET, PARTIAL, NOT_MET, NA = "met", "partial", "not_met", "na"
STATUS_LABELS = {MET: "符合", PARTIAL: "部分符合", NOT_MET: "不符合", NA: "不适用"}
ROTATION_DAYS = 365
VERIFY_MAX_AGE = dt.timedelta(hours=48)

NETWORK = "网络和通信安全"
DEVICE = "设备和计算安全"
APP = "应用和数据安全"
MGMT = "密钥管理"


def _n(x: int) -> str:
    return f"{x:,}"


def transport(request) -> Finding:
    """Transport confidentiality and integrity: the site runs behind TLS (secure cookies, HSTS) and this
    very request reached the platform over HTTPS."""
    https = bool(getattr(settings, "HTTPS", False))
    secure_now = bool(request is not None and request.is_secure())
    hsts = getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0
    facts = (f"HTTPS 配置：{'已启用' if https else '未启用（DIGIGOV_HTTPS 未设置）'}；本次访问：{'HTTPS' if secure_now else 'HTTP（明文）'}；"
             f"HSTS：{f'{hsts} 秒' if hsts else '未启用'}；会话 Cookie 仅经 HTTPS 发送：{'是' if settings.SESSION_COOKIE_SECURE else '否'}。")
    if https and secure_now and hsts:
        return Finding(PARTIAL, facts + "TLS 在前置代理终止；是否采用国密套件（TLCP，GB/T 38636）取决于代理配置，需另行检测。")
    return Finding(NOT_MET, facts)


def staff_authentication(request) -> Finding:
    """Identity of administrators (设备和计算安全·身份鉴别): staff sign in with password + TOTP."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from digigov.core.accounts.actions import staff_login_accounts

    staff = staff_login_accounts()
    total = staff.count()
    enrolled = staff.filter(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id")).count()
    required = getattr(settings, "DIGIGOV_STAFF_OTP", "") == "required"
    facts = (f"工作人员账户 {_n(total)} 个，已绑定动态口令 {_n(enrolled)} 个；"
             f"动态口令{'对全部工作人员强制' if required else '对已绑定者强制，未绑定者仅凭口令登录'}。")
    if total and enrolled == total:
        return Finding(MET, facts)
    return Finding(PARTIAL if enrolled or required else NOT_MET, facts)


def user_authentication(request) -> Finding:
    """Identity of users (应用和数据安全·身份鉴别): passwords stored with a slow salted hash; real-name
    levels above a password for those who stepped up."""
    from django.contrib.auth.hashers import get_hasher

    from digigov.core.accounts.models import User, UserKind

    hasher = get_hasher("default").algorithm
    people = User.objects.filter(kind=UserKind.PERSON, is_active=True)
    total = people.count()
    strong = people.filter(realname_level__gte=2).count()
    facts = f"口令存储算法：{hasher}；公众账户 {_n(total)} 个，其中二级及以上实名 {_n(strong)} 个。"
    if hasher not in ("argon2", "pbkdf2_sha256", "scrypt"):
        return Finding(NOT_MET, facts + "口令未以慢速加盐散列存储。")
    if total and strong == total:
        return Finding(MET, facts)
    return Finding(PARTIAL, facts + "仅凭口令登录的账户未使用密码技术进行身份鉴别（可通过实名升级达到）。")


def audit_integrity(request) -> Finding:
    """Integrity of logs (设备和计算安全·日志记录完整性): HMAC-SM3 chain, checkpoints kept outside the
    database, and a recent full verification that passed."""
    from digigov.core.audit.models import AuditEntry, AuditVerification

    last = AuditVerification.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    entries = AuditEntry.objects.count()
    cp = settings.DIGIGOV_AUDIT_CHECKPOINT_FILE
    cp_ok = os.path.exists(cp)
    if last is None:
        return Finding(NOT_MET if entries else PARTIAL,
                       f"审计日志 {_n(entries)} 条，以 HMAC-SM3 链式保护；尚未做过完整性校验。检查点文件：{'存在' if cp_ok else '缺失'}。")
    age = timezone.now() - last.finished_at
    when = timezone.localtime(last.finished_at).strftime("%Y-%m-%d %H:%M")
    facts = (f"审计日志 {_n(entries)} 条，HMAC-SM3 链式保护；最近一次校验 {when}：{'通过' if last.ok else '发现异常'}，"
             f"校验 {_n(last.checked)} 条、比对检查点 {_n(last.checkpoints)} 个；库外检查点文件：{'存在' if cp_ok else '缺失'}。")
    if not last.ok:
        return Finding(NOT_MET, facts + (f"第一条异常记录序号 {last.first_bad_seq}。" if last.first_bad_seq else ""))
    if age > VERIFY_MAX_AGE or not cp_ok:
        return Finding(PARTIAL, facts + ("最近校验已超过48小时。" if age > VERIFY_MAX_AGE else ""))
    return Finding(MET, facts)


def key_management(request) -> Finding:
    """Keys (密钥管理): the master key is outside the database and readable only by the platform; every
    data key is stored wrapped by it and unwraps; active keys are younger than the rotation period."""
    from digigov.security.keys import api
    from digigov.security.keys.models import DataKey, KeyState
    from digigov.security.keys.store import MasterKeyError

    rows = list(DataKey.objects.order_by("purpose", "version"))
    if settings.DIGIGOV_MASTER_KEY:
        where, private = "环境变量 DIGIGOV_MASTER_KEY", True
    else:
        path = settings.DIGIGOV_MASTER_KEY_FILE
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
            where, private = f"文件（权限 {mode:o}）", not (mode & 0o077)
        except FileNotFoundError:
            # made on the first data key; missing while keys exist is what the start-up check refuses
            where, private = "文件（尚未生成）" if not rows else "缺失", not rows
    bad = []
    for row in rows:
        try:
            api._unwrap(row)
        except MasterKeyError:
            bad.append(str(row))
    active = [r for r in rows if r.state == KeyState.ACTIVE]
    stale = [r for r in active if timezone.now() - r.created_at > dt.timedelta(days=ROTATION_DAYS)]
    uses = sum(r.use_count for r in rows) + sum(api.pending_usage().values())
    facts = (f"主密钥位于{where}，不在数据库中；数据密钥 {len(rows)} 个版本（使用中 {len(active)} 个），"
             f"均以主密钥 SM4-GCM 封装存储，可解封 {len(rows) - len(bad)} 个；累计使用 {_n(uses)} 次；"
             f"超过 {ROTATION_DAYS} 天未轮换的使用中密钥 {len(stale)} 个。")
    if bad or not private:
        return Finding(NOT_MET, facts + ("无法解封：" + "、".join(bad) if bad else "主密钥文件权限过宽。"))
    if not rows or stale:
        return Finding(PARTIAL, facts + ("尚未生成数据密钥。" if not rows else ""))
    return Finding(MET, facts)


def _personal_columns():
    """(model, field name, encrypted?) for every field a model declares personal (``PII_FIELDS``) and every
    encrypted column: a personal field stored in clear is a finding, not an omission."""
    from django.apps import apps

    from digigov.core.pii import EncryptedTextField

    out = []
    for model in apps.get_models():
        names = set(getattr(model, "PII_FIELDS", ()))
        for f in model._meta.concrete_fields:
            if f.name in names or isinstance(f, EncryptedTextField):
                out.append((model, f, isinstance(f, EncryptedTextField)))
    return out


def storage_confidentiality(request) -> Finding:
    """Stored personal data (应用和数据安全·重要数据存储机密性): every personal field is an SM4-GCM encrypted
    column, and every stored value in it is an envelope (counted per table: rows whose personal values are
    all ciphertext or empty)."""
    from django.db import connection

    cols = _personal_columns()
    clear = [f"{m._meta.verbose_name}·{f.verbose_name}" for m, f, enc in cols if not enc]
    qn = connection.ops.quote_name
    parts, rows_ok, rows_all = [], 0, 0
    by_model: dict = {}
    for m, f, enc in cols:
        if enc:
            by_model.setdefault(m, []).append(f)
    for model, fields in by_model.items():
        ok = " AND ".join(f"({qn(f.column)} IS NULL OR LENGTH({qn(f.column)}) = 0 OR SUBSTR({qn(f.column)}, 1, 1) = %s)" for f in fields)
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(SUM(CASE WHEN {ok} THEN 1 ELSE 0 END), 0), COUNT(*) FROM {qn(model._meta.db_table)}",
                        [connection.Database.Binary(b"\x01")] * len(fields))
            good, total = (int(x) for x in cur.fetchone())
        rows_ok, rows_all = rows_ok + good, rows_all + total
        parts.append(f"{model._meta.verbose_name}（{'、'.join(str(f.verbose_name) for f in fields)}）{_n(good)} / {_n(total)} 行")
    facts = ("个人信息字段已加密：" + "；".join(parts) + "。" if parts else "没有加密的个人信息字段。")
    if clear:
        return Finding(NOT_MET, facts + "以明文存储的个人信息字段：" + "、".join(clear) + "。")
    if not parts or rows_ok != rows_all:
        return Finding(NOT_MET, facts + (f"{_n(rows_all - rows_ok)} 行含非密文的值。" if parts else ""))
    return Finding(MET, facts + "算法 SM4-GCM，数据密钥由主密钥封装；按身份证号码查找经 HMAC-SM3 盲索引。")


SAMPLE = 200


def storage_integrity(request) -> Finding:
    """Integrity of stored personal data (应用和数据安全·重要数据存储完整性): SM4-GCM carries a tag bound to
    table and column; the newest ``SAMPLE`` values of each encrypted column are opened now and must all
    pass their tag check."""
    from django.db import connection

    from digigov.core.pii import unseal_text

    qn = connection.ops.quote_name
    checked = failed = 0
    for model, f, enc in _personal_columns():
        if not enc:
            continue
        with connection.cursor() as cur:
            cur.execute(f"SELECT {qn(f.column)} FROM {qn(model._meta.db_table)} WHERE {qn(f.column)} IS NOT NULL "
                        f"ORDER BY {qn(model._meta.pk.column)} DESC LIMIT {SAMPLE}")
            blobs = [r[0] for r in cur.fetchall()]
        for blob in blobs:
            if not blob:
                continue
            checked += 1
            try:
                unseal_text(model._meta.db_table, f.column, blob, f.purpose)
            except Exception:  # noqa: BLE001 — a value that does not open is the finding
                failed += 1
    facts = f"抽取各加密字段最新 {SAMPLE} 个值实时解密校验：{_n(checked)} 个，完整性校验失败 {_n(failed)} 个（SM4-GCM 认证标签绑定表与字段）。"
    if failed:
        return Finding(NOT_MET, facts)
    return Finding(MET if checked else PARTIAL, facts + ("" if checked else "尚无加密数据可校验。"))


def non_repudiation(request) -> Finding:
    """Non-repudiation (应用和数据安全·不可否认性): the SM2 signing service works right now (sign, verify,
    and refuse a tampered message), and a system that signs documents with it is connected."""
    import time

    from digigov.core.registry import NAV
    from digigov.security.crypto import sm2

    t0 = time.perf_counter()
    key = sm2.generate_private_key()
    probe = f"密评自查 {timezone.now().isoformat()}".encode()
    sig = key.sign(probe)
    ok = key.public_key().verify(sig, probe) and not key.public_key().verify(sig, probe + b"!")
    ms = (time.perf_counter() - t0) * 1000
    seals = any(item.key == "support.seal" for item in NAV)
    facts = (f"SM2 签名验签服务自检{'通过' if ok else '失败'}（{sm2.openssl_version()}，SM2/SM3，默认用户标识，"
             f"生成密钥、签名、验签与篡改检出共 {ms:.1f} 毫秒）；电子签章系统：{'已接入' if seals else '未接入'}。")
    if not ok:
        return Finding(NOT_MET, facts)
    return Finding(MET if seals else PARTIAL, facts + ("" if seals else "业务数据的签名留证待电子签章系统接入后实现。"))


for control in (
    AssessmentControl("network.transport", NETWORK, "通信数据机密性与完整性", transport, 10),
    AssessmentControl("device.identity", DEVICE, "身份鉴别（管理员登录）", staff_authentication, 20),
    AssessmentControl("device.log_integrity", DEVICE, "日志记录完整性", audit_integrity, 30),
    AssessmentControl("app.identity", APP, "身份鉴别（用户登录）", user_authentication, 40),
    AssessmentControl("app.storage_confidentiality", APP, "重要数据存储机密性", storage_confidentiality, 50),
    AssessmentControl("app.storage_integrity", APP, "重要数据存储完整性", storage_integrity, 60),
    AssessmentControl("app.non_repudiation", APP, "不可否认性", non_repudiation, 70),
    AssessmentControl("mgmt.keys", MGMT, "密钥生成、存储与轮换", key_management, 90),
):
    register_assessment_control(control)
