"""Excel export of a call's entries with their scores (openpyxl, imported when a file is asked for)."""

from __future__ import annotations

import io

from django.utils import timezone

from civicloop.contests.models import Call, Judge, Score


def entries_workbook(call: Call) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from civicloop.contests.workflow import ENTRY

    wb = Workbook()
    ws = wb.active
    ws.title = "作品"
    stages = [s for s, _label in Judge.Stage.choices]
    judges = {s: list(call.judges.filter(stage=s).order_by("pk")) for s in stages}
    head = ["收稿编号", "标题", "类别", "来源", "作者", "单位", "字数", "状态", "提交时间"]
    for stage in stages:
        head += [f"{'初评' if stage == 'first' else '复评'}·{j.user.display_name}" for j in judges[stage]]
    head += ["得分（去掉最高最低后平均）", "名次", "奖项"]
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    scores = {(s.entry_id, s.judge_id): s.total for s in Score.objects.filter(entry__call=call)}
    for e in call.entries.exclude(status="draft").order_by("submitted_at", "pk"):
        row = [
            e.number or "", e.title, e.category, e.get_source_display(), e.author_name or e.nominee_name,
            e.organisation, e.length, str(ENTRY.state(e).label),
            timezone.localtime(e.submitted_at).strftime("%Y-%m-%d %H:%M") if e.submitted_at else "",
        ]
        for stage in stages:
            row += [float(scores[(e.pk, j.pk)]) if (e.pk, j.pk) in scores else None for j in judges[stage]]
        row += [float(e.score) if e.score is not None else None, e.rank, e.get_award_display() if e.award else ""]
        ws.append(row)
    ws.freeze_panes = "A2"
    for column, width in (("A", 20), ("B", 36), ("E", 12), ("F", 24)):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
