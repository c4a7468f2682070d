"""/api/v1/ (included by rehabpath.urls as a string: the core names no app).

Every view of the API answers its errors as problem+json, those ninja's own handlers do not
see included (405, its bare root); the last route answers 404 for any other path under it.
"""

from django.urls import URLPattern, URLResolver, include, path, re_path

from programme.api.problems import not_found, problem_responses
from programme.api.site import api

_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    if isinstance(_pattern, URLPattern):
        _pattern.callback = problem_responses(_pattern.callback)

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "",
        include(
            ([*_patterns, re_path(r"^(?P<path>.*)$", not_found, name="api_not_found")], "ninja"),
            namespace=_namespace,
        ),
    ),
]
