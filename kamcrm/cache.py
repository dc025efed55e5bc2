"""Redis as a cache that degrades instead of failing: when Redis cannot be reached, a
read is a miss and a write does nothing, each logged, so every page still serves (a
little slower: the dashboard renders its widgets, an import's page shows no progress)."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

# What each operation answers when Redis is away: what it answers for a missing key.
_MISSED = {
    "get": lambda *a, **k: k.get("default", a[1] if len(a) > 1 else None),
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "add": lambda *a, **k: False,
    "set": lambda *a, **k: None,
    "set_many": lambda *a, **k: list(a[0]) if a else [],
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "delete_many": lambda *a, **k: None,
    "clear": lambda *a, **k: None,
}


def _forgiving(name: str):
    method = getattr(RedisCache, name)
    missed = _MISSED[name]

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:  # redis-py's ConnectionError, TimeoutError and kin
            log.warning("cache %s failed, served without the cache: %s", name, error)
            return missed(*args, **kwargs)

    return wrapper


class ForgivingRedisCache(RedisCache):
    def ping(self) -> None:
        """Raises unless Redis answers: the health check's probe, not forgiven."""
        self._cache.get_client(write=True).ping()


for _name in _MISSED:
    setattr(ForgivingRedisCache, _name, _forgiving(_name))
