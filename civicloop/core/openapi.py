"""The OpenAPI document is the API's contract (DESIGN: the API is a first-class client).

`CivicAPI` completes what each operation does not say itself: a bilingual summary for the operations declared
before summaries were written in their decorators (SUMMARIES, keyed by method and path so that a renamed
function keeps its text), and the error answers every operation can give, each with the ErrorOut body:
400 (bad input), 401 (not signed in, for signed-in operations), 403 (not allowed), 404 (no such object) and 409 (the state does not allow it, for writes).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

SUMMARIES: dict[str, str] = {
    "POST /api/auth/token": "登录取令牌 · Exchange a username and password for a bearer token",
    "GET /api/network/units": "实践阵地列表 · List units of the practice network",
    "GET /api/network/units/{unit_id}": "阵地详情 · A unit",
    "PATCH /api/network/units/{unit_id}": "修改阵地 · Change a unit",
    "POST /api/network/units/{unit_id}/children": "新建下级阵地 · Add a child unit",
    "GET /api/people/me": "我的账号 · Who am I",
    "GET /api/people/residents": "群众列表 · Residents in scope",
    "POST /api/people/residents": "代录群众 · Enter a resident (staff)",
    "GET /api/people/volunteers": "志愿者列表 · Volunteers in scope",
    "GET /api/people/teams": "志愿服务队 · Teams in scope",
    "GET /api/records/me/hours": "我的时长 · My hours and stars",
    "GET /api/records/me/points": "我的积分 · My points",
    "GET /api/notify/inbox": "消息 · My inbox",
    "GET /api/notify/unread": "未读消息数 · Unread count",
    "POST /api/notify/read": "标记已读 · Mark messages read",
    "GET /api/orders/": "我的点单 · My orders",
    "POST /api/orders/": "点单 · Submit an order",
    "GET /api/orders/queue": "梳理受理 · The unit's order queue",
    "GET /api/orders/hall": "接单大厅 · The order hall",
    "GET /api/orders/tasks": "我的任务 · Orders my teams hold or I serve",
    "GET /api/orders/follow-up": "回访 · Low ratings to follow up",
    "GET /api/orders/whistles": "吹哨任务 · Whistles to my department",
    "POST /api/orders/whistles/{whistle_id}/answer": "回应吹哨 · Answer a whistle",
    "GET /api/orders/similar": "相似点单 · Similar open orders",
    "GET /api/orders/{number}": "点单详情 · An order",
    "POST /api/orders/{number}/publish": "发布到接单大厅 · Publish into the hall",
    "POST /api/orders/{number}/withdraw": "撤回 · Withdraw from the hall",
    "POST /api/orders/{number}/dispatch": "派单 · Dispatch to a team",
    "POST /api/orders/{number}/reroute": "转办 · Reroute to another unit",
    "POST /api/orders/{number}/merge": "合并 · Merge into a duplicate",
    "POST /api/orders/{number}/reject": "驳回 · Reject, with a reason",
    "POST /api/orders/{number}/claim": "领单 · Claim from the hall",
    "POST /api/orders/{number}/accept": "接单 · Accept a dispatched order",
    "POST /api/orders/{number}/decline": "退单 · Decline, with a reason",
    "POST /api/orders/{number}/release": "放弃 · Release back to the hall",
    "POST /api/orders/{number}/assign": "指派志愿者 · Assign volunteers",
    "POST /api/orders/{number}/check-in": "签到 · Check in",
    "POST /api/orders/{number}/check-out": "签退 · Check out",
    "POST /api/orders/{number}/report": "服务反馈 · Report the service",
    "POST /api/orders/{number}/rate": "评单 · Rate the service",
    "POST /api/orders/{number}/return": "退回整改 · Return for rework",
    "POST /api/orders/{number}/verify": "验单 · Verify and credit hours",
    "POST /api/orders/{number}/cancel": "取消 · Cancel",
    "POST /api/orders/{number}/whistle": "吹哨 · Raise to the parent unit",
    "GET /api/matching/orders/{number}/teams": "推荐服务队 · Teams ranked for an order",
    "GET /api/activities/": "可报名活动 · Open activities",
    "GET /api/activities/{pk}": "活动详情 · An activity",
    "POST /api/activities/{pk}/signup": "报名 · Sign up",
    "POST /api/activities/{pk}/sign-in": "扫码签到 · Sign in with the QR token",
    "POST /api/activities/{pk}/sign-out": "扫码签退 · Sign out with the QR token",
    "GET /api/needs/rounds": "需求征集 · Needs rounds",
    "GET /api/needs/rounds/{round_id}/needs": "需求清单 · The needs of a round",
    "POST /api/needs/rounds/{round_id}/close": "结束征集 · Close a round, drafting the next",
    "GET /api/needs/surveys": "问卷 · Questionnaires",
    "GET /api/needs/surveys/by-token/{token}": "填写问卷 · A questionnaire to answer",
    "POST /api/needs/surveys/by-token/{token}/answer": "提交问卷 · Answer a questionnaire",
    "GET /api/garden/posts": "学习园地 · Study posts",
    "GET /api/garden/posts/{post_id}/comments": "留言 · Comments on a post",
    "POST /api/garden/posts/{post_id}/comments": "留言 · Comment on a post",
    "POST /api/garden/comments/{comment_id}/approve": "通过留言 · Approve a comment",
    "POST /api/garden/comments/{comment_id}/hide": "隐藏留言 · Hide a comment, with a reason",
    "POST /api/garden/comments/{comment_id}/restore": "恢复留言 · Restore a comment",
    "GET /api/brands/projects": "品牌项目 · Brand projects",
    "GET /api/brands/compliance": "品牌项目达标 · Which towns and industries have a brand project",
}

ERRORS = {
    "400": "输入有误 · Bad input",
    "401": "请先登录 · Not signed in",
    "403": "无权操作 · Not allowed",
    "404": "不存在 · Not found",
    "409": "状态不允许 · The state does not allow this",
    "429": "尝试过多 · Too many attempts, or the account is locked",
}


def _error_schema() -> dict[str, Any]:
    from civicloop.core.schemas import ErrorOut

    schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"title": "ErrorOut", "type": "object", "properties": schema["properties"], "required": ["detail"]}


def _tuples_as_arrays(node: Any) -> None:
    """`tuple[str, int]` answers (pairs such as label and count) are documented as arrays of exactly that many
    items, each one of the tuple's types: pydantic's `prefixItems` is JSON Schema 2020-12, which several OpenAPI
    tools (schemathesis among them) still read as draft 4 and reject."""
    if isinstance(node, dict):
        if isinstance(node.get("prefixItems"), list):
            kinds = node.pop("prefixItems")
            node["items"] = {"anyOf": kinds}
            node["minItems"] = node["maxItems"] = len(kinds)
        for value in node.values():
            _tuples_as_arrays(value)
    elif isinstance(node, list):
        for value in node:
            _tuples_as_arrays(value)


class CivicAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorOut", _error_schema())
        _tuples_as_arrays(schema)
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for path, methods in schema["paths"].items():
            for method, op in methods.items():
                key = f"{method.upper()} {path}"
                if key in SUMMARIES:
                    op["summary"] = SUMMARIES[key]
                signed_in = bool(op.get("security"))
                codes = ["400"]
                if signed_in:
                    codes += ["401", "403"]
                codes.append("404")  # an id in the path or the query that does not exist
                if method.upper() in ("POST", "PATCH", "PUT", "DELETE"):
                    codes.append("409")
                if path.startswith("/api/auth/"):  # sign-in doors: wrong password or code, lockout, limits
                    codes += [c for c in ("401", "403", "429") if c not in codes]
                elif "/register/" in path:  # registration is rate-limited too
                    codes.append("429")
                # ninja keys answers by int; the document (JSON) by string: one key per code
                responses = {str(code): answer for code, answer in op.get("responses", {}).items()}
                op["responses"] = responses
                for code in codes:
                    responses.setdefault(code, {"description": ERRORS[code], **ref})
        return schema
