"""Every item the dashboard asks someone to attend to links to the page where they act on it."""

import datetime as dt
import re

import time_machine

from tests import factories
from trainers.kinds import DBS, INSURANCE
from trainers.models import VerificationStatus


def _links(html):
    return dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', html))


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
def test_each_record_needing_attention_links_to_its_page(client_for, trainer_user):
    profile = trainer_user.trainer_profile
    expiring = factories.InsuranceFactory(
        trainer=profile,
        status=VerificationStatus.VERIFIED,
        starts_on=dt.date(2026, 1, 1),
        expires_on=dt.date(2026, 12, 20),
    )
    rejected = factories.DBSCheckFactory(
        trainer=profile, status=VerificationStatus.REJECTED, rejection_reason="Illegible."
    )

    html = client_for(trainer_user).get("/").content.decode()

    attention = html[html.index("Needs your attention") :]
    links = _links(attention)
    assert links[INSURANCE.url("detail", expiring)] == str(expiring)
    assert links[DBS.url("detail", rejected)] == str(rejected)


def test_staff_tiles_link_to_the_queue_and_the_suspended_trainers(client_for, staff_user):
    html = client_for(staff_user).get("/").content.decode()

    tiles = html[html.index("stat-tiles") : html.index("</dl>")]
    assert 'href="/trainers/verification/"' in tiles
    assert 'href="/staff/trainers/?status=suspended"' in tiles


@time_machine.travel(dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC))
def test_a_cpd_gap_on_the_dashboard_links_to_where_it_is_explained(client_for, trainer_user):
    profile = trainer_user.trainer_profile
    profile.cpd_year_start = dt.date(2026, 4, 1)
    profile.save()
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 4, 20))
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 9, 3))

    html = client_for(trainer_user).get("/").content.decode()

    flag = html[html.index("gap-flag-inline") :]
    assert '<a href="/qualifications/cpd/progress/#gaps-title">See it</a>' in flag
