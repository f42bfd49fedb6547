#!/usr/bin/env python3
"""Drive a whole activity and a whole needs round through CivicLoop's JSON API alone, over real HTTP.

    python docs/api_walkthrough.py --base http://127.0.0.1:8000 --station 3 \
        --staff station --volunteer volunteer --resident resident --password '...' [--otp-secret BASE32]

Activity: create → publish → a volunteer signs up → QR sign-in and sign-out (the organiser's console code) →
roll call → close → the volunteer's hours are credited. Needs round: open → a need → a questionnaire with a
question → publish → a resident answers, a paper copy is entered → results and analysis → close, drafting the
next round. Staff accounts with a second factor pass it with a TOTP code computed from --otp-secret.

Only the standard library: this is what a county's media app or a mini program would do. Exit status 0 when
every step answered as expected; the first unexpected answer is printed and the script exits 1. CI runs it
against a live server (civicloop/core/tests/test_api_walkthrough.py).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import struct
import sys
import time
import urllib.error
import urllib.request
from typing import Any


class Step(Exception):
    pass


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (30 s, 6 digits, SHA-1), as an authenticator app shows it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


class Client:
    def __init__(self, base: str, token: str = "") -> None:
        self.base = base.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        req.add_header("Accept-Language", "zh-hans")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        answer = json.loads(raw) if raw else None
        if status != expect:
            raise Step(f"{method} {path}: expected {expect}, got {status}: {answer}")
        return answer


def sign_in(base: str, username: str, password: str, otp_secret: str = "") -> Client:
    body: dict[str, Any] = {"username": username, "password": password}
    if otp_secret:
        body["otp"] = totp(otp_secret)
    return Client(base, Client(base).call("POST", "/api/auth/token", body)["token"])


def activity(staff: Client, volunteer: Client, station: int) -> None:
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    created = staff.call(
        "POST",
        "/api/activities/",
        {
            "unit": station,
            "category": "health",
            "title": "API 走查：健康义诊",
            "place": "社区广场",
            # under way now, so that the QR codes and closing are open in a short run
            "starts_at": (now - dt.timedelta(hours=2)).isoformat(),
            "ends_at": (now + dt.timedelta(hours=1)).isoformat(),
            "roles": "志愿者 5",
        },
        expect=201,
    )
    pk = created["id"]
    staff.call("POST", f"/api/activities/{pk}/publish")
    signup = volunteer.call("POST", f"/api/activities/{pk}/signup", {}, expect=201)
    code_in = staff.call("GET", f"/api/activities/{pk}/qr/in")["token"]
    volunteer.call("POST", f"/api/activities/{pk}/sign-in", {"token": code_in})
    code_out = staff.call("GET", f"/api/activities/{pk}/qr/out")["token"]
    volunteer.call("POST", f"/api/activities/{pk}/sign-out", {"token": code_out})
    # the organiser confirms the volunteer served the whole activity (roll call)
    staff.call("POST", f"/api/activities/signups/{signup['id']}/roll-call", {"present": True})
    before = volunteer.call("GET", "/api/records/me/hours")["total_hours"]
    closed = staff.call("POST", f"/api/activities/{pk}/close", {"people_served": 30, "summary": "义诊 30 人"})
    if closed["status"] != "closed" or closed["credited"] != 1:
        raise Step(f"close: {closed}")
    after = volunteer.call("GET", "/api/records/me/hours")["total_hours"]
    if float(after) - float(before) != 3.0:
        raise Step(f"hours: {before} → {after}, expected 3 more")
    print(f"activity {pk}: closed, 3 h credited")


def needs_round(staff: Client, resident: Client, station: int) -> None:
    today = dt.date.today()
    rnd = staff.call(
        "POST",
        "/api/needs/rounds",
        {
            "unit": station,
            "title": "API 走查：需求征集",
            "starts_on": (today - dt.timedelta(days=7)).isoformat(),
            "ends_on": (today + dt.timedelta(days=7)).isoformat(),
        },
        expect=201,
    )
    rid = rnd["id"]
    staff.call("POST", f"/api/needs/rounds/{rid}/needs", {"unit": station, "description": "希望开设书法课"}, expect=201)
    survey = staff.call(
        "POST", "/api/needs/surveys", {"unit": station, "title": "API 走查：问卷", "round": rid}, expect=201
    )
    sid = survey["id"]
    question = staff.call(
        "POST",
        f"/api/needs/surveys/{sid}/questions",
        {"kind": "single", "text": "您最需要哪类服务？", "options": "健康\n文化"},
        expect=201,
    )
    staff.call("POST", f"/api/needs/surveys/{sid}/publish")
    token = staff.call("GET", f"/api/needs/surveys/{sid}")["token"]
    resident.call("POST", f"/api/needs/surveys/by-token/{token}/answer", {"answers": {str(question["id"]): "文化"}}, expect=201)
    staff.call("POST", f"/api/needs/surveys/{sid}/paper", {"answers": {str(question["id"]): "健康"}}, expect=201)
    results = staff.call("GET", f"/api/needs/surveys/{sid}/results")
    if dict(map(tuple, results[0]["bars"])) != {"健康": 1, "文化": 1}:
        raise Step(f"results: {results}")
    analysis = staff.call("GET", f"/api/needs/analysis?unit={station}")
    if analysis["total"] < 1:
        raise Step(f"analysis: {analysis}")
    staff.call("POST", f"/api/needs/surveys/{sid}/close")
    nxt = staff.call("POST", f"/api/needs/rounds/{rid}/close")
    if nxt["drafted_from_id"] != rid:
        raise Step(f"next round: {nxt}")
    print(f"needs round {rid}: closed, next round {nxt['id']} drafted")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", default="http://127.0.0.1:8000")
    p.add_argument("--station", type=int, required=True, help="id of the station that organises")
    p.add_argument("--staff", required=True)
    p.add_argument("--volunteer", required=True)
    p.add_argument("--resident", required=True)
    p.add_argument("--password", required=True, help="the password of all three accounts")
    p.add_argument("--otp-secret", default="", help="the staff account's TOTP secret (base32), if enrolled")
    a = p.parse_args(argv)
    try:
        staff = sign_in(a.base, a.staff, a.password, a.otp_secret)
        volunteer = sign_in(a.base, a.volunteer, a.password)
        resident = sign_in(a.base, a.resident, a.password)
        activity(staff, volunteer, a.station)
        needs_round(staff, resident, a.station)
    except Step as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print("walkthrough passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
