"""The API checked against its own OpenAPI schema by schemathesis, in-process (WSGI).

A handful of generated requests per operation, with a real token of a clinic that has shared
trainers: every response must be one the schema declares (status, content type, body, the
Retry-After header), and none a server error.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from rehabpath.wsgi import application
from tests import factories, pathway_builders
from tests.programme.api_support import clinic_token

# Loaded at collection through the WSGI app (the schema reads no database). Not with
# schemathesis.pytest.from_fixture: its lazy loader sets Node._nodeid, which pytest 9 no
# longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Django's WSGI handler closes the database connection after each request, which would
    # end the test's transaction; its test client stops that the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db):
    token, secret = clinic_token()
    pathway_builders.stroke()
    for trainer in (pathway_builders.recognised_trainer(), factories.TrainerProfileFactory()):
        factories.ClinicShareFactory(trainer=trainer, clinic=token.clinic)
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(
    max_examples=5,
    # The database fixture is set up once for the examples of an operation, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
def test_the_api_answers_as_its_schema_says(case, bearer):
    case.call_and_validate(
        headers=bearer,
        # The schema cannot say which area slugs exist or which days may be asked about (not
        # a past one, at most a year ahead): a well-formed request may still get 422.
        excluded_checks=[positive_data_acceptance],
    )
