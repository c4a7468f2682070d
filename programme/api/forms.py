from django import forms

from programme.api.tokens import NAME_MAX_LENGTH


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="What will use it, so that you know which token to revoke: “Rota system”.",
    )
