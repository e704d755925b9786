"""ECharts option builders shared by every page that draws a chart.

Options travel as JSON (``json_script``) and ``static/digigov/charts.js`` renders them: no inline
script (CSP). A bar may carry a ``url`` (its drill-down); charts.js follows it on click.
"""

from __future__ import annotations

from typing import Callable, Iterable

RED, BLUE, GREEN = "#c62828", "#1565c0", "#2e7d32"


def _get(part, name):
    return part[name] if isinstance(part, dict) else getattr(part, name)


def percent_bar(parts: Iterable, title: str, *, color: str = RED, rotate_labels: bool = True,
                link: Callable[[object], str | None] | None = None) -> dict:
    """A bar per breakdown part (``Part`` or its ``as_dict()``), values in percent (0–100).

    ``link(part)`` gives the URL a click on that bar opens (None: not clickable)."""
    parts = list(parts)
    data = []
    for p in parts:
        item = {"value": _get(p, "value")}
        url = link(p) if link else None
        if url:
            item["url"] = url
        data.append(item)
    axis_label = {"rotate": 40, "interval": 0} if rotate_labels else {"interval": 0}
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "bottom": 80 if rotate_labels else 60},
        "xAxis": {"type": "category", "data": [_get(p, "label") for p in parts], "axisLabel": axis_label},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "series": [{"type": "bar", "data": data, "itemStyle": {"color": color}, "label": {"show": True, "position": "top"},
                    "cursor": "pointer" if link else "default"}],
    }


def percent_lines(title: str, labels: list[str], series: list[tuple[str, list, str]]) -> dict:
    """A time line chart of percentages: ``series`` is ``[(name, values, color), ...]`` over ``labels``."""
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 10},
        "grid": {"left": 50, "right": 20, "bottom": 60},
        "xAxis": {"type": "category", "data": labels, "boundaryGap": False},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "dataZoom": [{"type": "inside"}, {"type": "slider"}],
        "series": [{"name": name, "type": "line", "showSymbol": False, "smooth": True, "itemStyle": {"color": color}, "data": values}
                   for name, values, color in series],
    }


def count_lines(title: str, labels: list[str], series: list[tuple[str, list, str]], *, unit: str = "") -> dict:
    """A time line chart of counts (people, events): ``series`` is ``[(name, values, color), ...]``."""
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "left": "center"},
        "grid": {"left": 50, "right": 20, "top": 50, "bottom": 70},
        "xAxis": {"type": "category", "data": labels, "boundaryGap": False},
        "yAxis": {"type": "value", "min": 0, "minInterval": 1, "name": unit},
        "series": [{"name": name, "type": "line", "showSymbol": True, "itemStyle": {"color": color}, "data": values}
                   for name, values, color in series],
    }
