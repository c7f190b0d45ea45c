"""Issue 17 item 3: App Home tells an admin — in their language — that Chinese charts fall back to English
for want of the CJK font, and how to add it; it tells nobody else, and says nothing when the font is there."""

from __future__ import annotations

from bot.blocks.home import home_view
from storage.models import Membership
from tests.support.flows import utc
from tests.support.pipeline import all_text

NOW = utc(2026, 11, 23, 2)


def test_the_missing_font_notice_is_for_admins_in_their_language(world):
    with world.session() as s:
        s.add(Membership(team_id="T0SANDBOX", user_id="U0REP1", role="admin"))  # Wang Li, zh-CN
    shown = {}
    for user in ("U0ADMIN", "U0REP1", "U0REP2"):
        with world.session() as s:
            home = world.home(s, world.actor(s, user, now=NOW), now=NOW)
        shown[user] = (all_text(home_view(home, chart_font_missing=True)), all_text(home_view(home)))
    missing, fine = shown["U0ADMIN"]
    assert "Charts in Chinese show English labels" in missing and "apt-get install fonts-noto-cjk" in missing
    assert missing.index("Settings") < missing.index("Charts in Chinese")  # in the admin's part
    assert "Noto Sans CJK SC" not in fine
    zh, _ = shown["U0REP1"]
    assert "中文图表暂时显示英文标签" in zh and "apt-get install fonts-noto-cjk" in zh
    rep, _ = shown["U0REP2"]
    assert "Noto Sans CJK SC" not in rep  # a rep has no settings to change: not told
