"""Static SVG charts for the COPIL report: stacked horizontal bars and a three-column Sankey diagram.

Plain SVG, no script: the report prints and opens offline. Every text goes through ``html.escape``.

>>> svg = stacked_bars([("Bois", {"recyclage": 3.0, "enfouissement": 1.0})], {"recyclage": "#2ca02c",
...                    "enfouissement": "#555"}, fmt=str)
>>> svg.count("<title>"), svg.count("<rect"), "Bois" in svg      # 2 segments, 2 legend swatches
(2, 4, True)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

FONT = 13


def _text(x: float, y: float, content: str, anchor: str = "start", size: int = FONT, fill: str = "#222",
          halo: bool = False) -> str:
    # A white halo keeps labels readable where they sit over Sankey bands.
    extra = ' paint-order="stroke" stroke="#fff" stroke-width="3"' if halo else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
            f'{escape(content)}</text>')


def _clip(label: str, width: int = 34) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def stacked_bars(rows: list[tuple[str, dict[str, float]]], colours: dict[str, str], fmt: Callable[[float], str],
                 segment_labels: dict[str, str] | None = None, width: int = 760, bar: int = 20,
                 cut_label: str = "barre coupée") -> str:
    """One horizontal bar per row, split into coloured segments (in ``colours`` order), total at the end,
    and a legend of the segments used."""
    names = segment_labels or {}
    left, right, gap = 230, 150, 8
    used = [s for s in colours if any(v.get(s) for _, v in rows)]
    totals = sorted((sum(v.values()) for _, v in rows), reverse=True)
    top = totals[0] if totals else 0
    # One dominant flow would flatten every other bar: the axis is cut above 1.3 × the second one, and the
    # cut bar says so (its total is written in full).
    cut = top > 4 * totals[1] if len(totals) > 1 and totals[1] > 0 else False
    top = (1.3 * totals[1] if cut else top) or 1
    scale = (width - left - right) / top
    height = len(rows) * (bar + gap) + 30 + 22 * ((len(used) + 3) // 4)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img">']
    for i, (label, segments) in enumerate(rows):
        y = 10 + i * (bar + gap)
        out.append(_text(left - 8, y + bar * 0.72, _clip(label), anchor="end"))
        x = float(left)
        total = sum(segments.values())
        shrink = min(1.0, top / total) if total else 1.0  # a cut bar keeps its proportions
        for s in used:
            value = segments.get(s, 0.0)
            if value:
                w = max(value * scale * shrink, 0.5)
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colours[s]}">'
                           f'<title>{escape(f"{label} – {names.get(s, s)} : {fmt(value)}")}</title></rect>')
                x += w
        if shrink < 1:  # the cut: two white slashes across the bar
            mid = left + (x - left) * 0.72
            out.append(f'<path class="cut" d="M{mid - 4:.1f},{y + bar + 2} L{mid + 2:.1f},{y - 2} M{mid + 3:.1f},'
                       f'{y + bar + 2} L{mid + 9:.1f},{y - 2}" stroke="#fff" stroke-width="3"/>')
        out.append(_text(x + 6, y + bar * 0.72, fmt(total) + (f" ({cut_label})" if shrink < 1 else ""), size=12,
                         fill="#444"))
    y = len(rows) * (bar + gap) + 24
    for k, s in enumerate(used):
        lx, ly = 10 + (k % 4) * (width // 4), y + (k // 4) * 22
        out.append(f'<rect x="{lx}" y="{ly - 11}" width="14" height="14" fill="{colours[s]}"/>')
        out.append(_text(lx + 20, ly, _clip(names.get(s, s), 26), size=12))
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Link:
    source: str  # node ids, unique across columns
    target: str
    value: float
    colour: str


MIN_NODE = 12.0  # pixels: a small node stays tall enough for its label


def _height(size: float, scale: float) -> float:
    return max(size * scale, MIN_NODE)


def _scale(columns: list[list[str]], size: dict[str, float], usable: float, gap: float) -> float:
    """Pixels per unit such that every column, small nodes raised to MIN_NODE, fits in ``usable``."""
    scale = float("inf")
    for col in columns:
        if not col:
            continue
        s = (usable - gap * (len(col) - 1)) / (sum(size[n] for n in col) or 1)
        for _ in range(4):  # raising small nodes takes room from the others: settle in a few rounds
            small = [n for n in col if size[n] * s < MIN_NODE]
            rest = sum(size[n] for n in col if n not in small) or 1
            s = max((usable - gap * (len(col) - 1) - MIN_NODE * len(small)) / rest, 1e-12)
        scale = min(scale, s)
    return scale


def _stack(order: list[str], sizes: dict[str, float], scale: float, gap: float, top: float) -> dict[str, float]:
    y, pos = top, {}
    for n in order:
        pos[n] = y
        y += _height(sizes[n], scale) + gap
    return pos


def sankey(columns: list[list[str]], links: list[Link], labels: dict[str, str], fmt: Callable[[float], str],
           node_colours: dict[str, str] | None = None, width: int = 900, height: int = 520) -> str:
    """A Sankey diagram: ``columns`` of node ids from left to right, ``links`` between adjacent columns,
    band widths proportional to the values. Nodes are sized by the larger of their in- and out-flows.

    >>> svg = sankey([["a"], ["b"]], [Link("a", "b", 2.0, "#888")], {"a": "A", "b": "B"}, fmt=str)
    >>> svg.count("<path"), svg.count("<rect")
    (1, 2)
    """
    out_of, into = defaultdict(float), defaultdict(float)
    for link in links:
        out_of[link.source] += link.value
        into[link.target] += link.value
    size = {n: max(out_of[n], into[n]) for col in columns for n in col}
    columns = [[n for n in col if size[n] > 0] for col in columns]
    node_w, gap, pad, label_w = 14, 6.0, 10.0, 200
    scale = _scale(columns, size, height - 2 * pad, gap)
    xs = [label_w + i * (width - 2 * label_w - node_w) / max(len(columns) - 1, 1) for i in range(len(columns))]
    x_of, y_of = {}, {}
    for i, col in enumerate(columns):
        columns[i] = sorted(col, key=lambda n: -size[n])
        y_of.update(_stack(columns[i], size, scale, gap, pad))
        x_of.update(dict.fromkeys(columns[i], xs[i]))
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart sankey" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img">']
    # Bands leave each source and reach each target in the order of the other end, so they do not cross there.
    src_off, dst_off = defaultdict(float), defaultdict(float)
    for link in sorted(links, key=lambda k: (y_of.get(k.source, 0), y_of.get(k.target, 0))):
        if link.source not in y_of or link.target not in y_of or link.value <= 0:
            continue
        w = link.value * scale
        y0 = y_of[link.source] + src_off[link.source] + w / 2
        y1 = y_of[link.target] + dst_off[link.target] + w / 2
        src_off[link.source] += w
        dst_off[link.target] += w
        x0, x1 = x_of[link.source] + node_w, x_of[link.target]
        mid = (x0 + x1) / 2
        title = f"{labels.get(link.source, link.source)} → {labels.get(link.target, link.target)} : {fmt(link.value)}"
        svg.append(f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" '
                   f'fill="none" stroke="{link.colour}" stroke-opacity="0.45" stroke-width="{max(w, 0.8):.1f}">'
                   f'<title>{escape(title)}</title></path>')
    for i, col in enumerate(columns):
        for n in col:
            h = _height(size[n], scale)
            colour = (node_colours or {}).get(n, "#555")
            svg.append(f'<rect x="{x_of[n]:.1f}" y="{y_of[n]:.1f}" width="{node_w}" height="{h:.1f}" '
                       f'fill="{colour}"><title>{escape(f"{labels.get(n, n)} : {fmt(size[n])}")}</title></rect>')
            right = i > 0  # the first column's labels sit on its left, the others' on their right
            x = x_of[n] + node_w + 6 if right else x_of[n] - 6
            svg.append(_text(x, y_of[n] + h / 2 + 4, _clip(labels.get(n, n), 30), anchor="start" if right else "end",
                             size=12, halo=True))
    svg.append("</svg>")
    return "".join(svg)
