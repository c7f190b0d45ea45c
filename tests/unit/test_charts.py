"""The funnel chart renders English and Chinese stage names with no missing glyphs, and falls back to
English labels (never a crash) when the CJK font is missing."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import warnings
from decimal import Decimal

import pytest
from PIL import Image

from bot import charts
from bot.charts import ChartStage, chart_locale, funnel_png
from bot.process.stages import load_stage_set
from tests.support.bot import ROOT


def _stages(locale: str) -> list[ChartStage]:
    names = [s.name.get(locale) for s in load_stage_set().stages]
    return [
        ChartStage(n, c, Decimal(w))
        for n, c, w in zip(names, (12, 9, 6, 4, 3, 2), (1e6, 2e6, 4e6, 5e6, 6e6, 8e6), strict=True)
    ]


def _not_blank(png: bytes) -> None:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size[0] > 400 and img.size[1] > 200
    colours = img.getcolors(maxcolors=1 << 20)
    non_white = sum(n for n, c in colours if c != (255, 255, 255))
    assert non_white > img.size[0] * img.size[1] * 0.05  # bars, labels and axes drawn
    assert len(colours) > 20


def _render(locale: str, caplog) -> bytes:  # noqa: ANN001
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        png = funnel_png(
            _stages(locale),
            title="销售漏斗" if locale == "zh-Hans" else "Funnel",
            count_label="n",
            amount_label="¥",
        )
    glyphs = [
        str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert glyphs == []
    assert not [r for r in caplog.records if "Glyph" in r.getMessage() or "findfont" in r.getMessage()]
    return png


def test_english_chart_is_a_png_with_content(caplog):
    png = _render("en", caplog)
    assert png.startswith(b"\x89PNG")
    _not_blank(png)


def test_chinese_chart_renders_every_glyph(caplog):
    assert charts.has_cjk_font(), "fonts-noto-cjk is installed by ./dev (system_packages)"
    assert chart_locale("zh-Hans") == "zh-Hans"
    _not_blank(_render("zh-Hans", caplog))


def test_without_the_cjk_font_the_chart_falls_back_to_english(monkeypatch, caplog):
    monkeypatch.setattr(charts, "has_cjk_font", lambda: False)
    assert chart_locale("zh-Hans") == "en"
    _not_blank(_render(chart_locale("zh-Hans"), caplog))


BAR_COLOURS = {(69, 123, 157), (231, 111, 81)}  # #457b9d (count), #e76f51 (weighted amount)


def test_an_empty_funnel_still_draws():
    png = funnel_png(
        [ChartStage("Qualify", 0, Decimal(0))], title="Funnel", count_label="n", amount_label="¥"
    )
    assert png.startswith(b"\x89PNG")
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (900, 305)  # the full chart, at least three rows high: 9 in × (0.55 × 3 + 1.4) in
    colours = img.getcolors(maxcolors=1 << 20)
    assert [c for _, c in colours if c in BAR_COLOURS] == []  # no bar at all for zero
    # but the title, the stage's name, both panels' axes and their zero labels are drawn
    assert sum(n for n, c in colours if c != (255, 255, 255)) > img.size[0] * img.size[1] * 0.01
    full = funnel_png(
        [ChartStage("Qualify", 3, Decimal(1000))], title="Funnel", count_label="n", amount_label="¥"
    )
    assert {
        c for _, c in Image.open(io.BytesIO(full)).convert("RGB").getcolors(maxcolors=1 << 20)
    } >= BAR_COLOURS


STALE_CHECK = """
import json, sys
from matplotlib import font_manager
try:
    font_manager.findfont("Noto Sans CJK SC", fallback_to_default=False)
    before = True
except ValueError:
    before = False
from bot import charts
print(json.dumps({"before": before, "after": charts.has_cjk_font(), "locale": charts.chart_locale("zh-Hans")}))
"""


def test_a_font_installed_after_matplotlib_built_its_cache_is_found(tmp_path):
    """The usual server order is pip (matplotlib builds its font cache) then apt (fonts-noto-cjk):
    the chart code adds the installed font the stale cache misses, and saves the cache."""
    from matplotlib import font_manager

    cache_name = f"fontlist-v{font_manager.FontManager.__version__}.json"
    fresh = json.loads(json.dumps(font_manager.fontManager, cls=font_manager._JSONEncoder))
    fresh["ttflist"] = [f for f in fresh["ttflist"] if "CJK" not in f["name"]]
    assert fresh["ttflist"], "the stale cache still knows the Latin fonts"
    (tmp_path / cache_name).write_text(json.dumps(fresh))

    env = dict(os.environ, MPLCONFIGDIR=str(tmp_path), PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", STALE_CHECK], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"before": False, "after": True, "locale": "zh-Hans"}
    saved = json.loads((tmp_path / cache_name).read_text())
    assert any(f["name"] == "Noto Sans CJK SC" for f in saved["ttflist"]), "the repaired cache was saved"


def _drawn(stages: list[ChartStage]):  # noqa: ANN202
    """The chart's figure, drawn as the PNG is (fonts included): (figure, count panel, amount panel)."""
    from matplotlib import pyplot

    with pyplot.rc_context(charts._rc()):
        fig = charts.funnel_figure(stages, title="Funnel", count_label="deals", amount_label="¥")
        fig.canvas.draw()
    return fig, *fig.axes


def test_counts_are_counted_in_whole_deals():
    """Few deals: the count axis still shows 0, 1, 2, 3 — never 0.5 or 2.5 deals."""
    from matplotlib import pyplot

    fig, ax_n, _ = _drawn([ChartStage("Qualify", 3, Decimal(1000)), ChartStage("Win", 1, Decimal(500))])
    try:
        labels = [t.get_text() for t in ax_n.get_xticklabels() if t.get_text()]
        assert labels and all(label.isdigit() for label in labels), labels
        ticks = [x for x in ax_n.get_xticks() if ax_n.get_xlim()[0] <= x <= ax_n.get_xlim()[1]]
        assert ticks == [round(x) for x in ticks] and len(ticks) >= 3
    finally:
        pyplot.close(fig)


LONG = {
    "en": [
        "Qualify the prospect and confirm the customer's intent",
        "Map the roles, build relationships with the decision-maker and the coach",
        "Shape the buyer's evaluation criteria and the tender documents",
        "Bid",
    ],
    "zh-Hans": [
        "确认客户意向并完成资格评估",
        "识别角色、与决策者和教练（内线）建立关系",
        "引导客户的评估标准与招标文件",
        "投标",
    ],
}


def _overlap(a, b) -> bool:  # noqa: ANN001
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize("locale", ["en", "zh-Hans"])
def test_long_stage_names_wrap_and_no_labels_overlap(locale):
    from matplotlib import pyplot

    stages = [ChartStage(n, 40 - 9 * i, Decimal(12_345_678 * (i + 1))) for i, n in enumerate(LONG[locale])]
    fig, ax_n, ax_w = _drawn(stages)
    try:
        renderer = fig.canvas.get_renderer()
        names = [t for t in ax_n.get_yticklabels() if t.get_text()]
        assert [t.get_text().replace("\n", "") for t in names][-1] == LONG[locale][-1]
        assert any("\n" in t.get_text() for t in names)  # the long ones wrapped
        boxes = [t.get_window_extent(renderer) for t in names]
        for ax in (ax_n, ax_w):
            boxes_x = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
            assert not any(_overlap(a, b) for i, a in enumerate(boxes_x) for b in boxes_x[i + 1 :])
        assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        # every name stays inside the picture (nothing cut at the left edge)
        assert all(b.x0 >= 0 and b.y0 >= 0 and b.y1 <= fig.bbox.height for b in boxes)
        # and the stage names do not run into the count panel's bars
        assert max(b.x1 for b in boxes) <= ax_n.get_window_extent(renderer).x0
    finally:
        pyplot.close(fig)


def test_wrap_label_breaks_latin_between_words_and_chinese_between_characters():
    assert charts.wrap_label("Map roles, build relationships") == "Map roles, build\nrelationships"
    assert charts.wrap_label("确认客户需求并引导采购标准") == "确认客户需求并引导\n采购标准"
    assert charts.wrap_label("Qualify") == "Qualify"
    assert charts.wrap_label("word " * 30).count("\n") == 2 and charts.wrap_label("word " * 30).endswith("…")
