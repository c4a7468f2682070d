"""The default catalogue: condition areas, awarding bodies and UK qualification types.

Loaded by seed_demo (and usable by a fresh production install); programme staff then edit
it in the admin. Loading is idempotent: rows are matched by slug or name.
"""

from qualifications.models import AwardingBody, ConditionArea, CPDPolicy, QualificationType

K = QualificationType.Kind

CONDITION_AREAS = [
    ("stroke", "Stroke"),
    ("acquired-brain-injury", "Acquired brain injury"),
    ("spinal-cord-injury", "Spinal cord injury"),
    ("parkinsons", "Parkinson's"),
    ("multiple-sclerosis", "Multiple sclerosis"),
]

AWARDING_BODIES = [
    ("Active IQ", "https://www.activeiq.co.uk/"),
    ("YMCA Awards", "https://www.ymcaawards.co.uk/"),
    ("Focus Awards", "https://www.focusawards.org.uk/"),
    ("VTCT (Skillsfirst)", "https://www.vtct.org.uk/"),
    ("Qualsafe Awards", "https://www.qualsafeawards.org/"),
    ("St John Ambulance", "https://www.sja.org.uk/"),
]

ALL_AREAS = [slug for slug, _ in CONDITION_AREAS]

# slug, name, level, kind, validity in months, condition areas, prerequisites, awarding bodies
QUALIFICATION_TYPES = [
    (
        "l3-personal-training",
        "Level 3 Certificate in Personal Training",
        3,
        K.PERSONAL_TRAINING,
        None,
        [],
        [],
        ["Active IQ", "YMCA Awards", "Focus Awards", "VTCT (Skillsfirst)"],
    ),
    (
        "l3-exercise-referral",
        "Level 3 Diploma in Exercise Referral",
        3,
        K.EXERCISE_REFERRAL,
        None,
        [],
        ["l3-personal-training"],
        ["Active IQ", "YMCA Awards", "Focus Awards"],
    ),
    (
        "l3-long-term-conditions",
        "Level 3 Long-Term Health Conditions",
        3,
        K.LONG_TERM_CONDITIONS,
        None,
        [],
        ["l3-personal-training"],
        ["Active IQ", "YMCA Awards"],
    ),
    (
        "l4-stroke",
        "Level 4 Exercise and Fitness after Stroke",
        4,
        K.NEURO_SPECIALIST,
        None,
        ["stroke"],
        ["l3-exercise-referral"],
        ["YMCA Awards", "Focus Awards"],
    ),
    (
        "l4-neurological",
        "Level 4 Long-Term Neurological Conditions",
        4,
        K.NEURO_SPECIALIST,
        None,
        ["acquired-brain-injury", "spinal-cord-injury", "parkinsons", "multiple-sclerosis"],
        ["l3-exercise-referral"],
        ["Active IQ", "YMCA Awards"],
    ),
    (
        "l4-falls-prevention",
        "Level 4 Falls Prevention",
        4,
        K.NEURO_SPECIALIST,
        None,
        ["parkinsons", "multiple-sclerosis", "stroke"],
        ["l3-exercise-referral"],
        ["YMCA Awards"],
    ),
    (
        "first-aid-at-work",
        "First Aid at Work",
        3,
        K.FIRST_AID,
        36,
        [],
        [],
        ["Qualsafe Awards", "St John Ambulance"],
    ),
    (
        "emergency-first-aid-at-work",
        "Emergency First Aid at Work",
        3,
        K.FIRST_AID,
        36,
        [],
        [],
        ["Qualsafe Awards", "St John Ambulance"],
    ),
]


def load_catalogue() -> None:
    for position, (slug, name) in enumerate(CONDITION_AREAS):
        ConditionArea.objects.update_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    bodies = {}
    for name, website in AWARDING_BODIES:
        bodies[name], _ = AwardingBody.objects.update_or_create(
            name=name, defaults={"website": website}
        )
    types = {}
    for slug, name, level, kind, validity, areas, _prereqs, body_names in QUALIFICATION_TYPES:
        qtype, _ = QualificationType.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "level": level, "kind": kind, "validity_months": validity},
        )
        qtype.condition_areas.set(ConditionArea.objects.filter(slug__in=areas))
        qtype.awarding_bodies.set([bodies[b] for b in body_names])
        types[slug] = qtype
    for slug, *_rest, prereqs, _bodies in QUALIFICATION_TYPES:
        types[slug].prerequisites.set([types[p] for p in prereqs])
    if not CPDPolicy.objects.filter(is_active=True).exists():
        CPDPolicy.objects.get_or_create(name="CIMSPA default", defaults={"is_active": True})
