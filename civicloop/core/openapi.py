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
    # the operations merged in session 2 (teams, venues, contests, campaigns, plans, settings)
    "DELETE /api/orders/settings/units/{id}": "恢复继承的单位设置 · Drop a unit's own settings (inherit again)",
    "GET /api/campaigns/campaigns": "创城活动列表 · List civilised-city campaigns",
    "GET /api/campaigns/campaigns/{id}": "创城活动详情 · A campaign",
    "GET /api/campaigns/campaigns/{id}/annual": "年度测评汇总 · A campaign's annual assessment summary",
    "GET /api/campaigns/campaigns/{id}/assessment": "测评得分 · A campaign's assessment scores",
    "GET /api/campaigns/campaigns/{id}/bulletins": "通报列表 · A campaign's bulletins",
    "GET /api/campaigns/campaigns/{id}/exposures": "曝光列表 · A campaign's exposures",
    "GET /api/campaigns/campaigns/{id}/liaisons": "包联干部列表 · A campaign's liaison assignments",
    "GET /api/campaigns/campaigns/{id}/problems": "问题列表 · A campaign's problems",
    "GET /api/campaigns/campaigns/{id}/visits": "走访记录 · A campaign's liaison visits",
    "GET /api/campaigns/exposure": "曝光台（公开） · The public exposure board",
    "GET /api/campaigns/exposures/{id}": "曝光详情 · An exposure",
    "GET /api/campaigns/problems/{id}": "问题详情 · A problem",
    "GET /api/campaigns/tasks/{id}": "督查任务详情 · An inspection task",
    "GET /api/contests/calls": "征集活动列表 · List contest calls",
    "GET /api/contests/calls/{id}": "征集活动详情 · A contest call",
    "GET /api/contests/calls/{id}/bursts": "可疑投票 · Suspicious vote bursts of a call",
    "GET /api/contests/calls/{id}/entries": "作品列表 · A call's entries",
    "GET /api/contests/calls/{id}/figures": "征集统计 · A call's figures",
    "GET /api/contests/calls/{id}/results": "评选结果 · A call's results",
    "GET /api/contests/certificates/{code}": "核验证书 · Verify a certificate",
    "GET /api/contests/entries/{id}": "作品详情 · An entry",
    "GET /api/contests/entries/{id}/certificate": "获奖证书PDF · An entry's certificate as PDF",
    "GET /api/contests/mail": "邮件投稿待处理 · The queue of e-mailed entries to handle",
    "GET /api/contests/mine": "我的投稿 · My entries",
    "GET /api/network/coverage": "阵地覆盖率 · Coverage of the network",
    "GET /api/network/rooms/{id}/bookings": "场地预约列表 · A room's bookings",
    "GET /api/network/venues": "场地列表 · List venues",
    "GET /api/network/venues/{id}": "场地详情 · A venue",
    "GET /api/orders/settings/units/{id}": "单位设置 · A unit's order settings",
    "GET /api/orders/whistles/figures": "吹哨统计 · Whistle figures by department",
    "GET /api/people/me/export": "导出我的数据 · Export my data",
    "GET /api/people/teams/{id}": "志愿服务队详情 · A team",
    "GET /api/people/teams/{id}/members": "队员列表 · A team's members",
    "GET /api/people/teams/{id}/requests": "入队申请 · A team's join requests",
    "GET /api/plans/committees": "文明委列表 · List committees",
    "GET /api/plans/committees/{id}": "文明委详情 · A committee",
    "GET /api/plans/committees/{id}/completion": "任务完成情况 · A committee's completion figures",
    "GET /api/plans/committees/{id}/members": "成员单位 · A committee's members",
    "GET /api/plans/evidence/{id}": "佐证材料 · A piece of evidence",
    "GET /api/plans/followups": "督办事项列表 · List follow-ups",
    "GET /api/plans/followups/{id}": "督办事项详情 · A follow-up",
    "GET /api/plans/meetings": "会议列表 · List meetings",
    "GET /api/plans/meetings/{id}": "会议详情 · A meeting",
    "GET /api/plans/plans": "工作要点列表 · List work plans",
    "GET /api/plans/plans/{id}": "工作要点详情 · A work plan",
    "GET /api/plans/projects": "实事项目列表 · List practical projects",
    "GET /api/plans/projects/{id}": "实事项目详情 · A practical project",
    "GET /api/plans/projects/{id}/reports": "项目进展报告 · A project's progress reports",
    "GET /api/plans/year-reports": "成员单位年度报告列表 · List member units' year reports",
    "GET /api/plans/year-reports/{id}": "年度报告详情 · A year report",
    "PATCH /api/people/me/details": "修改我的资料 · Change my details",
    "PATCH /api/people/residents/{id}": "更正群众资料 · Correct a resident's details",
    "PATCH /api/people/teams/{id}": "修改志愿服务队 · Change a team",
    "POST /api/campaigns/campaigns/{id}/bulletins": "发布通报 · Issue a bulletin",
    "POST /api/campaigns/campaigns/{id}/exposures": "提请曝光 · Propose an exposure",
    "POST /api/campaigns/campaigns/{id}/liaisons": "指派包联干部 · Assign a liaison",
    "POST /api/campaigns/campaigns/{id}/problems": "督查立案 · File a problem found on inspection",
    "POST /api/campaigns/campaigns/{id}/reports": "群众随手拍 · Report a problem",
    "POST /api/campaigns/campaigns/{id}/tasks": "新建督查任务 · Create an inspection task",
    "POST /api/campaigns/liaisons/{id}/visits": "登记走访 · Log a liaison visit",
    "POST /api/campaigns/problems/{id}/photos": "上传问题照片 · Add a photo to a problem",
    "POST /api/contests/calls": "新建征集活动 · Create a contest call",
    "POST /api/contests/calls/{id}/advance": "推进征集阶段 · Advance a call to its next stage",
    "POST /api/contests/calls/{id}/discounts": "剔除可疑投票 · Discount suspicious votes",
    "POST /api/contests/calls/{id}/entries": "投稿 · Submit an entry",
    "POST /api/contests/calls/{id}/judges": "添加评委 · Add a judge",
    "POST /api/contests/calls/{id}/unit-awards": "评定优秀组织奖 · Give a unit award",
    "POST /api/contests/entries/{id}": "修改作品 · Change an entry",
    "POST /api/contests/entries/{id}/objections": "提出异议 · Object to an entry during 公示",
    "POST /api/contests/entries/{id}/scores": "评分 · Score an entry",
    "POST /api/contests/entries/{id}/votes": "点赞 · Vote for a candidate",
    "POST /api/contests/judges/{id}/declaration": "评委声明 · A judge's declaration of interests",
    "POST /api/contests/judges/{id}/recusals": "评委回避 · A judge recuses from an entry",
    "POST /api/contests/mail/{id}/handled": "标记邮件已处理 · Mark an e-mailed entry handled",
    "POST /api/contests/objections/{id}/answer": "答复异议 · Answer an objection",
    "POST /api/network/bookings/{id}/cancel": "取消预约 · Cancel a booking",
    "POST /api/network/places/{place_id}/link": "关联阵地 · Link a place to its unit",
    "POST /api/network/rooms/{id}/bookings": "预约场地 · Book a room",
    "POST /api/network/units/{id}/venues": "新建场地 · Add a venue to a unit",
    "POST /api/network/venues/{id}/rooms": "新建功能室 · Add a room to a venue",
    "POST /api/people/me/phone": "更换手机号 · Start changing my phone number",
    "POST /api/people/me/phone/confirm": "确认新手机号 · Confirm my new phone number",
    "POST /api/people/me/resident": "成为群众用户 · Become a resident too",
    "POST /api/people/me/volunteer/erase": "注销志愿者信息 · Erase my volunteer data",
    "POST /api/people/teams": "创建志愿服务队 · Found a team",
    "POST /api/people/teams/{id}/apply": "申请入队 · Apply to join a team",
    "POST /api/people/teams/{id}/invite": "邀请入队 · Invite a volunteer to a team",
    "POST /api/plans/committees": "新建文明委 · Create a committee",
    "POST /api/plans/committees/{id}/members": "添加成员单位 · Add a member unit",
    "POST /api/plans/meetings": "新建会议 · Create a meeting",
    "POST /api/plans/meetings/{id}/agenda": "添加议题 · Add an agenda item",
    "POST /api/plans/meetings/{id}/followups": "添加督办事项 · Add a follow-up",
    "POST /api/plans/meetings/{id}/resolutions": "记录决议 · Record a resolution",
    "POST /api/plans/milestones/{id}/done": "完成节点 · Mark a milestone done",
    "POST /api/plans/plans": "新建工作要点 · Create a work plan",
    "POST /api/plans/plans/{id}/items": "添加要点条目 · Add a plan item",
    "POST /api/plans/projects": "新建实事项目 · Create a practical project",
    "POST /api/plans/projects/{id}/milestones": "添加项目节点 · Add a project milestone",
    "POST /api/plans/projects/{id}/reports": "报送项目进展 · File a progress report",
    "POST /api/plans/year-reports": "保存年度报告 · Save a year report",
    "PUT /api/campaigns/campaigns/{id}/weights": "设置测评权重 · Set assessment weights",
    "PUT /api/orders/settings/units/{id}": "保存单位设置 · Save a unit's order settings",
    "PUT /api/plans/items/{id}": "修改要点条目 · Change a plan item",
    "PUT /api/plans/meetings/{id}/minutes": "保存会议纪要 · Save a meeting's minutes",
}

ERRORS = {
    "400": "输入有误 · Bad input",
    "401": "请先登录 · Not signed in",
    "403": "无权操作 · Not allowed",
    "404": "不存在 · Not found",
    "409": "状态不允许 · The state does not allow this",
    "429": "尝试过多 · Too many attempts, or the account is locked",
}


def _error_examples() -> dict[str, dict[str, Any]]:
    """One example body per error answer, in the document's language: the messages the API really gives."""
    from django.utils.translation import gettext as _

    return {
        "400": {
            "detail": _("Some fields are not valid: %(fields)s") % {"fields": "title"},
            "errors": {"title": [_("This field is required.")]},
        },
        "401": {"detail": _("Please sign in first.")},
        "403": {"detail": _("You do not have permission to do this.")},
        "404": {"detail": _("Not found.")},
        "409": {"detail": _("Someone else changed this just now. Reload and try again.")},
        "429": {"detail": _("Too many attempts. Please wait a few minutes and try again.")},
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
        # Mounted at /api/ by civicloop.api_entry, outside the root URLconf, where ninja would look it up.
        path_prefix = "/api/" if path_prefix is None else path_prefix
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorOut", _error_schema())
        _tuples_as_arrays(schema)
        examples = _error_examples()
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
                    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
                    responses.setdefault(code, {"description": ERRORS[code], **ref})
                for code, answer in responses.items():
                    body = answer.get("content", {}).get("application/json")
                    if code in examples and body is not None and "example" not in body:
                        body["example"] = examples[code]
        return schema
