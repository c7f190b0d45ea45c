"""The browser sandbox installs dealbot into its second workspace the way Slack does (the bot's "Add to
Slack" page, the sandbox's authorize page, back to the bot's success page) and switches between the two
workspaces; each is then served with its own token."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import SLACK_BOTS, Membership

pytestmark = pytest.mark.browser


def test_install_a_second_workspace_and_switch_between_them(sandbox_app, browser_page, app_db):
    page = browser_page
    page.goto(sandbox_app.url)
    switch = page.locator("#workspace-switch")
    switch.locator("option", has_text="dealbot not installed").wait_for(state="attached")
    assert "T0SANDBOX" in switch.input_value()

    with page.context.expect_page() as opened:
        page.click("#install-link")
    install = opened.value
    install.get_by_role("link", name="Add to Slack").click()  # the bot's page -> the sandbox's authorize page
    install.locator("#approver").wait_for()
    install.select_option("#approver", "U9REP2")  # a rep of the second workspace installs
    install.click("#allow")
    install.get_by_role("heading", name="dealbot is installed").wait_for()
    assert "T0other" in install.content() or "T0OTHER" in install.content()
    install.screenshot(path="artifacts/e2e/oauth-installed.png")
    install.close()

    switch.locator("option", has_text="dealbot not installed").wait_for(state="detached")
    page.select_option("#workspace-switch", "T0OTHER")
    page.wait_for_function("document.querySelector('#user-switch').value.startsWith('U9')")
    page.fill("#composer-input", "/deal list")
    page.press("#composer-input", "Enter")
    page.locator("#conv .msg").last.wait_for()
    page.screenshot(path="artifacts/e2e/oauth-second-workspace.png")

    page.select_option("#workspace-switch", "T0SANDBOX")
    page.wait_for_function("document.querySelector('#user-switch').value.startsWith('U0')")

    with app_db.engine.connect() as conn:
        assert {r[0] for r in conn.execute(select(SLACK_BOTS.c.team_id))} == {"T0SANDBOX", "T0OTHER"}
    assert [m.user_id for m in app_db.rows(Membership, team_id="T0OTHER", role="admin")] == ["U9REP2"]
