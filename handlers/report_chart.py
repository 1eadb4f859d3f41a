"""The monthly KPI chart as PNG bytes (matplotlib, Agg backend: no display needed).

Four panels on a 1200×800 px image: tickets opened and resolved by kind,
tickets opened by category, first-response and resolution times (median and
90th percentile, in hours), and the four rates. Labels follow
PROPDESK_LANGUAGE. Chinese is drawn with the font file PROPDESK_CHART_FONT
names, else Noto Sans SC (SIL OFL), which comes with the product's own
dependencies (the `pylopdf-fonts-zh-cn` package), else an installed CJK
family. The file is registered with matplotlib's font manager in this process
(`addfont`), so no font cache has to be rebuilt. Only when no font can draw
Chinese is the chart labelled in English, and the log says so.
"""

from __future__ import annotations

import io
import logging
import textwrap
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from handlers import kpi
from handlers.i18n import N_, t
from handlers.monthly import KIND_ORDER, category_label, duration, kind_label
from handlers.text import local_time

WIDTH_PX, HEIGHT_PX, DPI = 1200, 800, 100
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "AR PL UMing CN",
)
OPENED, RESOLVED, P50, P90, RATE = "#4C72B0", "#55A868", "#8172B2", "#C44E52", "#DD8452"
MEDIAN, PERCENTILE_90 = N_("Median"), N_("90th percentile")
# Bars reach at most 1/HEADROOM of a panel's height: the legend's row sits above them.
HEADROOM = 1.6
log = logging.getLogger(__name__)


def bundled_font() -> Path | None:
    """Noto Sans SC from the `pylopdf-fonts-zh-cn` dependency, if it is installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = pylopdf_fonts_zh_cn.sans_path()
    return path if path.is_file() else None


@cache
def cjk_font(path: str | None = None) -> str | None:
    """The family name of a font able to draw Chinese: the file `path`
    (PROPDESK_CHART_FONT), else the bundled Noto Sans SC, else an installed CJK family;
    None when there is none."""
    for candidate in (path, bundled_font()):
        if candidate:
            font_manager.fontManager.addfont(str(candidate))
            return font_manager.FontProperties(fname=str(candidate)).get_name()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def render_png(k: kpi.Kpis, *, lang: str = "zh", font: str | None = None) -> bytes:
    """The chart as PNG bytes, 1200×800; `font` is a font file for Chinese (optional)."""
    fig = figure(k, lang=lang, font=font)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)  # no bbox_inches: the size stays exact
    return out.getvalue()


def figure(k: kpi.Kpis, *, lang: str = "zh", font: str | None = None) -> Figure:
    """The chart's matplotlib Figure (drawn, so its texts have their final places)."""
    family = cjk_font(font)
    if lang != "en" and family is None:
        log.warning("no font can draw Chinese (set PROPDESK_CHART_FONT): the chart is in English")
        lang = "en"
    rc = {"font.family": [family, "DejaVu Sans"]} if family else {}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
        FigureCanvasAgg(fig)
        axes = fig.subplots(2, 2)
        fig.suptitle(
            t(lang, "Service KPIs {month}", month=str(k.month))
            + "  ·  "
            # as of the month's end, or now for a month not yet over
            + t(
                lang,
                "Overdue at {when}: {n}",
                when=local_time(k.as_of, k.timezone, "%Y-%m-%d %H:%M"),
                n=len(k.overdue),
            ),
            fontsize=15,  # regular weight: the bundled Noto Sans SC has no bold
        )
        _by_kind(axes[0][0], k, lang)
        _by_category(axes[0][1], k, lang)
        _times(axes[1][0], k, lang)
        _rates(axes[1][1], k, lang)
        fig.subplots_adjust(left=0.08, right=0.97, top=0.9, bottom=0.08, hspace=0.38, wspace=0.4)
        fig.canvas.draw()  # inside the font context: texts are laid out with its font
    return fig


def _by_kind(ax, k: kpi.Kpis, lang: str) -> None:
    kinds = [x for x in KIND_ORDER if k.opened_by_kind[x] or k.resolved_by_kind[x]] or ["repair"]
    xs = range(len(kinds))
    opened = [k.opened_by_kind[x] for x in kinds]
    resolved = [k.resolved_by_kind[x] for x in kinds]
    bars1 = ax.bar([x - 0.2 for x in xs], opened, 0.4, color=OPENED, label=t(lang, "Opened"))
    bars2 = ax.bar([x + 0.2 for x in xs], resolved, 0.4, color=RESOLVED, label=t(lang, "Resolved"))
    ax.bar_label(bars1, padding=2)
    ax.bar_label(bars2, padding=2)
    ax.set_xticks(list(xs), [textwrap.fill(kind_label(x, lang), 12) for x in kinds])
    ax.set_title(t(lang, "Tickets by kind (opened {o}, resolved {r})", o=k.opened, r=k.resolved))
    ax.legend(loc="upper center", ncols=2, frameon=False)
    ax.set_ylim(0, max([*opened, *resolved, 1]) * HEADROOM)
    ax.yaxis.get_major_locator().set_params(integer=True)


def _by_category(ax, k: kpi.Kpis, lang: str) -> None:
    items = sorted(k.opened_by_category.items(), key=lambda kv: (kv[1], kv[0]))
    ax.set_title(t(lang, "Tickets opened by category"))
    if not items:
        ax.text(0.5, 0.5, t(lang, "No tickets"), ha="center", va="center")
        ax.set_axis_off()
        return
    labels = [category_label(key, lang) for key, _ in items]
    bars = ax.barh(labels, [n for _, n in items], color=OPENED)
    ax.bar_label(bars, padding=2)
    ax.set_xlim(0, max(n for _, n in items) * 1.2)
    ax.xaxis.get_major_locator().set_params(integer=True)


def _times(ax, k: kpi.Kpis, lang: str) -> None:
    groups = [
        (t(lang, "First response"), k.first_response),
        (t(lang, "Resolution"), k.resolution),
    ]
    ax.set_title(t(lang, "Time taken, hours (median and 90th percentile)"))
    xs = range(len(groups))
    series = ((-0.2, "p50", P50, t(lang, MEDIAN)), (0.2, "p90", P90, t(lang, PERCENTILE_90)))
    for offset, attr, colour, label in series:
        values = [getattr(spread, attr) for _, spread in groups]
        bars = ax.bar(
            [x + offset for x in xs],
            [(v or 0) / 60 for v in values],
            0.4,
            color=colour,
            label=label,
        )
        ax.bar_label(bars, labels=[duration(v, lang) for v in values], padding=2, fontsize=9)
    ax.set_xticks(list(xs), [f"{name} (n={spread.count})" for name, spread in groups])
    hours = [v / 60 for _, s in groups for v in (s.p50, s.p90) if v]
    if hours and max(hours) / min(hours) > 20:  # minutes and days on one chart: log scale
        ax.set_yscale("log")
        low = min(hours) / 2
        ax.set_ylim(low, low * (max(hours) / low) ** HEADROOM)
    else:
        ax.set_ylim(0, max([*hours, 1]) * HEADROOM)
    ax.legend(loc="upper center", ncols=2, frameon=False)


def _rates(ax, k: kpi.Kpis, lang: str) -> None:
    rows = [
        (t(lang, "Callback completion"), k.survey_completion),
        (t(lang, "Satisfaction (4-5)"), k.satisfaction),
        (t(lang, "Complaints resolved"), k.complaint_resolution),
        (t(lang, "First-contact resolution"), k.first_contact_resolution),
    ][::-1]
    ax.set_title(t(lang, "Rates (%)"))
    values = [(rate.value or 0) * 100 for _, rate in rows]
    bars = ax.barh([name for name, _ in rows], values, color=RATE)
    labels = [
        "—" if rate.value is None else f"{rate.value * 100:.0f}% ({rate.done}/{rate.total})"
        for _, rate in rows
    ]
    ax.bar_label(bars, labels=labels, padding=3, fontsize=9)
    ax.set_xlim(0, 130)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.axvline(100, color="#999999", linewidth=0.8, linestyle="--")
