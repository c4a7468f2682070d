"""Seed version 1 of the pathway rules with the defaults of DESIGN.md.

The definition is written out here, not imported: a migration must keep meaning what it meant
when it ran, whatever programme.pathway.rules.DEFAULT_DEFINITION becomes later.
"""

from django.db import migrations

VERSION_1 = {
    "stages": [
        {
            "key": "foundation",
            "name": "Foundation",
            "description": "A verified Level 3 Personal Training qualification.",
            "requirements": [
                {
                    "key": "foundation.personal_training",
                    "kind": "qualification",
                    "label": "A verified Level 3 Personal Training qualification",
                    "kinds": ["personal_training"],
                    "min_level": 3,
                    "covers_area": False,
                    "or_mentor_assignment": False,
                    "hours": "0",
                    "months": 12,
                    "per_level": [6, 4, 2],
                    "per_month": 1,
                    "dbs_levels": [],
                    "for_supervised": True,
                }
            ],
        },
        {
            "key": "referral_ready",
            "name": "Referral-ready",
            "description": "A verified Level 3 Exercise Referral (or Long-Term Conditions) "
            "qualification: the baseline for clients with long-term "
            "conditions.",
            "requirements": [
                {
                    "key": "referral_ready.exercise_referral",
                    "kind": "qualification",
                    "label": "A verified Level 3 Exercise Referral or Long-Term "
                    "Conditions qualification",
                    "kinds": ["exercise_referral", "long_term_conditions"],
                    "min_level": 3,
                    "covers_area": False,
                    "or_mentor_assignment": False,
                    "hours": "0",
                    "months": 12,
                    "per_level": [6, 4, 2],
                    "per_month": 1,
                    "dbs_levels": [],
                    "for_supervised": True,
                }
            ],
        },
        {
            "key": "specialist_in_training",
            "name": "Neuro specialist in training",
            "description": "A verified neuro specialist qualification covering the area, or "
            "enrolment with a current mentor; CPD in the area.",
            "requirements": [
                {
                    "key": "specialist_in_training.specialist",
                    "kind": "qualification",
                    "label": "A verified neuro specialist qualification covering "
                    "the area, or a current mentor for the area",
                    "kinds": ["neuro_specialist"],
                    "min_level": None,
                    "covers_area": True,
                    "or_mentor_assignment": True,
                    "hours": "0",
                    "months": 12,
                    "per_level": [6, 4, 2],
                    "per_month": 1,
                    "dbs_levels": [],
                    "for_supervised": True,
                },
                {
                    "key": "specialist_in_training.cpd_hours",
                    "kind": "cpd_area_hours",
                    "label": "3 hours of CPD in the area in the last 12 months",
                    "kinds": [],
                    "min_level": None,
                    "covers_area": False,
                    "or_mentor_assignment": False,
                    "hours": "3",
                    "months": 12,
                    "per_level": [6, 4, 2],
                    "per_month": 1,
                    "dbs_levels": [],
                    "for_supervised": True,
                },
            ],
        },
        {
            "key": "supervised_practice",
            "name": "Supervised practice",
            "description": "Signed-off supervised sessions of rising complexity, and a "
            "supervision meeting every month.",
            "requirements": [
                {
                    "key": "supervised_practice.sessions",
                    "kind": "supervised_sessions",
                    "label": "Signed-off supervised sessions: 6 at level 1, 4 at "
                    "level 2, 2 at level 3",
                    "kinds": [],
                    "min_level": None,
                    "covers_area": False,
                    "or_mentor_assignment": False,
                    "hours": "0",
                    "months": 12,
                    "per_level": [6, 4, 2],
                    "per_month": 1,
                    "dbs_levels": [],
                    "for_supervised": True,
                },
                {
                    "key": "supervised_practice.meetings",
                    "kind": "supervision_meetings",
                    "label": "At least one supervision meeting a month",
                    "kinds": [],
                    "min_level": None,
                    "covers_area": False,
                    "or_mentor_assignment": False,
                    "hours": "0",
                    "months": 3,
                    "per_level": [6, 4, 2],
                    "per_month": 1,
                    "dbs_levels": [],
                    "for_supervised": True,
                },
            ],
        },
        {
            "key": "recognised",
            "name": "Recognised",
            "description": "Everything above, and a current scope of practice declaration "
            "covering the area.",
            "requirements": [
                {
                    "key": "recognised.scope",
                    "kind": "scope_declaration",
                    "label": "A current scope of practice declaration covering the area",
                    "kinds": [],
                    "min_level": None,
                    "covers_area": True,
                    "or_mentor_assignment": False,
                    "hours": "0",
                    "months": 12,
                    "per_level": [6, 4, 2],
                    "per_month": 1,
                    "dbs_levels": [],
                    "for_supervised": True,
                }
            ],
        },
    ],
    "compliance": [
        {
            "key": "compliance.insurance",
            "kind": "insurance",
            "label": "Current verified insurance (public liability and professional indemnity)",
            "kinds": [],
            "min_level": None,
            "covers_area": False,
            "or_mentor_assignment": False,
            "hours": "0",
            "months": 12,
            "per_level": [6, 4, 2],
            "per_month": 1,
            "dbs_levels": [],
            "for_supervised": True,
        },
        {
            "key": "compliance.first_aid",
            "kind": "qualification",
            "label": "A current verified first aid certificate",
            "kinds": ["first_aid"],
            "min_level": None,
            "covers_area": False,
            "or_mentor_assignment": False,
            "hours": "0",
            "months": 12,
            "per_level": [6, 4, 2],
            "per_month": 1,
            "dbs_levels": [],
            "for_supervised": True,
        },
        {
            "key": "compliance.dbs",
            "kind": "dbs",
            "label": "A verified enhanced DBS check, current or on the Update Service",
            "kinds": [],
            "min_level": None,
            "covers_area": False,
            "or_mentor_assignment": False,
            "hours": "0",
            "months": 12,
            "per_level": [6, 4, 2],
            "per_month": 1,
            "dbs_levels": ["enhanced"],
            "for_supervised": True,
        },
        {
            "key": "compliance.cpd",
            "kind": "cpd_current",
            "label": "CPD target met in the last complete CPD year",
            "kinds": [],
            "min_level": None,
            "covers_area": False,
            "or_mentor_assignment": False,
            "hours": "0",
            "months": 12,
            "per_level": [6, 4, 2],
            "per_month": 1,
            "dbs_levels": [],
            "for_supervised": False,
        },
    ],
    "supervised_from": "referral_ready",
    "expiring_within_days": 90,
}


def seed(apps, schema_editor):
    PathwayRules = apps.get_model("programme", "PathwayRules")
    if not PathwayRules.objects.exists():
        PathwayRules.objects.create(
            version=1, definition=VERSION_1, note="The defaults of the design (DESIGN.md)."
        )


class Migration(migrations.Migration):
    dependencies = [("programme", "0002_pathway_rules_checks_tokens")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
