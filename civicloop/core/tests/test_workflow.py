"""A throwaway workflow on a test model gets its moves, events, audit rows, action panel and API step endpoints
(200/400/403/409) from the declaration alone."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.template import Context, Template
from django.test import RequestFactory
from ninja import NinjaAPI, Router
from ninja.testing import TestClient

from civicloop.audit.models import AuditEvent
from civicloop.core.exceptions import Conflict
from civicloop.core.models import WorkflowEvent
from civicloop.core.workflow import HELD, TERMINAL, Notice, State, Step, Workflow
from civicloop.notify.models import Notification


class Probe(models.Model):
    title = models.CharField(max_length=50)
    status = models.CharField(max_length=16, default="draft")
    version = models.PositiveIntegerField(default=0)
    # core has no migrations: its test tables are created before the migrated apps' tables, so on PostgreSQL a
    # foreign-key constraint to them could not be added yet (db_constraint=False here and on the event's keys)
    owner = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    score = models.IntegerField(default=0)

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return self.title


class ProbeEvent(WorkflowEvent):
    subject = models.ForeignKey(Probe, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    unit = models.ForeignKey(
        "network.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )

    class Meta(WorkflowEvent.Meta):
        app_label = "core"


class ScoreForm(forms.Form):
    score = forms.IntegerField(min_value=1, max_value=10, label="score")
    note = forms.CharField(required=False)


def _owner(actor, probe) -> bool:
    return actor.pk == probe.owner_id


PROBE = Workflow(
    name="core.probe",
    model=Probe,
    event_model=ProbeEvent,
    unit=lambda p: None,
    url=lambda p: f"/probe/{p.pk}/",
    states=[
        State("draft", "Draft", badge="blue"),
        State("scored", "Scored", badge="gold", kind=HELD),
        State("done", "Done", badge="green", kind=TERMINAL),
    ],
    steps=[
        Step(
            "score",
            "Score it",
            sources={"draft"},
            target="scored",
            allowed=_owner,
            form=ScoreForm,
            changes=lambda ctx: {"score": ctx.data["score"]},
            notify=lambda ctx, e: [Notice(recipients=[ctx.obj.owner], kind="probe_scored", title="scored")],
        ),
        Step("comment", "Comment", sources={"draft", "scored"}, target=None, allowed=_owner, note="required"),
        Step("finish", "Finish", sources={"scored"}, target="done", allowed=_owner, style="secondary"),
    ],
)


# a step whose conditional update also asks for a low score (a field other writes move without a version bump)
GATED = Workflow(
    name="core.probe_gated",
    model=Probe,
    event_model=ProbeEvent,
    unit=lambda p: None,
    states=[State("draft", "Draft"), State("done", "Done", kind=TERMINAL)],
    steps=[
        Step("finish", "Finish", sources={"draft"}, target="done", allowed=_owner, where=models.Q(score__lt=5),
             taken_message="Too late for this."),
    ],
)


@pytest.fixture(scope="session")
def _probe_tables(django_db_setup, django_db_blocker):
    """The throwaway models' tables, created once per test database outside any transaction (SQLite's schema
    editor cannot run inside one)."""
    with django_db_blocker.unblock():
        existing = set(connection.introspection.table_names())
        with connection.schema_editor() as editor:
            for model in (Probe, ProbeEvent):
                if model._meta.db_table not in existing:
                    editor.create_model(model)


@pytest.fixture
def probe_table(_probe_tables, db):
    assert Probe._meta.db_table in connection.introspection.table_names()


pytestmark = pytest.mark.django_db


def test_step_moves_writes_event_audit_and_outbox(personas, probe_table):
    probe = Probe.objects.create(title="t", owner=personas.volunteer)
    event = PROBE.run("score", probe, actor=personas.volunteer, data={"score": "7", "note": "good"})
    probe.refresh_from_db()
    assert (probe.status, probe.version, probe.score) == ("scored", 1, 7)
    assert (event.from_status, event.to_status, event.step, event.note) == ("draft", "scored", "score", "good")
    assert AuditEvent.objects.filter(action="core.probe.score", object_id=str(probe.pk)).exists()
    assert Notification.objects.filter(kind="probe_scored", recipient=personas.volunteer).count() == 1
    # a record-only step keeps the state and asks for its reason
    with pytest.raises(ValidationError):
        PROBE.run("comment", probe, actor=personas.volunteer, data={})
    PROBE.run("comment", probe, actor=personas.volunteer, data={"note": "why"})
    assert [e.step for e in PROBE.events(probe)] == ["score", "comment"]
    probe.refresh_from_db()
    assert probe.status == "scored"


def test_wrong_state_actor_and_input_write_nothing(personas, probe_table):
    probe = Probe.objects.create(title="t", owner=personas.volunteer)
    with pytest.raises(Conflict):
        PROBE.run("finish", probe, actor=personas.volunteer)
    with pytest.raises(PermissionDenied):
        PROBE.run("score", probe, actor=personas.outsider, data={"score": 3})
    with pytest.raises(ValidationError) as bad:
        PROBE.run("score", probe, actor=personas.volunteer, data={"score": "99"})
    assert "score" in bad.value.error_dict
    probe.refresh_from_db()
    assert (probe.status, probe.version) == ("draft", 0)
    assert ProbeEvent.objects.count() == 0


def test_stale_copy_loses(personas, probe_table):
    probe = Probe.objects.create(title="t", owner=personas.volunteer)
    first, second = Probe.objects.get(pk=probe.pk), Probe.objects.get(pk=probe.pk)
    PROBE.run("score", first, actor=personas.volunteer, data={"score": 5})
    with pytest.raises(Conflict):
        PROBE.run("score", second, actor=personas.volunteer, data={"score": 6})
    assert ProbeEvent.objects.filter(step="score").count() == 1
    assert Probe.objects.get(pk=probe.pk).score == 5


def test_panel_lists_only_the_steps_the_viewer_may_take(personas, probe_table):
    probe = Probe.objects.create(title="t", owner=personas.volunteer)
    request = RequestFactory().get("/")
    template = Template("{% load workflow_tags %}{% workflow_badge probe %}{% workflow_panel probe url %}")
    request.user = personas.volunteer
    html = template.render(Context({"probe": probe, "url": "/probe/1/STEP/", "request": request}))
    assert "Score it" in html and 'action="/probe/1/score/"' in html and 'name="score"' in html
    assert "Finish" not in html and "badge-blue" in html
    request.user = personas.outsider
    html = template.render(Context({"probe": probe, "url": "/probe/1/STEP/", "request": request}))
    assert "Score it" not in html


def test_api_steps_answer_200_400_403_409(personas, probe_table):
    from civicloop.api import api as real_api

    router = Router()
    PROBE.add_api_steps(router, "/probes", lambda request, id: Probe.objects.get(pk=id))
    probe_api = NinjaAPI(urls_namespace="probe-test")
    probe_api._exception_handlers = real_api._exception_handlers
    probe_api.add_router("/", router)
    client = TestClient(probe_api)
    probe = Probe.objects.create(title="t", owner=personas.volunteer)
    bad = client.post(f"/probes/{probe.pk}/score", json={"score": 0}, user=personas.volunteer)
    assert bad.status_code == 400 and "score" in bad.json()["errors"]
    assert client.post(f"/probes/{probe.pk}/score", json={"score": 4}, user=personas.outsider).status_code == 403
    ok = client.post(f"/probes/{probe.pk}/score", json={"score": 4}, user=personas.volunteer)
    assert ok.status_code == 200 and ok.json()["status"] == "scored"
    again = client.post(f"/probes/{probe.pk}/score", json={"score": 4}, user=personas.volunteer)
    assert again.status_code == 409
    paths = probe_api.get_openapi_schema(path_prefix="")["paths"]
    assert {"/probes/{id}/score", "/probes/{id}/comment", "/probes/{id}/finish"} <= set(paths)


def test_a_form_encoded_body_on_a_step_endpoint_is_400_not_500(client, personas):
    """Step endpoints read JSON; `curl -F` or a browser form there gets a message, not a server error."""
    client.force_login(personas.station_staff)
    r = client.post("/api/orders/KD-00000000-0000/publish", {"note": "x"})  # multipart, as the test client sends
    assert r.status_code in (400, 404) and r.json()["detail"]


def test_a_step_condition_joins_the_conditional_update(personas, probe_table):
    probe = Probe.objects.create(title="t", owner=personas.volunteer)
    Probe.objects.filter(pk=probe.pk).update(score=7)  # another write moved the field; the version stayed
    with pytest.raises(Conflict, match="Too late for this"):
        GATED.run("finish", probe, actor=personas.volunteer)
    probe.refresh_from_db()
    assert (probe.status, probe.version) == ("draft", 0)
    assert not ProbeEvent.objects.filter(subject=probe).exists()
    Probe.objects.filter(pk=probe.pk).update(score=1)
    GATED.run("finish", probe, actor=personas.volunteer)
    probe.refresh_from_db()
    assert (probe.status, probe.version) == ("done", 1)


def test_prefetched_events_feed_a_list_of_timelines_without_a_query_per_row(
    personas, probe_table, django_assert_num_queries
):
    probes = [Probe.objects.create(title=f"t{i}", owner=personas.volunteer) for i in range(3)]
    for probe in probes:
        PROBE.run("score", probe, actor=personas.volunteer, data={"score": "3"})
    rows = list(Probe.objects.filter(pk__in=[p.pk for p in probes]).prefetch_related("events__actor", "events__unit"))
    with django_assert_num_queries(0):
        html = "".join(
            Template("{% load workflow_tags %}{% workflow_timeline p %}").render(Context({"p": row})) for row in rows
        )
    assert html.count("Score it") == 3


def test_a_step_names_the_deadlines_it_starts_and_stops(personas):
    """One deadline field (the workflow's) or several named ones; a name the model lacks is refused."""

    def due(ctx):
        return None

    def step(**kw):
        return Step("s", "S", sources={"draft"}, target="done", allowed=_owner, **kw)

    assert step(starts_deadline=due).deadlines("due_at") == ({"due_at": due}, frozenset())
    assert step(stops_deadline=True).deadlines("due_at") == ({}, frozenset({"due_at"}))
    assert step(starts_deadline={"score": due}, stops_deadline={"title"}).deadlines("due_at") == (
        {"score": due}, frozenset({"title"})
    )
    states = [State("draft", "Draft"), State("done", "Done", kind=TERMINAL)]
    with pytest.raises(ValueError, match="unknown deadline fields"):
        Workflow(name="core.bad", model=Probe, event_model=None, states=states,
                 steps=[step(stops_deadline={"nope"})])
