"""The funnel chart: a PNG of deal count and weighted amount per stage (matplotlib, Agg backend).

zh-Hans labels need a CJK font (ENVIRONMENT-NOTES.md: fonts-noto-cjk). Without one the chart falls
back to English labels with a logged warning, never a crash and never tofu boxes.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)


@cache
def _mpl() -> ModuleType:
    """matplotlib on the Agg backend, imported on first use: it costs a second or more at start-up,
    and a bot process that draws no chart (most requests, every test process) should not pay it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import matplotlib.ticker  # noqa: F401
    from matplotlib import font_manager  # noqa: F401

    return matplotlib


CJK_FONT = "Noto Sans CJK SC"
LATIN_FONT = "DejaVu Sans"


@dataclass(frozen=True)
class ChartStage:
    name: str
    count: int
    weighted: Decimal


def _findable(family: str) -> bool:
    try:
        _mpl().font_manager.findfont(family, fallback_to_default=False)
        return True
    except ValueError:
        return False


def _add_installed_fonts() -> int:
    """Add to matplotlib the system fonts its cache does not know, and save the cache once.

    matplotlib builds its font cache the first time it runs; a font installed after that (pip, then
    apt — the usual order on a server) stays invisible to it for good unless it is added.
    """
    matplotlib = _mpl()
    font_manager = matplotlib.font_manager
    known = {f.fname for f in font_manager.fontManager.ttflist}
    added = 0
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
                added += 1
            except (OSError, RuntimeError, ValueError) as e:  # an unreadable font file: skip it
                log.debug("font %s skipped: %s", path, e)
    if added:
        font_manager._get_font.cache_clear()
        font_manager.fontManager._findfont_cached.cache_clear()
        cachefile = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
        try:
            font_manager.json_dump(font_manager.fontManager, cachefile)
        except OSError as e:  # a read-only cache dir: the fonts are still added for this process
            log.info("matplotlib font cache not saved: %s", e)
        log.info("added %d installed fonts missing from matplotlib's font cache", added)
    return added


@cache
def has_cjk_font() -> bool:
    if _findable(CJK_FONT) or (_add_installed_fonts() and _findable(CJK_FONT)):
        return True
    log.warning(
        "font %r is missing: charts fall back to English labels (apt-get install fonts-noto-cjk)",
        CJK_FONT,
    )
    return False


FONT_HINT = (
    "the Chinese chart font ({font}) is missing: charts in Chinese show English labels. "
    "Install it with `apt-get install fonts-noto-cjk` (or copy the font into /usr/share/fonts) and "
    "restart dealbot; it finds the font at start"
)
_check = threading.Lock()
_checker: list[threading.Thread] = []  # the one background check of this process, once started


def check_font_in_background(on_missing: Callable[[str], None] | None = None) -> threading.Thread:
    """Look for the CJK font once, off the request path (matplotlib takes a second to load); when it is
    missing, ``on_missing`` gets the hint (``dealbot run`` prints it at start)."""

    def run() -> None:
        if has_cjk_font():
            log.info("the Chinese chart font (%s) is there: charts in Chinese get Chinese labels", CJK_FONT)
        elif on_missing is not None:
            on_missing(FONT_HINT.format(font=CJK_FONT))

    with _check:
        if not _checker:
            _checker.append(threading.Thread(target=run, name="cjk-font-check", daemon=True))
            _checker[0].start()
        return _checker[0]


def cjk_font_missing() -> bool:
    """True once the check found no CJK font (App Home tells an admin); False while it runs or when the
    font is there. Starts the check when nothing has."""
    thread = check_font_in_background()
    return not thread.is_alive() and not has_cjk_font()


def chart_locale(locale: str) -> str:
    """The locale the chart can render: zh-Hans only with a CJK font."""
    return locale if locale != "zh-Hans" or has_cjk_font() else "en"


def funnel_png(stages: list[ChartStage], *, title: str, count_label: str, amount_label: str) -> bytes:
    """Two horizontal bar panels (count, weighted amount), first stage on top."""
    matplotlib = _mpl()
    with matplotlib.rc_context(_rc()):
        fig = funnel_figure(stages, title=title, count_label=count_label, amount_label=amount_label)
        try:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=100)
            return buf.getvalue()
        finally:
            matplotlib.pyplot.close(fig)


def _rc() -> dict:
    families = [CJK_FONT, LATIN_FONT] if has_cjk_font() else [LATIN_FONT]
    return {"font.family": families, "axes.unicode_minus": False}


def funnel_figure(stages: list[ChartStage], *, title: str, count_label: str, amount_label: str):  # noqa: ANN201
    """The chart's figure (the caller closes it; draw it inside ``rc_context(_rc())``): counts on whole
    numbers only, long stage names wrapped so no two labels overlap."""
    matplotlib = _mpl()
    plt, ticker = matplotlib.pyplot, matplotlib.ticker
    lines = [wrap_label(s.name) for s in stages]
    row = 0.55 * max((n.count("\n") + 1 for n in lines), default=1) ** 0.5  # room for wrapped names
    fig, (ax_n, ax_w) = plt.subplots(1, 2, figsize=(9, row * max(len(stages), 3) + 1.4), sharey=True)
    ys = list(range(len(stages)))
    ax_n.barh(ys, [s.count for s in stages], color="#457b9d")
    ax_w.barh(ys, [float(s.weighted) for s in stages], color="#e76f51")
    ax_n.set_yticks(ys, labels=lines)
    ax_n.invert_yaxis()
    ax_n.set_xlabel(count_label)
    ax_w.set_xlabel(amount_label)
    for ax, values in (
        (ax_n, [s.count for s in stages]),
        (ax_w, [float(s.weighted) for s in stages]),
    ):
        top = max(values, default=0) or 1
        ax.set_xlim(0, top * 1.25)
        for y, v in zip(ys, values, strict=True):
            ax.text(v + top * 0.02, y, _short(v), va="center", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _pos: _short(x)))
    # a count is a whole number of deals: no 0.5 ticks; at most 5 ticks a panel, so labels never touch
    ax_n.xaxis.set_major_locator(ticker.MaxNLocator(nbins=5, integer=True))
    ax_w.xaxis.set_major_locator(ticker.MaxNLocator(nbins=4))
    fig.suptitle(title)
    fig.tight_layout()
    return fig


LABEL_WIDTH = 18  # characters a line of a stage name takes (a CJK character counts as two)
LABEL_LINES = 3


def wrap_label(name: str, width: int = LABEL_WIDTH) -> str:
    """A stage name on at most three lines of about ``width`` columns: Latin text breaks between words,
    Chinese between characters; what does not fit ends in "…"."""
    lines: list[str] = []
    line, used = "", 0
    for word in _words(name):
        w = sum(2 if _wide(c) else 1 for c in word.strip())
        if line and used + w > width:
            lines.append(line.rstrip())
            line, used, word = "", 0, word.lstrip()
        line += word
        used += w
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > LABEL_LINES:
        lines = lines[: LABEL_LINES - 1] + [lines[LABEL_LINES - 1][: max(width // 2 - 1, 1)] + "…"]
    return "\n".join(lines) or name


def _wide(c: str) -> bool:
    return ord(c) >= 0x2E80  # CJK, full-width forms: two columns


def _words(text: str) -> list[str]:
    """Latin words with their leading space; each wide character on its own."""
    out: list[str] = []
    for c in text:
        if _wide(c) or not out or c == " " or _wide(out[-1][-1]):
            out.append(c)
        else:
            out[-1] += c
    return out


def _short(v: float) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(v) >= size:
            return f"{v / size:.1f}{unit}"
    return f"{v:g}"
