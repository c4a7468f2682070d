"""The record-kind registry: the trainers base learns its kinds from the apps built on it."""

import dataclasses

import pytest
from django.urls import NoReverseMatch, resolve, reverse

from qualifications.kinds import QUALIFICATION
from trainers.kinds import DBS, INSURANCE
from trainers.records import record_kind, record_kinds, register_record_kind


def test_each_app_registers_its_kinds_in_page_order():
    assert record_kinds() == [QUALIFICATION, INSURANCE, DBS]
    assert record_kind("qualification") is QUALIFICATION


def test_registering_the_same_kind_again_is_harmless_but_a_clash_is_refused():
    register_record_kind(INSURANCE)  # AppConfig.ready() may run twice in some test runners
    with pytest.raises(ValueError, match="already registered"):
        register_record_kind(dataclasses.replace(INSURANCE, label="Cover"))


def test_urls_resolve_only_registered_kinds():
    url = "/trainers/verification/dbs/00000000-0000-0000-0000-000000000000/"
    assert resolve(url).kwargs["kind"] is DBS
    with pytest.raises(NoReverseMatch):
        reverse(
            "trainers:verification_review",
            kwargs={"kind": "passport", "public_id": "00000000-0000-0000-0000-000000000000"},
        )
