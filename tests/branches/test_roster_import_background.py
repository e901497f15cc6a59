"""Large roster files go to a background task (issue 3/10): the same dry run, confirm and
all-or-nothing rule as the in-request import, with a progress page. Tests use the immediate
task backend (the task runs inline) and a threshold of a few bytes."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from branches import resources
from branches.actions import roster_import_job_run
from branches.models import ImportJobState, Member, RosterImport, RosterImportJob
from branches.resources import MemberResource
from tests.branches.test_roster_import import (
    CSV,
    IMPORT,
    confirm,
    csv_file,
    good_rows,
    xlsx_file,
)
from tests.conftest import make_user, with_totp


def job_url(job, confirm=False):
    name = "admin:branches_member_import_job" + ("_confirm" if confirm else "")
    return reverse(name, args=[job.pk])


@pytest.fixture
def background(settings, tmp_path):
    settings.ROSTER_IMPORT_BACKGROUND_BYTES = 100
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world(street_a, street_b, rider_branch, committee_a, enterprise):
    return rider_branch


def upload(client, data, fmt=CSV):
    return client.post(IMPORT, {"format": fmt, "import_file": data, "resource": 0})


@pytest.mark.django_db
class TestBackgroundImport:
    def test_large_file_is_checked_in_the_background_then_confirmed(
        self, client, district_admin, world, background
    ):
        client.force_login(district_admin)
        response = upload(client, csv_file(good_rows(), encoding="gb18030"))
        job = RosterImportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == job_url(job)
        assert job.state == ImportJobState.CHECKED and job.dry_run
        assert (job.total_rows, job.processed_rows, job.new_rows) == (3, 3, 3)
        assert len(job.sha256) == 64 and job.upload.name.startswith("roster-imports/")
        assert default_storage.exists(job.upload.name)  # waits in storage for the confirm
        assert Member.objects.count() == 0
        assert RosterImport.objects.get().dry_run

        html = client.get(job_url(job)).content.decode()
        assert 'value="100"' in html and "确认导入" in html and 'http-equiv="refresh"' not in html

        response = client.post(job_url(job, confirm=True))
        assert response["Location"] == job_url(job)
        job.refresh_from_db()
        assert job.state == ImportJobState.IMPORTED and not job.dry_run
        assert sorted(Member.objects.values_list("name", flat=True)) == ["张三", "李四", "王五"]
        assert not job.upload and not any(background.rglob("*.csv"))  # the file is gone
        records = list(RosterImport.objects.order_by("pk").values_list("outcome", "new_rows"))
        assert records == [("checked", 3), ("imported", 3)]
        assert "导入完成" in client.get(job_url(job)).content.decode()
        jobs = client.get(reverse("admin:branches_rosterimportjob_changelist")).content.decode()
        assert "名册.csv" in jobs and job_url(job) in jobs

    def test_one_bad_row_writes_nothing_names_the_row_and_cannot_be_confirmed(
        self, client, district_admin, world, background
    ):
        bad = (
            "赵六",
            "男",
            "13600136000",
            "正式党员",
            "不存在的支部",
            "外卖骑手",
            "",
            "五角场街道",
            "",
            "否",
        )
        rows = [*good_rows(), bad]
        client.force_login(district_admin)
        upload(client, xlsx_file(rows), fmt=0)
        job = RosterImportJob.objects.get()
        assert job.state == ImportJobState.CHECK_FAILED
        assert (job.error_rows, [row["line"] for row in job.errors]) == (1, [5])
        html = client.get(job_url(job)).content.decode()
        assert "不存在的支部" in html and 'data-line="5"' in html and "确认导入" not in html
        response = client.post(job_url(job, confirm=True), follow=True)
        assert "不在等待确认" in response.content.decode()
        assert Member.objects.count() == 0 and not job.upload

    def test_unreadable_file_is_a_clear_error(self, client, district_admin, world, background):
        client.force_login(district_admin)
        data = csv_file(good_rows())
        data.name = "名册.xlsx"
        upload(client, data, fmt=0)  # CSV bytes sent as XLSX
        job = RosterImportJob.objects.get()
        assert job.state == ImportJobState.CHECK_FAILED and "XLSX" in job.message

    def test_a_file_changed_after_its_dry_run_is_not_imported(
        self, client, district_admin, world, background
    ):
        client.force_login(district_admin)
        upload(client, csv_file(good_rows()))
        job = RosterImportJob.objects.get()
        with default_storage.open(job.upload.name, "wb") as stored:
            stored.write(csv_file(good_rows()[:1]).getvalue())
        client.post(job_url(job, confirm=True))
        job.refresh_from_db()
        assert job.state == ImportJobState.ROLLED_BACK and "改动" in job.message
        assert Member.objects.count() == 0

    def test_an_unexpected_error_fails_the_job_and_says_so(
        self, client, district_admin, world, background, monkeypatch
    ):
        def broken(self, *args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(MemberResource, "import_data", broken)
        client.force_login(district_admin)
        upload(client, csv_file(good_rows()))
        job = RosterImportJob.objects.get()
        assert job.state == ImportJobState.FAILED and "意外错误" in job.message
        assert not job.upload and Member.objects.count() == 0
        html = client.get(job_url(job)).content.decode()
        assert "意外错误" in html and "确认导入" not in html

    def test_running_job_shows_a_progress_bar_and_refreshes(self, client, district_admin):
        job = RosterImportJob.objects.create(
            user=district_admin,
            file_name="大名册.xlsx",
            file_format="xlsx",
            file_size=5_000_000,
            state=ImportJobState.RUNNING,
            total_rows=10_000,
            processed_rows=4_000,
        )
        client.force_login(district_admin)
        html = client.get(job_url(job)).content.decode()
        assert '<progress id="roster-import-progress" max="100" value="40">' in html
        assert '<meta http-equiv="refresh" content="2">' in html and "4000 / 10000" in html
        assert "<script>" not in html.split("<body")[1].split("</body>")[0]
        assert roster_import_job_run(job_id=job.pk) == ImportJobState.RUNNING  # not queued
        assert "没有进展" not in html
        an_hour_ago = job.updated_at - datetime.timedelta(hours=1)
        RosterImportJob.objects.filter(pk=job.pk).update(updated_at=an_hour_ago)
        assert "没有进展" in client.get(job_url(job)).content.decode()

    def test_small_files_stay_in_the_request(self, client, district_admin, world, settings):
        client.force_login(district_admin)
        response = upload(client, csv_file(good_rows()))
        assert response.status_code == 200 and "confirm_form" in response.context
        confirm(client, response)
        assert RosterImportJob.objects.count() == 0
        # The new rows got their ids (PostgreSQL: COPY, then the ids by phone): the admin's
        # history names each member.
        from django.contrib.admin.models import LogEntry

        members = {str(pk) for pk in Member.objects.values_list("pk", flat=True)}
        logged = set(LogEntry.objects.values_list("object_id", flat=True))
        assert len(members) == 3 and members <= logged


@pytest.mark.django_db
class TestJobPagesAccess:
    @pytest.fixture
    def job(self, district_admin):
        return RosterImportJob.objects.create(
            user=district_admin, file_name="a.csv", file_format="csv", file_size=1
        )

    def test_anonymous_goes_to_sign_in(self, client, job):
        response = client.get(job_url(job))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_another_district_admin_gets_404_and_others_no_entry(self, client, job, district_admin):
        from django.contrib.auth.models import Group

        other = with_totp(make_user("district2", is_staff=True))
        other.groups.add(Group.objects.get(name="district admin"))
        client.force_login(other)
        assert client.get(job_url(job)).status_code == 404
        assert client.post(job_url(job, confirm=True)).status_code == 404
        staff = make_user("plainstaff", is_staff=True)  # staff without the import right
        client.force_login(staff)
        assert client.get(job_url(job)).status_code == 403
        job.refresh_from_db()
        assert job.state == ImportJobState.QUEUED

    @pytest.mark.parametrize("persona", ["member", "street_organizer", "station_staff"])
    def test_people_without_the_admin_go_to_its_sign_in(self, persona, as_persona, client, job):
        as_persona(persona)
        for response in (client.get(job_url(job)), client.post(job_url(job, confirm=True))):
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        job.refresh_from_db()
        assert job.state == ImportJobState.QUEUED

    def test_wrong_methods(self, client, job, district_admin):
        client.force_login(district_admin)
        assert client.post(job_url(job)).status_code == 405
        assert client.get(job_url(job, confirm=True)).status_code == 405


@pytest.mark.django_db
class TestResourceRun:
    def test_progress_is_reported_and_a_write_failure_rolls_everything_back(
        self, world, monkeypatch
    ):
        """A member added by someone else while the file is read (its phone is in a later row)
        makes the final write fail: nothing of the file is written."""
        import tablib

        monkeypatch.setattr(resources, "PROGRESS_EVERY", 1)
        dataset = tablib.Dataset(*good_rows(), headers=list(resources.COLUMNS))
        calls = []

        def progress(rows, writing=False):
            calls.append((rows, writing))
            if rows == 1:
                Member.objects.create(
                    name="别人",
                    gender="female",
                    phone="13900139000",
                    occupation="rider",
                    street=world.street,
                )

        result = MemberResource().import_data(dataset, dry_run=False, progress=progress)
        assert calls == [(1, False), (2, False), (3, False), (3, True)]
        assert result.failed and "写入数据库失败" in str(result.base_errors[0].error)
        assert list(Member.objects.values_list("name", flat=True)) == ["别人"]


@pytest.mark.django_db
def test_the_database_queue_and_its_worker_run_the_job(
    client, district_admin, world, background, settings, monkeypatch
):
    """With django-tasks-db (production's backend) the upload only queues a task row; the
    worker command (`make worker`) then checks the file."""
    from asgiref.local import Local
    from django_tasks_db.management.commands import db_worker

    # Between tasks the worker closes connections past their age; inside the test's
    # transaction that would drop the test's own data.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    from django.core.management import call_command
    from django.tasks import task_backends

    def reset_backends():  # the handler caches TASKS and its backends; tests don't reset it
        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None
        task_backends._connections = Local(task_backends.thread_critical)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reset_backends()
    try:
        client.force_login(district_admin)
        upload(client, csv_file(good_rows()))
        job = RosterImportJob.objects.get()
        assert job.state == ImportJobState.QUEUED and job.task_id
        assert 'http-equiv="refresh"' in client.get(job_url(job)).content.decode()
        work = {"batch": True, "reload": False, "startup_delay": False, "verbosity": 0}
        call_command("db_worker", **work)
        job.refresh_from_db()
        assert job.state == ImportJobState.CHECKED and Member.objects.count() == 0
        client.post(job_url(job, confirm=True))
        assert Member.objects.count() == 0  # queued, not yet run
        call_command("db_worker", **work)
        job.refresh_from_db()
        assert job.state == ImportJobState.IMPORTED and Member.objects.count() == 3
    finally:
        settings.TASKS = {
            "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
        }
        reset_backends()


@pytest.mark.django_db
class TestUnconfirmedFilesArePruned:
    """Retention: a roster file checked in the background but never confirmed does not stay in
    storage for good (`prune_personal_data`, ROSTER_IMPORT_UNCONFIRMED_DAYS)."""

    def checked_job(self, user, days_ago):
        from django.core.files.base import ContentFile
        from django.utils import timezone

        job = RosterImportJob.objects.create(
            user=user, file_name="名册.csv", file_format="csv", file_size=9,
            state=ImportJobState.CHECKED,
        )  # fmt: skip
        job.upload.save("名册.csv", ContentFile(b"name,phone"), save=True)
        RosterImportJob.objects.filter(pk=job.pk).update(
            updated_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        return job

    def test_old_unconfirmed_files_are_deleted_and_the_job_says_why(
        self, district_admin, background, settings
    ):
        import io

        from django.core.management import call_command

        from audit.models import AuditEvent, Event

        settings.ROSTER_IMPORT_UNCONFIRMED_DAYS = 7
        old = self.checked_job(district_admin, days_ago=8)
        recent = self.checked_job(district_admin, days_ago=2)
        old_name, recent_name = old.upload.name, recent.upload.name
        out = io.StringIO()
        call_command("prune_personal_data", "--dry-run", stdout=out)
        assert "would delete 1 unconfirmed roster import files" in out.getvalue()
        assert default_storage.exists(old_name)
        call_command("prune_personal_data", stdout=out)
        assert "deleted 1 unconfirmed roster import files" in out.getvalue()
        assert not default_storage.exists(old_name)
        assert default_storage.exists(recent_name)
        old.refresh_from_db()
        assert (old.state, old.upload.name) == (ImportJobState.FAILED, "")
        assert "重新上传" in old.message
        recent.refresh_from_db()
        assert recent.state == ImportJobState.CHECKED
        record = AuditEvent.objects.filter(event=Event.DELETE).latest("pk")
        assert record.detail["roster_import_uploads"] == 1
        call_command("prune_personal_data", stdout=out)  # safe to run twice
        assert out.getvalue().count("deleted 0 unconfirmed roster import files") == 1
