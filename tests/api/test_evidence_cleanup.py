"""Uploads no return request took are deleted after a day, row and file."""

from datetime import timedelta

from django.conf import settings as django_settings
from django.utils import timezone

from saleor_returns.celery import app as celery_app
from saleor_returns.models import Evidence
from saleor_returns.requests import tasks as request_tasks
from tests.api.conftest import CREATE, create_input
from tests.evidence import png, upload


def test_the_beat_deletes_uploads_left_unattached_for_a_day(as_alice, alices_order, settings, tmp_path):
    # given: a photo a request took, one left behind a day ago, one uploaded just now
    settings.MEDIA_ROOT = tmp_path
    taken = upload(as_alice, png(), name="taken.png")["evidence"]["id"]
    data = create_input(alices_order, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = [taken]
    assert as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]["errors"] == []
    left = upload(as_alice, png(), name="left.png")["evidence"]["id"]
    fresh = upload(as_alice, png(), name="fresh.png")["evidence"]["id"]
    Evidence.objects.exclude(pk=fresh).update(created_at=timezone.now() - timedelta(hours=25))
    left_file = tmp_path / Evidence.objects.get(pk=left).file.name

    # when: the beat's task runs (twice: it is safe to)
    task_name = django_settings.CELERY_BEAT_SCHEDULE["delete-unattached-evidence"]["task"]
    celery_app.tasks[task_name].apply().get()
    request_tasks.delete_unattached_evidence_task.apply().get()

    # then
    assert sorted(str(pk) for pk in Evidence.objects.values_list("pk", flat=True)) == sorted([taken, fresh])
    assert not left_file.exists()
    assert sorted(path.name for path in tmp_path.rglob("*.png")) == ["fresh.png", "taken.png"]
