"""Benchmark of the signing service: detached GB/T 38540 SES_Signatures through ``signing.sign_digest`` (checks,
key store, DER building, the Signing row, the seal's counter, the audit entry — one transaction each) against
bare SM2 signing of the same digests with the same key, in the same run.

    .venv/bin/python bench/seal.py [--n 500] [--openssl]

1. A fresh SQLite database in a temporary directory, migrated, with a small test city and one 公章 made
   through the actions (unit certificate, SESeal signed by the maker).
2. Platform: ``sign_digest`` as the system account over ``--n`` distinct SM3 digests, one by one; then the
   batch path ``sign_digests`` (批量签章, 100 documents per call: the same checks, SES_Signature, record and
   audit entry per document, written together) over ``--n`` more.
3. Bare: ``key.sign`` (our ctypes SM2 over OpenSSL's libcrypto) over DER(TBS_Sign)-sized messages; with
   ``--openssl`` also ``openssl speed -seconds 3 sm2`` for the machine's own figure.
4. Prints signatures/s for each and ``ratio`` = platform / bare for both paths (goal ≥ 0.5); then sealed one-page PDFs/s if
   ``documents.sign_pdf`` (the documents part) is importable.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time

from _common import scratch_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="signatures per path (default 500)")
    parser.add_argument("--openssl", action="store_true", help="also run `openssl speed -seconds 3 sm2`")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the platform loop")
    args = parser.parse_args()
    with scratch_database("digigov-bench-seal-"):
        return run(args)


def openssl_speed() -> float | None:
    try:
        out = subprocess.run(["openssl", "speed", "-seconds", "3", "sm2"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"SM2 \(sm2\)\s+([\d.]+)s\s+([\d.]+)s\s+([\d.]+)\s+([\d.]+)", out)
    return float(m.group(3)) if m else None


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from digigov.core.crypto import sm3
    from digigov.core.rbac.system import system_account
    from digigov.core.testing import City
    from digigov.support.seal import ses, signing
    from digigov.support.seal.models import Signing
    from digigov.support.seal.testing import made_seal

    city = City()
    system = system_account()
    seal = made_seal(city.bureau)
    cert = seal.signers.get()
    key = signing.private_key(cert)
    digests = [sm3(f"公文第{i}号".encode()) for i in range(args.n)]

    signing.sign_digest(system, seal, sm3(b"warm-up"), kind="detached", document_name="warm.txt", reason="预热")
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    for i, d in enumerate(digests):
        signing.sign_digest(system, seal, d, kind="detached", document_name=f"doc{i}.txt", reason="基准测试")
    platform_s = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    assert Signing.objects.count() == args.n + 1

    # the batch path (批量签章): the same work per document, the writes of a batch together
    chunk = 100
    batch_digests = [sm3(f"批量公文第{i}号".encode()) for i in range(args.n)]
    started = time.perf_counter()
    for at in range(0, args.n, chunk):
        signing.sign_digests(system, seal, [(d, f"batch{at + j}.txt") for j, d in enumerate(batch_digests[at:at + chunk])],
                             kind="detached", reason="基准测试", batch=f"bench{at}")
    batch_s = time.perf_counter() - started
    assert Signing.objects.count() == 2 * args.n + 1

    sample = ses.SESSignature.load(bytes(Signing.objects.order_by("-id").first().signature))
    tbs_len = len(sample["toSign"].dump())
    messages = [d + b"\x00" * (tbs_len - 32) for d in digests]
    started = time.perf_counter()
    for m in messages:
        key.sign(m)
    bare_s = time.perf_counter() - started

    platform_rate, bare_rate, batch_rate = args.n / platform_s, args.n / bare_s, args.n / batch_s
    print(f"签章（sign_digest，含检查、密钥、DER、记录、审计）: {platform_rate:.0f} 次/秒（{args.n} 次，{platform_s:.2f} 秒）")
    print(f"批量签章（sign_digests，每批 {chunk} 份，同样的检查、DER、记录、审计）: {batch_rate:.0f} 次/秒（{batch_s:.2f} 秒）")
    print(f"裸 SM2 签名（同一密钥，{tbs_len} 字节消息）: {bare_rate:.0f} 次/秒")
    if args.openssl:
        speed = openssl_speed()
        print(f"openssl speed sm2: {speed:.0f} 次/秒" if speed else "openssl speed sm2: 无法运行")
    print(f"ratio {platform_rate / bare_rate:.2f}（逐份签章）")
    print(f"ratio {batch_rate / bare_rate:.2f}（批量签章；目标 ≥ 0.5）")

    try:
        from digigov.support.seal import documents  # noqa: F401  (the documents part of this issue)
        sign_pdf = documents.sign_pdf
    except (ImportError, AttributeError):
        print("单页 PDF 签章：documents.sign_pdf 尚不可用，跳过")
        return 0
    pdf = _one_page_pdf()
    n = max(10, args.n // 10)
    try:
        sign_pdf(system, seal, pdf, document_name="bench.pdf", reason="基准测试")
    except TypeError as exc:
        print(f"单页 PDF 签章：documents.sign_pdf 的参数与预期不同（{exc}），跳过")
        return 0
    started = time.perf_counter()
    for i in range(n):
        sign_pdf(system, seal, pdf, document_name=f"bench{i}.pdf", reason="基准测试")
    print(f"单页 PDF 签章: {n / (time.perf_counter() - started):.1f} 份/秒（{n} 份）")
    return 0


def _one_page_pdf() -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawString(72, 720, "Notice No. 1")
    c.showPage()
    c.save()
    return buf.getvalue()


if __name__ == "__main__":
    raise SystemExit(main())
