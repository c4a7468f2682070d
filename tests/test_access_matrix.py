"""Every URL of the project, for every persona: the status code it gets.

The cases live in tests/access_matrix/<area>.py (format in tests/access_matrix/__init__.py).
`test_every_url_pattern_is_in_the_access_matrix` walks the whole URLconf, namespaces
included, and fails when a pattern has neither a case nor an entry in EXCLUDED below: a new
view cannot ship without someone deciding who may see it.
"""

import importlib
import pkgutil
from collections import Counter
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import access_matrix
from tests.access_matrix import PERSONAS, AccessCase

# Patterns without a case, by name (shell-style wildcards), each with the reason. A wildcard
# may only hide views of the packages below, never one of ours.
EXCLUDED: dict[str, str] = {
    "account_*": "allauth's own views, covered by allauth's test suite; a sample is in "
    "tests/access_matrix/accounts.py",
    "mfa_*": "allauth.mfa's own views (its test suite covers them); mfa_index is sampled",
    "usersessions_*": "allauth.usersessions' own views; usersessions_list is sampled",
    "admin:*": "the Django admin's own views: staff-only through admin.site, tested by "
    "Django; admin:index is sampled",
}
THIRD_PARTY_VIEWS = ("allauth.", "django.contrib.", "django.views.generic.")

PERSONA_FIXTURES = {
    "trainer": "trainer_user",
    "other_trainer": "other_trainer_user",
    "mentor": "mentor_user",
    "unassigned_mentor": "unassigned_mentor_user",
    "ended_mentor": "ended_mentor_user",
    "clinic_admin": "clinic_admin_user",
    "other_clinic_admin": "other_clinic_admin_user",
    "staff": "staff_user",
}


def _load_cases() -> list[tuple[str, AccessCase]]:
    cases = []
    for module_info in pkgutil.iter_modules(access_matrix.__path__):
        module = importlib.import_module(f"{access_matrix.__name__}.{module_info.name}")
        cases += [(module_info.name, case) for case in module.CASES]
    return cases


CASES = _load_cases()


def _walk(patterns, namespace=None, prefix=""):
    """Yield (identity, route, view module) for every pattern; identity is the reversible
    name ("ns:name") or, for an unnamed pattern, "ns:<route>"."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from _walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name or f"<{route}>"
            identity = f"{namespace}:{name}" if namespace else name
            yield identity, route, pattern.callback.__module__


def _excluded_by(identity: str) -> str | None:
    return next((rule for rule in EXCLUDED if fnmatchcase(identity, rule)), None)


def test_every_url_pattern_is_in_the_access_matrix():
    covered = {case.url_name for _, case in CASES}
    missing, hidden = [], []
    for identity, route, module in _walk(get_resolver().url_patterns):
        if identity in covered:
            continue
        if _excluded_by(identity) is None:
            missing.append(f"{identity}  (/{route})")
        elif not module.startswith(THIRD_PARTY_VIEWS):
            hidden.append(f"{identity}  ({module})")

    assert not missing, "URLs with no AccessCase in tests/access_matrix/ (add one):\n" + (
        "\n".join(missing)
    )
    assert not hidden, "EXCLUDED may not hide the project's own views:\n" + "\n".join(hidden)


def test_the_matrix_names_only_existing_urls_and_every_exclusion_is_used():
    identities = [identity for identity, _, _ in _walk(get_resolver().url_patterns)]
    unknown = sorted({case.url_name for _, case in CASES} - set(identities))
    unused = [rule for rule in EXCLUDED if not any(fnmatchcase(i, rule) for i in identities)]

    assert not unknown, f"cases for URLs that do not exist: {unknown}"
    assert not unused, f"EXCLUDED entries that match nothing: {unused}"


def _case_ids() -> list[pytest.ParameterSet]:
    seen: Counter[str] = Counter()
    params = []
    for module, case in CASES:
        base = f"{module}:{case.url_name}:{case.method}"
        seen[base] += 1
        suffix = f"#{seen[base]}" if seen[base] > 1 else ""
        for persona in PERSONAS:
            params.append(pytest.param(case, persona, id=f"{base}{suffix}-{persona}"))
    return params


class _Personas(dict):
    """{persona: user}, each user created on first use (anonymous is None)."""

    def __init__(self, request):
        super().__init__()
        self._request = request

    def __missing__(self, persona: str):
        user = None
        if persona != "anonymous":
            user = self._request.getfixturevalue(PERSONA_FIXTURES[persona])
        self[persona] = user
        return user


@pytest.fixture
def personas(request, db):
    return _Personas(request)


def _ends_at_login(client, response) -> bool:
    """Follow at most three redirects (the admin's login hands over to allauth's)."""
    login_path = reverse("account_login")
    for _ in range(3):
        if response.status_code != 302:
            return False
        location = urlsplit(response["Location"])
        if location.path == login_path:
            return True
        response = client.get(response["Location"])
    return False


@pytest.mark.parametrize(("case", "persona"), _case_ids())
def test_access(client, personas, case, persona):
    kwargs = case.kwargs(personas) if case.kwargs else {}
    url = reverse(case.url_name, kwargs=kwargs)
    user = personas[persona]
    if user is not None:
        client.force_login(user)

    response = getattr(client, case.method)(url, case.data)

    expected = case.expected[persona]
    assert response.status_code == expected, (
        f"{persona} {case.method.upper()} {url}: got {response.status_code}, "
        f"expected {expected}"
        + (f" (Location: {response['Location']})" if response.has_header("Location") else "")
    )
    if persona == "anonymous" and expected == 302:
        assert _ends_at_login(client, response), f"{url} did not send anonymous to the login"
