"""Types for requests whose user has signed in: `request.user` is then a `portal.models.User`.

Django types `request.user` as `User | AnonymousUser`. Behind `@login_required`, the admin's staff
check or a DRF permission that needs an account, it is always a `User`; these say so to mypy.
They only annotate: nothing here checks anything at run time.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from portal.models import User


class AuthedHttpRequest(HttpRequest):
    """The request of a page behind `@login_required` (annotation only: Django never builds one)."""

    user: User


def request_user(request: HttpRequest) -> User:
    """The account of a request that has passed a login or permission check (a DRF `Request` too).

    A cast, not a check: the view's decorator or permission class is what keeps anonymous users out.
    """
    return cast(User, request.user)
