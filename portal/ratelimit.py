"""Rate limiting and a short response cache for the public site and public API.

- Rate limit: a fixed window per client address in the shared cache (Redis), from
  settings.PUBLIC_RATE_LIMIT ("120/minute"; "0" or "off" switches it off). Over the limit the
  answer is 429 with Retry-After; a cache failure lets the request through (never a 500).
- Response cache: the rendered body of an anonymous GET, kept in this process for
  settings.PUBLIC_RESPONSE_CACHE_SECONDS (0 = off), keyed by the full URL and the language, and
  checked before any query or template work, backed by the shared cache (Redis) so that a page one
  worker rendered is not rendered again by every other worker. Published results are immutable and new ones arrive
  once a quarter, so a few seconds of staleness costs nothing. A page's CSRF token (the language
  form) is swapped for the current visitor's on every hit.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_PERIODS = {"second": 1, "s": 1, "minute": 60, "m": 60, "hour": 3600, "h": 3600, "day": 86400, "d": 86400}
_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = b"__CSRF_TOKEN__"
MAX_ENTRIES = 2000


def parse_rate(rate: str) -> tuple[int, int] | None:
    """'120/minute' -> (120, 60); None when off."""
    rate = (rate or "").strip().lower()
    if rate in ("", "0", "off", "none"):
        return None
    count, _sep, period = rate.partition("/")
    return int(count), _PERIODS.get(period or "minute", 60)


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check_rate(request: HttpRequest, scope: str) -> int | None:
    """Seconds to wait when the client is over its limit, else None."""
    parsed = parse_rate(settings.PUBLIC_RATE_LIMIT)
    if parsed is None:
        return None
    limit, period = parsed
    now = int(time.time())
    window = now // period
    key = f"rl:{scope}:{client_address(request)}:{window}"
    try:
        cache.add(key, 0, timeout=period + 1)
        count = cache.incr(key)
    except Exception:  # the limiter must never turn a search into a 500
        logger.warning("rate limiter unavailable", exc_info=True)
        return None
    if count > limit:
        return max(1, (window + 1) * period - now)
    return None


def too_many(request: HttpRequest, retry_after: int, *, as_json: bool) -> HttpResponse:
    message = _("请求过于频繁，请 %(seconds)s 秒后再试。") % {"seconds": retry_after}
    if as_json:
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


class _BodyCache:
    """A small per-process LRU of rendered bodies; a dict lookup beats a Redis round trip."""

    def __init__(self) -> None:
        self._data: OrderedDict[str, tuple[float, int, str, bytes, bool]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[int, str, bytes, bool] | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return item[1:]

    def put(self, key: str, ttl: int, status: int, content_type: str, body: bytes, has_csrf: bool) -> None:
        with self._lock:
            self._data[key] = (time.monotonic() + ttl, status, content_type, body, has_csrf)
            self._data.move_to_end(key)
            while len(self._data) > MAX_ENTRIES:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


body_cache = _BodyCache()


def _shared_get(key: str) -> tuple[int, str, bytes, bool] | None:
    """The body another worker rendered, from the shared cache; a cache failure is a miss."""
    try:
        hit = cache.get(f"pub:{key}")
    except Exception:
        logger.warning("shared response cache unavailable", exc_info=True)
        return None
    return tuple(hit) if isinstance(hit, (tuple, list)) and len(hit) == 4 else None


def _shared_put(key: str, ttl: int, value: tuple[int, str, bytes, bool]) -> None:
    try:
        cache.set(f"pub:{key}", value, timeout=ttl)
    except Exception:
        logger.warning("shared response cache unavailable", exc_info=True)


def _cacheable(request: HttpRequest) -> bool:
    return request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES


View = Callable[..., HttpResponseBase]


def public_endpoint(scope: str, *, as_json: bool = False) -> Callable[[View], View]:
    """Rate-limit a public view and serve it from the short response cache."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            retry_after = check_rate(request, scope)
            if retry_after is not None:
                return too_many(request, retry_after, as_json=as_json)
            ttl = settings.PUBLIC_RESPONSE_CACHE_SECONDS
            key = f"{getattr(request, 'LANGUAGE_CODE', '')}|{request.get_full_path()}"
            if ttl > 0 and _cacheable(request):
                hit = body_cache.get(key)
                if hit is None:
                    hit = _shared_get(key)
                    if hit is not None:
                        body_cache.put(key, ttl, *hit)
                if hit is not None:
                    status, content_type, body, has_csrf = hit
                    if has_csrf:
                        body = body.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
                    response: HttpResponseBase = HttpResponse(body, status=status, content_type=content_type)
                    response["X-Response-Cache"] = "hit"
                    return response
            response = view(request, *args, **kwargs)
            if (
                ttl > 0
                and _cacheable(request)
                and response.status_code == 200
                and not response.streaming
                and not response.cookies.get(settings.SESSION_COOKIE_NAME)
            ):
                content = cast(HttpResponse, response).content  # not streaming: an HttpResponse
                body, count = _CSRF_VALUE.subn(rb"\1" + _CSRF_PLACEHOLDER + rb"\2", content)
                value = (response.status_code, response["Content-Type"], body, count > 0)
                body_cache.put(key, ttl, *value)
                _shared_put(key, ttl, value)
            return response

        return wrapper

    return decorate
