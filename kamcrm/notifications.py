"""How each kind of notification reads; each app registers the kinds it sends."""

from collections.abc import Callable

WORDING: dict[str, Callable[[dict], str]] = {}


def wording(kind: str):
    """Decorator: `@wording("tier_change")` on a function that turns data into a sentence."""

    def register(function: Callable[[dict], str]) -> Callable[[dict], str]:
        WORDING[kind] = function
        return function

    return register


def word(notification) -> str:
    function = WORDING.get(notification.kind)
    return function(notification.data) if function else notification.kind
