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
