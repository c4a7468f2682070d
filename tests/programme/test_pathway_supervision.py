"""The supervised-session counts of mentorship's progress tables come from the pathway rules."""

import dataclasses

from django.urls import reverse

from mentorship.progress import current_requirements
from programme.models import PathwayRules
from programme.pathway.rules import DEFAULT_DEFINITION, Kind, to_json
from programme.pathway.supervision import requirements_of


def _with_sessions(per_level):
    stages = tuple(
        dataclasses.replace(
            stage,
            requirements=tuple(
                dataclasses.replace(r, per_level=per_level)
                if r.kind == Kind.SUPERVISED_SESSIONS
                else r
                for r in stage.requirements
            ),
        )
        for stage in DEFAULT_DEFINITION.stages
    )
    return dataclasses.replace(DEFAULT_DEFINITION, stages=stages)


def test_the_seeded_rules_ask_for_six_four_two(db):
    assert current_requirements().per_level == (6, 4, 2)


def test_the_newest_rules_version_decides(db):
    PathwayRules.objects.create(version=2, definition=to_json(_with_sessions((3, 2, 1))))

    assert current_requirements().per_level == (3, 2, 1)


def test_rules_without_supervised_sessions_ask_for_none():
    stages = tuple(
        dataclasses.replace(
            s, requirements=tuple(r for r in s.requirements if r.kind != Kind.SUPERVISED_SESSIONS)
        )
        for s in DEFAULT_DEFINITION.stages
    )

    assert requirements_of(dataclasses.replace(DEFAULT_DEFINITION, stages=stages)).per_level == (
        0,
        0,
        0,
    )


def test_the_trainer_session_list_counts_against_the_rules(client_for, trainer_user):
    PathwayRules.objects.create(version=2, definition=to_json(_with_sessions((3, 2, 1))))

    response = client_for(trainer_user).get(reverse("mentorship:sessions"))

    assert "3 at level 1, 2 at level 2 and 1 at level 3" in response.content.decode()
