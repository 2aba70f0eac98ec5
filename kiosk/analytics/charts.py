"""Small inline SVG charts for the HTML report (no scripts, no network)."""
from __future__ import annotations

import math
from html import escape

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#718096", "#319795", "#b7791f")


def _nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten not below ``value``."""
    if value <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(value))
    return next(m * scale for m in (1, 2, 2.5, 5, 10) if m * scale >= value)


def column_chart(labels: list[str], series: list[tuple[str, list[float]]], width: int = 720, height: int = 220,
                 label_every: int = 1, unit: str = "") -> str:
    """Grouped vertical bars: one group per label, one bar per series."""
    left, bottom, top, right = 44, 28, 22, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((v for _, vals in series for v in vals), default=0))
    n = max(len(labels), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.8 / max(len(series), 1), 1.0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_fmt(peak * frac)}{unit}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for s, (name, vals) in enumerate(series):
            v = vals[i] if i < len(vals) else 0
            h = plot_h * (v / peak) if peak else 0
            x = x0 + s * bar_w
            out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(name)} {escape(label)}: {_fmt(v)}</title></rect>')
        if i % label_every == 0:
            out.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                       f'fill="#333">{escape(label)}</text>')
    for s, (name, _) in enumerate(series):
        x = left + s * 120
        out.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
                   f'<text x="{x + 14}" y="13" fill="#333">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def bar_chart(items: list[tuple[str, float]], width: int = 720, bar_h: int = 20, unit: str = "") -> str:
    """Horizontal bars, one per (label, value), in the given order."""
    label_w, right = 260, 60
    height = max(len(items), 1) * (bar_h + 6) + 8
    peak = max((v for _, v in items), default=0) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">']
    for i, (label, value) in enumerate(items):
        y = 4 + i * (bar_h + 6)
        w = (width - label_w - right) * value / peak
        text = label if len(label) <= 40 else label[:39] + "…"
        out.append(f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" fill="#333">{escape(text)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.7:.1f}" fill="#333">{_fmt(value)}{unit}</text>')
    out.append("</svg>")
    return "".join(out)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 or value >= 100 else f"{value:.1f}"
