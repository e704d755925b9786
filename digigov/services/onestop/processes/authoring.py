"""Authoring-time helper that wrote the 一件事 member processes in this folder, with diagram interchange so
bpmn-js can draw them: ``python -m digigov.services.onestop.processes.authoring`` rewrites them from
``onestop.bundles_data.MODELLED``. Nothing calls it at run time (the platform imports the checked-in files).

Every member process has the same shape, the one the platform's own demo processes use: 窗口受理
(``window_clerk`` of the handling department), the department's reviews in order (``approver@<department
code>``), 是否准予 (rejected when any review was rejected: ``<review>_decision == "reject"``), then on 准予 the
service tasks the member needs (赋码), ``license.issue`` when the member results in a licence, and a message
to the applicant; 不予 ends without a licence.
"""

from __future__ import annotations

from pathlib import Path

from digigov.support.workflow.processes.authoring import El, Flow, render, service, user

HERE = Path(__file__).parent


def member_process(m: dict) -> str:
    spec = m["process"]
    els = [El("start", "startEvent", "提交申请"), user("accept", "窗口受理", "window_clerk")]
    flows: list[Flow] = []
    prev, n = "accept", 0

    def link(src, tgt, condition="", name=""):
        nonlocal n
        n += 1
        flows.append(Flow(f"f{n}", src, tgt, condition, name))

    link("start", "accept")
    for rid, rname, dept in spec["reviews"]:
        els.append(user(rid, rname, f"approver@{dept}"))
        link(prev, rid)
        prev = rid
    els.append(El("decide", "exclusiveGateway", "是否准予", {"default": "f_ok"}))
    link(prev, "decide")
    chain = [service(sid, sname, comp, **params) for sid, sname, comp, params in spec["pre"]]
    if spec["licence"]:
        chain.append(service("issue", "签发电子证照", "license.issue", licence_type=spec["licence"], **spec["inputs"]))
    if spec["notify"]:
        chain.append(service("notify", "通知申请人", "notify.applicant", title=spec["notify"]))
    els += chain
    els += [El("end_ok", "endEvent", "准予办理"), El("end_no", "endEvent", "不予办理")]
    reject = " or ".join(f'{rid}_decision == "reject"' for rid, _, _ in spec["reviews"])
    first = chain[0].id if chain else "end_ok"
    flows.append(Flow("f_ok", "decide", first, name="准予"))
    flows.append(Flow("f_no", "decide", "end_no", reject, "不予"))
    for a, b in zip(chain, chain[1:]):
        link(a.id, b.id)
    if chain:
        link(chain[-1].id, "end_ok")
    return render(m["key"], m["name"], els, flows)


def files() -> dict[str, str]:
    from ..bundles_data import modelled_members

    return {f"{m['key']}.bpmn": member_process(m) for _, m in modelled_members() if not m["reuse"]}


def main() -> None:
    for name, xml in files().items():
        (HERE / name).write_text(xml, encoding="utf-8")
        print("wrote", name)


if __name__ == "__main__":
    main()
