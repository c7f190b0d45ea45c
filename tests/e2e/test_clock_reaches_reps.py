"""Issue 17 in the browser: the sandbox's clock reaches every rep, and the Chinese digest chart is drawn
in Chinese.

1. A New York rep registers a deal on a Shanghai afternoon (their night). "+1 day" lands them at 02:00:
   the day-1 follow-up waits for their working hours — the card says until when, the page lists it as
   queued — and ONE "+1 working day" click (as that rep) brings it into their DM.
2. The team speaks Chinese: the manager's weekly digest chart carries the stage names in Chinese glyphs
   (the names' strip of the uploaded PNG is pixel for pixel the one drawn with the Chinese names and the
   CJK font, and not the English fallback's), and the bot logged no missing glyph or missing font.
Screenshots: artifacts/e2e/clock-*.png.
"""

from __future__ import annotations

import io
from decimal import Decimal

import httpx
import numpy as np
import pytest
from PIL import Image
from sqlmodel import select

from storage.models import Deal, Nudge, TeamSettings
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_browser_walk import as_user, register_deal, send, wait_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REP = "U0REP2"  # Sam Carter, en-US, America/New_York
MANAGER = "U0MGR"
SHANGHAI_AFTERNOON = "2026-11-02T07:00:00+00:00"  # Mon 15:00 in Shanghai = Mon 02:00 in New York


def shot(page, name: str) -> None:  # noqa: ANN001
    page.screenshot(path=str(ARTIFACTS / f"clock-{name}.png"), full_page=False)


def test_a_new_york_rep_gets_the_day_1_nudge_after_one_working_day_click(sandbox_app, browser_page, app_db):
    page, app = browser_page, sandbox_app
    app.set_clock(SHANGHAI_AFTERNOON)
    page.goto(app.url)
    as_user(page, REP)
    page.click("#nav-dm")
    register_deal(page, "Acme Boilers 2m", "Acme Boilers", title="Plant heating", close="2027-03-31")
    with app_db.session() as s:
        deal = s.exec(select(Deal).where(Deal.account == "Acme Boilers")).one()

    # "+1 day" from a Shanghai afternoon: 02:00 in New York, the nudge waits for Sam's working hours
    page.click('[data-clock="P1D"]')
    wait_text(page, "Tue, 3 Nov 2026, 02:00", "#clock-now")
    assert "follow-up" not in page.inner_text("#conv").lower()
    # the page shows what the bot has queued, with the time it goes out in the rep's zone
    wait_text(
        page, "Sam Carter · Acme Boilers · followup_1 → Tue 3 Nov, 09:00 (America/New_York)", "#queue-list"
    )
    # and the card says when it will actually go out
    send(page, "/deal Acme Boilers")
    wait_text(
        page, "⏳ Waiting for working hours: day-1 follow-up goes out Tue 3 Nov 2026, 09:00 (New York time)"
    )
    shot(page, "1-waiting")

    # ONE "+1 working day", as Sam: Tuesday 09:00 in New York, and the day-1 follow-up is in the DM
    page.click('[data-clock="working_day"]')
    wait_text(page, "Tue, 3 Nov 2026, 09:00", "#clock-now")
    wait_text(page, "Day 1 follow-up")
    nudge = page.locator("#conv .msg", has_text="Day 1 follow-up").last
    assert "Acme Boilers" in nudge.inner_text() and "Snooze" in nudge.inner_text()
    nudge.scroll_into_view_if_needed()
    shot(page, "2-day1-nudge")
    with app_db.session() as s:
        day1 = s.exec(select(Nudge).where(Nudge.deal_id == deal.id, Nudge.kind == "followup_1")).one()
        assert day1.status == "sent" and day1.sent_at is not None
    # the queue now lists its one reminder, a working day later
    wait_text(page, "followup_1 reminder → Wed 4 Nov, 09:00 (America/New_York)", "#queue-list")


# --------------------------------------------------------------------------- the Chinese chart
def _grey(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)


def _label_strip(names: list[str], title: str) -> tuple[np.ndarray, tuple[int, int, int]]:
    """The chart drawn here with these stage names (any figures: the names' strip left of the count
    panel does not depend on them), and where that strip is: (top, bottom, right) in pixels."""
    from matplotlib import pyplot

    from bot import charts
    from bot.i18n import t

    labels = {
        "title": title,
        "count_label": t("funnel.chart.count", "zh-Hans"),
        "amount_label": t("funnel.chart.weighted", "zh-Hans", currency="CNY"),
    }
    stages = [charts.ChartStage(n, i + 1, Decimal(1000 * (i + 1))) for i, n in enumerate(names)]
    with pyplot.rc_context(charts._rc()):
        fig = charts.funnel_figure(stages, **labels)
        try:
            fig.canvas.draw()
            box, height = fig.axes[0].get_window_extent(), fig.bbox.height
        finally:
            pyplot.close(fig)
    return _grey(charts.funnel_png(stages, **labels)), (
        int(height - box.y1),
        int(height - box.y0),
        int(box.x0) - 2,
    )


def test_the_chinese_digest_chart_has_chinese_labels(sandbox_app, browser_page, app_db):
    from bot.process.stages import load_stage_set

    page, app = browser_page, sandbox_app
    app.set_clock("2026-11-18T04:00:00+00:00")  # a Wednesday, Shanghai noon
    page.goto(app.url)
    as_user(page, MANAGER)
    page.click("#demo-data")
    page.wait_for_function("() => !document.body.dataset.busy")
    with app_db.session() as s:  # the team speaks Chinese (what an admin sets in App Home)
        team = s.get(TeamSettings, "T0SANDBOX")
        team.locale = "zh-Hans"
        s.add(team)
        s.commit()
    page.click('#channel-list a:has-text("sales-managers")')
    page.click('[data-clock="next_monday"]')
    wait_text(page, "Mon, 23 Nov 2026, 09:00", "#clock-now")
    wait_text(page, "漏斗图")
    chart = page.locator("#conv .msg", has_text="漏斗图").locator(".file img").last
    chart.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    chart.scroll_into_view_if_needed()
    shot(page, "3-zh-digest")
    chart.screenshot(path=str(ARTIFACTS / "clock-4-zh-chart.png"))

    png = httpx.get(httpx.URL(app.url).join(chart.get_attribute("src")), timeout=30).content
    drawn = _grey(png)
    title = (
        page.locator("#conv .msg", has_text="漏斗图")
        .last.inner_text()
        .split("漏斗图 · ", 1)[1]
        .split("\n")[0]
    )
    # the stage names' strip of the uploaded chart is, pixel for pixel, the one drawn here with the
    # Chinese names and the CJK font ...
    zh, (top, bottom, right) = _label_strip([s.name.get("zh-Hans") for s in load_stage_set().stages], title)
    assert drawn.shape == zh.shape
    assert np.abs(drawn[top:bottom, :right] - zh[top:bottom, :right]).max() <= 8
    assert (drawn[top:bottom, :right] < 128).sum() > 500  # and it holds dark glyphs, not white paper
    # ... and not the one with the English names (the fallback when the font is missing)
    en, _ = _label_strip([s.name.get("en") for s in load_stage_set().stages], title)
    h, w = min(en.shape[0], bottom), right
    assert np.abs(drawn[top:h, :w] - en[top:h, :w]).mean() > 5
    log = app.log.read_text(errors="replace")
    assert "Glyph" not in log and "missing from" not in log and "fonts-noto-cjk" not in log
