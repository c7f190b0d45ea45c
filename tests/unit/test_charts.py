"""The funnel chart renders English and Chinese stage names with no missing glyphs, and falls back to
English labels (never a crash) when the CJK font is missing."""

from __future__ import annotations

import io
import logging
import warnings
from decimal import Decimal

from PIL import Image

from bot import charts
from bot.charts import ChartStage, chart_locale, funnel_png
from bot.process.stages import load_stage_set


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
    glyphs = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
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


def test_an_empty_funnel_still_draws():
    png = funnel_png(
        [ChartStage("Qualify", 0, Decimal(0))], title="Funnel", count_label="n", amount_label="¥"
    )
    assert Image.open(io.BytesIO(png)).size[0] > 0
