"""One vocabulary of audit actions (issue #10): every code an audit row may carry, with its label.

Steps of a declared workflow write `<workflow>.<step>` (e.g. `orders.claim`, `records.makeup.approve`) — the
same code from the page and the API, since both run the same step — and take their label from the declaration
(`action_label`); the codes below are the reads, denials and writes that are not workflow steps.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    ID_UNMASK = "id_unmask", _("ID number shown in full")
    UNMASK_ID = "unmask_id", _("ID number shown in full (admin)")
    AUDIT_LIST = "audit_list", _("Audit log viewed")
    EXPORT = "export", _("Data exported")
    UNIT_CREATE = "unit_create", _("Unit created")
    UNIT_UPDATE = "unit_update", _("Unit changed")
    UNIT_VIEW = "unit_view", _("Unit viewed")
    UNIT_TREE = "unit_tree", _("Network tree viewed")
    ROLE_GRANT = "role_grant", _("Role granted")
    ROLE_REVOKE = "role_revoke", _("Role revoked")
    RESIDENT_ENTER = "resident_enter", _("Resident entered by staff")
    RESIDENT_ERASE = "resident_erase", _("Resident's data erased")
    RESIDENT_EXPORT = "resident_export", _("Resident's data exported")
    RESIDENT_LIST = "resident_list", _("Residents listed")
    VOLUNTEER_HOME = "volunteer_home", _("Volunteer home viewed")
    VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours viewed")
    VOLUNTEER_LIST = "volunteer_list", _("Volunteers listed")
    VOLUNTEER_VIEW = "volunteer_view", _("Volunteer viewed")
    TEAM_LIST = "team_list", _("Teams listed")
    TEAM_VIEW = "team_view", _("Team viewed")
    MY_TEAMS = "my_teams", _("Own teams viewed")
    LIAISON_HOME = "liaison_home", _("Liaison home viewed")
    ORDER_ENTER = "order_enter", _("Order entered for a resident")
    ORDER_QUEUE = "order_queue", _("Order queue viewed")
    ORDER_HALL = "order_hall", _("Order hall viewed")
    ORDER_TASKS = "order_tasks", _("Team tasks viewed")
    ORDER_FOLLOW_UP = "order_follow_up", _("Follow-up list viewed")
    ORDER_BULK_PUBLISH = "order_bulk_publish", _("Orders published in bulk")
    ORDER_PHOTO = "order_photo", _("Service photo opened")
    ORDER_VIEW = "order_view", _("Order viewed")
    WHISTLE_LIST = "whistle_list", _("Whistles listed")
    ACTIVITY_CREATE = "activity_create", _("Activity planned")
    ACTIVITY_UPDATE = "activity_update", _("Activity changed")
    ACTIVITY_LIST = "activity_list", _("Activities listed")
    ACTIVITY_VIEW = "activity_view", _("Activity viewed")
    ACTIVITY_SCAN = "activity_scan", _("Sign-in code scanned")
    ACTIVITY_PUBLISH = "activity_publish", _("Activity published (page)")
    ACTIVITY_CANCEL = "activity_cancel", _("Activity cancelled (page)")
    ACTIVITY_CLOSE = "activity_close", _("Activity closed (page)")
    MY_ACTIVITIES = "my_activities", _("Own activities viewed")
    SIGNUP_CREATE = "signup_create", _("Signed up")
    SIGNUP_WITHDRAW = "signup_withdraw", _("Sign-up withdrawn")
    SIGNUP_DECIDE = "signup_decide", _("Sign-up decided")
    SIGNUP_APPROVE = "signup_approve", _("Sign-up approved")
    SIGNUP_SIGN_IN = "signup_sign_in", _("Signed in to an activity")
    SIGNUP_SIGN_OUT = "signup_sign_out", _("Signed out of an activity")
    SIGNUP_ROLL_CALL = "signup_roll_call", _("Roll call")
    ROLL_CALL = "roll_call", _("Roll call page")
    MY_HOURS = "my_hours", _("Own hours viewed")
    RECORD_REVERSE = "record_reverse", _("Hours row reversed")
    RECORD_DOCUMENT_ISSUE = "record_document_issue", _("Service record issued")
    RECORD_DOCUMENT_DOWNLOAD = "record_document_download", _("Service record downloaded")
    RANKINGS = "rankings", _("Rankings viewed")
    MAKEUP_DECLARE = "makeup_declare", _("Make-up hours declared (page)")
    MAKEUP_LIST = "makeup_list", _("Make-up hours listed")
    MAKEUP_DECIDE = "makeup_decide", _("Make-up hours decided (page)")
    POINTS_ADJUST = "points_adjust", _("Points corrected")
    SHOP_MANAGE = "shop_manage", _("Shop managed")
    SHOP_ITEM_CREATE = "shop_item_create", _("Shop item added")
    SHOP_ITEM_RESTOCK = "shop_item_restock", _("Shop item restocked")
    REDEEM = "redeem", _("Points redeemed (page)")
    REDEMPTION_HAND_OUT = "redemption_hand_out", _("Redemption handed out (page)")
    NEED_RECORD = "need_record", _("Need recorded")
    NEED_UPDATE = "need_update", _("Need changed")
    NEED_VISIT = "need_visit", _("Need recorded on a visit")
    NEEDS_ANALYSIS = "needs_analysis", _("Needs analysed")
    NEEDS_IMPORT_ORDERS = "needs_import_orders", _("Needs imported from orders")
    NEEDS_ROUND_OPEN = "needs_round_open", _("Needs round opened (page)")
    NEEDS_ROUND_CLOSE = "needs_round_close", _("Needs round closed (page)")
    NEEDS_ROUND_VIEW = "needs_round_view", _("Needs round viewed")
    SURVEY_ANSWER = "survey_answer", _("Questionnaire answered")
    SURVEY_PAPER_DISTRIBUTED = "survey_paper_distributed", _("Paper copies counted")
    SURVEY_PAPER_ENTRY = "survey_paper_entry", _("Paper answers entered")
    SURVEY_QUESTION_ADD = "survey_question_add", _("Question added")
    SURVEY_QUESTION_REMOVE = "survey_question_remove", _("Question removed")
    SURVEY_VIEW = "survey_view", _("Questionnaire viewed")
    SURVEY_CREATE = "survey_create", _("Questionnaire created (page)")
    BRAND_CREATE = "brand_create", _("Brand project registered (page)")
    BRAND_UPDATE = "brand_update", _("Brand project changed")
    BRAND_VIEW = "brand_view", _("Brand project viewed")
    BRAND_LIST = "brand_list", _("Brand projects listed")
    BRAND_COMPLIANCE = "brand_compliance", _("Brand coverage viewed")
    GARDEN_POST = "garden_post", _("Garden post written")
    GARDEN_POST_VIEW = "garden_post_view", _("Garden post viewed")
    GARDEN_VIEW = "garden_view", _("Garden viewed")
    GARDEN_COMMENT = "garden_comment", _("Comment written")
    GARDEN_COMMENT_APPROVE = "garden_comment_approve", _("Comment approved")
    GARDEN_COMMENT_HIDE = "garden_comment_hide", _("Comment hidden")
    GARDEN_COMMENT_RESTORE = "garden_comment_restore", _("Comment restored")
    GARDEN_MODERATION = "garden_moderation", _("Comments moderated")
    GARDEN_MODERATION_QUEUE = "garden_moderation_queue", _("Moderation queue viewed")
    SENSITIVE_WORD_ADD = "sensitive_word_add", _("Sensitive word added")
    SENSITIVE_WORD_REMOVE = "sensitive_word_remove", _("Sensitive word removed")
    SENSITIVE_WORDS = "sensitive_words", _("Sensitive words viewed")
    STATS_VIEW = "stats_view", _("Figures viewed")
    MATCHING_VIEW = "matching.view", _("Team recommendations viewed")
    PEOPLE_TOKEN_ISSUE = "people.token_issue", _("API token issued")
    ORDERS_DEADLINES_SET = "orders.deadlines_set", _("Order deadlines set")


def action_label(code: str) -> str:
    """The label of an audit code: a listed action, a declared workflow step ("service order: Claim"), or the
    code itself for rows written before the vocabulary existed."""
    from civicloop.core.workflow import REGISTRY

    if code in Action.values:
        return str(Action(code).label)
    name, _dot, step = code.rpartition(".")
    wf = REGISTRY.get(name)
    if wf is not None:
        if step in wf.steps:
            return f"{wf.label}：{wf.steps[step].label}"
        return f"{wf.label}：{step}"
    return code


def is_known(code: str) -> bool:
    """A listed action or a step (or the creation event) of a declared workflow."""
    from civicloop.core.workflow import REGISTRY

    if code in Action.values:
        return True
    name, _dot, _step = code.rpartition(".")
    return name in REGISTRY
