"""Main navigation, filled by each app in its AppConfig.ready(), so apps stay decoupled."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    order: int
    url_name: str
    label: Promise | str
    prefix: str  # path prefix (without language) that marks the item as current


_items: list[NavItem] = []


def register(order: int, url_name: str, label: Promise | str, prefix: str) -> None:
    if any(item.url_name == url_name for item in _items):
        return
    _items.append(NavItem(order, url_name, label, prefix))
    _items.sort(key=lambda item: item.order)


def items() -> list[NavItem]:
    return list(_items)
