"""Every slash command, action_id, callback_id and event name, spelled once.

A contract test holds these, the registered listeners and manifest.yaml together: add an id here,
register a listener for it, and (for commands and events) declare it in the manifest.
"""

from __future__ import annotations

# Slash commands
CMD_DEAL = "/deal"
CMD_FUNNEL = "/funnel"
COMMANDS = (CMD_DEAL, CMD_FUNNEL)

# Events the bot subscribes to (manifest settings.event_subscriptions.bot_events)
EV_APP_HOME_OPENED = "app_home_opened"
EV_MESSAGE_IM = "message"  # message.im in the manifest
EV_USER_CHANGE = "user_change"
EV_APP_UNINSTALLED = "app_uninstalled"  # the workspace removed dealbot (OAuth: its installation is deleted)
EV_TOKENS_REVOKED = "tokens_revoked"  # its tokens were revoked (either order with app_uninstalled)
EVENTS = {
    EV_APP_HOME_OPENED: "app_home_opened",
    EV_MESSAGE_IM: "message.im",
    EV_USER_CHANGE: "user_change",
    EV_APP_UNINSTALLED: "app_uninstalled",
    EV_TOKENS_REVOKED: "tokens_revoked",
}

# Block actions (action_id). Feature sections below; keep names unique.
# -- shared between features (a button on one surface opens another feature's flow); value = deal id
ACT_DEAL_OPEN = "deal_open"  # show the deal card (pipeline)
ACT_CHECKIN_OPEN = "checkin_open"  # open the check-in modal (follow-ups)
ACT_QUALIFY_START = "qualify_start"  # start or resume the interview (qualification)
ACT_PEOPLE_OPEN = "people_open"  # open the buying-influences modal (pipeline)
ACT_MILESTONE_OPEN = "milestone_open"  # record the stage milestone (pipeline)
ACT_ADVANCE_OPEN = "advance_open"  # the advance dialog: checklist, or force with a reason (pipeline)
ACT_DROP_OPEN = "drop_open"  # the drop dialog with its reason (pipeline)
ACT_LOST_OPEN = "lost_open"  # the lost dialog (pipeline; a held deal's wake-up)
ACT_HOLD_OPEN = "hold_open"  # the on-hold dialog: a new expected date (pipeline; "still on hold")
# -- pipeline (deal card, people, App Home); card button values are "<deal id>:<version>"
ACT_DEAL_MORE = "deal_more"  # the card's overflow: won, lost, drop, hold, edit, reopen
ACT_DEAL_HISTORY = "deal_history"  # the card's History button
ACT_CUSTOMER_STEP = "customer_step"  # the card's select of the customer's buying step; "<stage>:<id>:<v>"
ACT_RECORD_RUNG = (
    "record_rung"  # the card: a checkpoint or a skipped milestone; "<stage>|<checkpoint>|<id>:<v>"
)
ACT_PERSON_EDIT = "person_edit"  # edit one buying influence (in the people modal); value = person id
ACT_PEOPLE_PREV = "people_prev"  # the people modal's pages; value = the page to show (0-based)
ACT_PEOPLE_NEXT = "people_next"
ACT_HOME_NEW_DEAL = "home_new_deal"  # App Home "Register a deal"
ACT_SETTINGS_OPEN = "settings_open"  # App Home (admin): the settings modal
ACT_ROLES_OPEN = "roles_open"  # App Home (admin): assign a role

# -- follow-ups (nudges); value = nudge id
ACT_NUDGE_SNOOZE_DAY = "nudge_snooze_day"
ACT_NUDGE_SNOOZE_WEEK = "nudge_snooze_week"
ACT_NUDGE_KEEP = "nudge_keep"  # day 30: intent confirmed, new cycle
ACT_NUDGE_DOWNGRADE = "nudge_downgrade"  # day 30: one grade lower, held; stays in the funnel
ACT_NUDGE_LOWER = "nudge_lower"  # day 30: keep at a lower contact level
ACT_NUDGE_RESUME = "nudge_resume"  # a held deal's wake-up: resume (reopen)
ACT_TOUCH_REQUALIFY = "touch_requalify"  # low-contact touch: the interview again
ACT_TOUCH_STILL_LOW = "touch_still_low"  # low-contact touch: next touch in N days

# -- qualification interview (DM); an answer button's action_id is Q_ANSWER_PREFIX + option value
#    (unique within its block), its value "interview:question:option"
Q_ANSWER_PREFIX = "q_answer:"
Q_ANSWER_PATTERN = r"^q_answer:"
# -- plan (SPEC §13): buttons carry a suffix, so each id in a block is unique; listeners by pattern
PLAN_ODDS_SWITCH = "plan_odds_switch"  # App Home settings: "<prefix>:<rung>", value "<rung>:on|off"
PLAN_ODDS_SWITCH_PATTERN = r"^plan_odds_switch:"
SELLING_ANSWER = "selling_answer"  # the end-of-day DM: "<prefix>:<answer>", value "<row id>:<answer>"
SELLING_ANSWER_PATTERN = r"^selling_answer:"
ACT_SELLING_NOTE_OPEN = "selling_note_open"  # the end-of-day DM: add the optional line (value = row id)
BLOCK_PLAN_ODDS = "plan_odds"
BLOCK_SELLING = "selling_day"
ACT_Q_DATE = "q_date"  # datepicker of a date question; block_id "q:<interview>:<question>"
ACT_Q_SKIP = "q_skip"  # value "interview:question"
ACT_Q_BACK = "q_back"
ACT_Q_MENU = "q_menu"  # overflow: "stop:<interview>:<question>" | "change:<interview>:<question>"
ACT_Q_TRANSCRIPT = (
    "q_transcript"  # the verdict's "Answers (n)": the interview's answers in a modal; value = interview
)
ACT_Q_CHANGE = "q_change"  # select a question to answer again; option value "interview:question"
ACT_QUALIFY_REDO = "qualify_redo"  # value = deal id
ACT_VERDICT_PURSUE = "verdict_pursue"  # value = deal id
ACT_VERDICT_LOWER = "verdict_lower"  # keep at a lower contact level; value = deal id
ACT_VERDICT_FIND_OUT = "verdict_find_out"  # assessment incomplete: find out, continue later; value = deal id
ACT_CARD_FIND_OUT = (
    "card_find_out"  # the card's to-find-out checklist: answer one; option "<interview id>:<key>"
)

# -- the weekly review (manager's DM, App Home, /funnel review)
ACT_REVIEW_OPEN = "review_open"  # open a rep's review; value "<rep id>:<page>"
ACT_REVIEW_MENU = "review_menu"  # a deal's overflow in the review; option "<act>:<deal id>"
ACT_REVIEW_REPLY = "review_reply"  # the rep answers a comment / looks again at a challenge; value = note id

# View callbacks (callback_id)
# -- pipeline; private_metadata = {"d": deal id, "v": deal version} (never trusted: re-checked on submit)
VIEW_ADVANCE = "pipeline_advance"
VIEW_PEOPLE = "pipeline_people"
VIEW_PERSON = "pipeline_person"
VIEW_WON = "pipeline_won"
VIEW_LOST = "pipeline_lost"
VIEW_DROP = "pipeline_drop"
VIEW_HOLD = "pipeline_hold"
VIEW_REOPEN = "pipeline_reopen"
VIEW_DEAL_EDIT = "pipeline_edit"
VIEW_SETTINGS = "pipeline_settings"
VIEW_ROLES = "pipeline_roles"
# -- follow-ups
VIEW_CHECKIN = "checkin_submit"  # the check-in modal (follow-ups)
# -- the weekly review; private_metadata {"d": deal id, "k": comment|challenge, "t": target} / {"n": note id}
VIEW_REVIEW_NOTE = "review_note"  # a manager's comment or challenge
VIEW_REVIEW_REPLY = "review_reply_submit"  # the rep's answer or second look
# -- qualification
VIEW_DEAL_NEW = "deal_new"  # register a prospect (qualification)
# -- plan
VIEW_SELLING_NOTE = "selling_note"  # the optional line of the end-of-day answer; private_metadata = row id

# Message metadata event types
META_NUDGE = "deal_nudge"
META_DIGEST = "dealbot_digest"  # the weekly digest; payload {"run_id": …} (digest)
META_REVIEW = "dealbot_review"  # the weekly review DM; payload {"run_id": …} (review)


def all_action_ids() -> set[str]:
    return {v for k, v in globals().items() if k.startswith("ACT_") and isinstance(v, str)}


def all_view_ids() -> set[str]:
    return {v for k, v in globals().items() if k.startswith("VIEW_") and isinstance(v, str)}
