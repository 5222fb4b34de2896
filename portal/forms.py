"""What every form of the portal shares: a service's errors put beside the fields they name."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def attach_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names; anything else goes to the top of the form.

    The form keeps what was typed: it is re-rendered with its bound data and these errors.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, [m for e in errors for m in e.messages])
    else:
        form.add_error(None, exc.messages)
