"""Files to Slack with files_upload_v2: the funnel chart and CSV exports. Failures are logged, never
raised: a missing chart must not stop the text digest."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.charts import ChartStage, chart_locale, funnel_png
from bot.flows.funnel.figures import Figures
from bot.i18n import t
from bot.process.schema import StageSet

log = logging.getLogger(__name__)


def chart_png(figures: Figures, stages: StageSet, locale: str, title: str) -> bytes:
    loc = chart_locale(locale)
    names = {s.key: s.name.get(loc) for s in stages.stages}
    rows = [ChartStage(names.get(s.key, s.key), s.count, s.weighted) for s in figures.stages]
    return funnel_png(
        rows,
        title=t("funnel.chart.title", loc) if loc != locale else title,
        count_label=t("funnel.chart.count", loc),
        amount_label=t("funnel.chart.weighted", loc, currency=figures.currency),
    )


def upload(
    client: WebClient, *, channel: str, filename: str, content: bytes, title: str, comment: str
) -> bool:
    try:
        client.files_upload_v2(
            channel=channel, file=content, filename=filename, title=title, initial_comment=comment
        )
        return True
    except Exception as e:  # noqa: BLE001 — the upload is optional; the caller already sent the text
        log.warning("upload of %s to %s failed: %s", filename, channel, e)
        return False


def upload_chart(
    client: WebClient, *, channel: str, figures: Figures, stages: StageSet, locale: str, title: str
) -> bool:
    try:
        png = chart_png(figures, stages, locale, title)
    except Exception:
        log.exception("the funnel chart could not be drawn")
        return False
    return upload(
        client,
        channel=channel,
        filename="funnel.png",
        content=png,
        title=t("funnel.chart.title", locale),
        comment=t("funnel.chart.comment", locale, title=title),
    )
