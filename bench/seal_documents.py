"""Benchmark: signing and verifying documents with an e-seal (h-docs) — median milliseconds per operation.

    .venv/bin/python bench/seal_documents.py [--repeat 20]

A fresh SQLite database in a temporary folder (``scratch_database``), the test city, the city CA, one unit
seal; then, per kind: sign a 2-page PDF (incremental update, SM2 CMS + SES_Signature, seal + QR stamp),
sign a 2-page OFD (GB/T 33190 layout, SM3 references), sign 1 MB detached; verify each (all seven checks,
recorded). Prints one line per operation with the median of ``--repeat`` runs after a warm-up.
"""

from __future__ import annotations

import argparse

from _common import scratch_database, timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with scratch_database("digigov-bench-seal-docs-"):
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        from digigov.core.rbac.system import system_account
        from digigov.core.testing import City
        from digigov.support.seal import documents, verify
        from digigov.support.seal.testing import make_seal
        from digigov.support.seal.tests import samples

        city = City()
        system = system_account()
        seal = make_seal(city.bureau)
        pdf, ofd, blob = samples.make_pdf(pages=2), samples.make_ofd(pages=2), b"x" * (1024 * 1024)
        signed = {}

        def sign_pdf():
            signed["pdf"] = documents.sign_pdf(system, seal, pdf, document_name="a.pdf", reason="基准测试")[0]

        def sign_ofd():
            signed["ofd"] = documents.sign_ofd(system, seal, ofd, document_name="a.ofd", reason="基准测试")[0]

        def sign_detached():
            signed["der"] = documents.sign_detached(system, seal, blob, document_name="a.bin", reason="基准测试")[0]

        rows = [("签章 PDF（2 页）", timed(sign_pdf, args.repeat)), ("签章 OFD（2 页）", timed(sign_ofd, args.repeat)),
                ("独立签名（1 MB）", timed(sign_detached, args.repeat)),
                ("验章 PDF", timed(lambda: verify.verify_document(signed["pdf"]), args.repeat)),
                ("验章 OFD", timed(lambda: verify.verify_document(signed["ofd"]), args.repeat)),
                ("验章 独立签名", timed(lambda: verify.verify_document(blob, signature=signed["der"]), args.repeat))]
        for label, ms in rows:
            print(f"{label}\t{ms:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
