"""One way to write a day: rehabpath.formats in Python, the `day` filter in templates."""

import datetime as dt

from django.template import Context, Template
from django.utils import timezone

from rehabpath.formats import day_label, period_label


def _render(source: str, **context) -> str:
    return Template("{% load tz formats %}" + source).render(Context(context))


def test_a_day_is_written_without_padding_and_with_a_short_month():
    assert day_label(dt.date(2026, 3, 7)) == "7 Mar 2026"
    assert day_label(dt.date(2026, 9, 30)) == "30 Sep 2026"
    assert day_label(None) == ""
    assert period_label(dt.date(2026, 4, 1), dt.date(2027, 3, 31)) == "1 Apr 2026 to 31 Mar 2027"


def test_templates_write_days_the_same_way():
    assert _render("{{ d|day }}", d=dt.date(2026, 3, 7)) == "7 Mar 2026"
    assert _render("{{ d|day }}", d=None) == ""


def test_a_datetime_gives_its_local_day_unless_shown_in_utc(settings):
    settings.TIME_ZONE = "Europe/London"
    late = dt.datetime(2026, 6, 15, 23, 30, tzinfo=dt.UTC)  # 00:30 on the 16th in London
    with timezone.override("Europe/London"):
        assert _render("{{ t|day }}", t=late) == "16 Jun 2026"
        assert _render("{{ t|utc|day }}", t=late) == "15 Jun 2026"


def test_the_cpd_log_and_the_record_pages_share_one_field_markup(client_for, trainer_user):
    from django.urls import reverse

    from tests import factories
    from tests.trainers.uploads import good_pdf
    from trainers.evidence import evidence_attach, validate_upload

    insurance = factories.InsuranceFactory.create(trainer=trainer_user.trainer_profile)
    evidence_attach(
        record=insurance,
        trainer=insurance.trainer,
        files=[validate_upload(good_pdf())],
        uploaded_by=trainer_user,
    )
    client = client_for(trainer_user)
    cpd = client.get(reverse("qualifications:cpd_add")).content.decode()
    record = client.get(reverse("trainers:insurance_edit", args=[insurance.public_id]))
    record = record.content.decode()
    # A group of choices with help text is described by it, on both pages (includes/field.html).
    assert '<fieldset aria-describedby="id_condition_areas_helptext">' in cpd
    assert '<fieldset aria-describedby="id_remove_evidence_helptext">' in record
    assert '<div class="help" id="id_evidence_helptext">' in cpd
    assert '<div class="help" id="id_evidence_helptext">' in record
