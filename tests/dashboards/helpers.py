"""Small helpers shared by the dashboard tests (URLs and HTML markers)."""

import re

from django.urls import reverse

HX = {"HX-Request": "true"}


def widget_url(dashboard: str, obj: str, widget: str) -> str:
    return reverse("dashboards:widget", args=[dashboard, obj, widget])


def markers(html: str, name: str) -> list[str]:
    """Values of `data-NAME="…"` in document order."""
    return re.findall(rf'data-{name}="([^"]*)"', html)


def number_at(html: str, name: str, value: str) -> int:
    """The number that is the whole text of the element `data-NAME="VALUE"`."""
    match = re.search(rf'data-{name}="{re.escape(value)}"[^>]*>\s*(\d+)\s*<', html)
    assert match, f'no number at data-{name}="{value}"'
    return int(match.group(1))


def tab_count(html: str, key: str) -> int:
    """The count shown in the filter tab `data-filter="KEY"`."""
    match = re.search(rf'data-filter="{re.escape(key)}"[^>]*>(.*?)</a>', html, re.S)
    assert match, f"no tab {key}"
    return int(re.findall(r"\d+", re.sub(r"<[^>]+>", " ", match.group(1)))[-1])


def active_tab(html: str, keys) -> list[str]:
    found = []
    for key in keys:
        if re.search(rf'class="nav-link active"[^>]*data-filter="{key}"', html):
            found.append(key)
    return found


def row_count_in(html: str, row_attr: str, row_value: str, count: str) -> int:
    """The `data-count="COUNT"` number inside the row `data-ROW_ATTR="ROW_VALUE"`."""
    row = re.search(rf'data-{row_attr}="{re.escape(row_value)}".*?</tr>', html, re.S)
    assert row, f"no row {row_value}"
    match = re.search(rf'data-count="{count}"[^>]*>(\d+)<', row.group(0))
    assert match, f"no count {count} in row {row_value}"
    return int(match.group(1))
