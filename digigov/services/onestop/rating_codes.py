"""好差评 codes per GB/T 39734-2020 《政务服务评价工作指南》 and the national 好差评 system's data exchange
(国办发〔2019〕51号《关于建立政务服务“好差评”制度提高政务服务水平的意见》): the five levels, the reasons a rater
may tick for a good and for a poor rating, and the channels, each with a stable code and its Chinese label.

The levels are the model's ``RatingLevel`` (5 非常满意 … 1 非常不满意). A rating of 3–5 is a good rating (好评,
reasons from ``GOOD_REASONS``); 1–2 is a poor one (差评, reasons from ``POOR_REASONS``, at least one required: the
standard asks the rater to say what went wrong, and the rectification needs it). The reason lists follow the
standard's evaluation content (办事指南与材料, 办理流程与时限, 服务态度与规范, 网上办事体验, 廉洁) as
the national system exchanges them; the exact wording of the printed standard was not available offline, so the
codes are this platform's and ``EXPORT_LEVEL`` maps levels to the national system's level numbers.
"""

from __future__ import annotations

from .models import POOR_LEVELS, RatingChannel, RatingLevel

GOOD_REASONS: dict[str, str] = {
    "G01": "办事指南清晰准确",
    "G02": "申请材料精简，无需重复提交",
    "G03": "办理流程简便",
    "G04": "在承诺时限内办结",
    "G05": "一次办好，不用来回跑",
    "G06": "工作人员热情耐心",
    "G07": "网上办理便捷顺畅",
    "G08": "办事环境和设施良好",
}

POOR_REASONS: dict[str, str] = {
    "P01": "办事指南不清楚或与实际不符",
    "P02": "要求提交规定以外的材料",
    "P03": "多次跑动、来回跑",
    "P04": "超过承诺时限未办结",
    "P05": "服务态度差",
    "P06": "推诿扯皮、一次性告知不到位",
    "P07": "网上办理系统不好用",
    "P08": "收取规定以外的费用",
    "P09": "吃拿卡要等违反廉洁规定",
    "P10": "其他问题",
}

REASONS: dict[str, str] = {**GOOD_REASONS, **POOR_REASONS}

# the national system numbers levels 1 (非常满意) … 5 (非常不满意); this platform scores 5 … 1
EXPORT_LEVEL: dict[int, str] = {5: "1", 4: "2", 3: "3", 2: "4", 1: "5"}

LEVEL_LABELS: dict[int, str] = {int(v): str(label) for v, label in RatingLevel.choices}
CHANNEL_LABELS: dict[str, str] = {v: str(label) for v, label in RatingChannel.choices}
SATISFIED_LEVELS = (RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.BASIC)


def is_poor(level: int) -> bool:
    return level in POOR_LEVELS


def reasons_for(level: int) -> dict[str, str]:
    """The reasons a rater may tick at ``level``."""
    return POOR_REASONS if is_poor(level) else GOOD_REASONS


def reason_labels(codes) -> list[str]:
    return [REASONS.get(c, "—") for c in codes or ()]
