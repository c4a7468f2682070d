"""The staff search boxes (trainer directory, mentoring screen): one way to read what was
typed and one way to find people by it."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from rehabpath.models import User

# Longer search terms are cut: nobody's name, address or certificate number is longer, and a
# trigram search over a long pattern only costs more.
MAX_QUERY = 100


def normalise_query(query: str) -> str:
    return " ".join(query.split())[:MAX_QUERY]


def people_matching(query: str) -> QuerySet[User]:
    """Accounts whose name or e-mail address contains `query`. On PostgreSQL the trigram GIN
    indexes of programme/migrations/0001 serve exactly these two lookups."""
    return User.objects.filter(Q(name__icontains=query) | Q(email__icontains=query))


class SearchField(forms.CharField):
    """An optional search box: a search input that the browser neither completes nor
    spell-checks (names and certificate numbers are not words)."""

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        widget = forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        kwargs.setdefault("required", False)
        super().__init__(label=label, max_length=MAX_QUERY, widget=widget, **kwargs)
