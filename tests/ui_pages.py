"""The pages a person can reach from the menu: the list both UI crawls (translations, accessibility) walk.

The crawl starts at each demo role's landing page, follows every link of the main menu and, from
each list it reaches, the first link into a record (a case, a task, a person), so detail pages are
covered without naming them here: a page added to the menu tomorrow is crawled tomorrow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Demo roles: every kind of staff user the demo creates (password "demo"), partners and the chair too.
DEMO_ROLES = (
    "inspector1",
    "supervisor",
    "cityhead",
    "methodologist",
    "admin",
    "adviser1",
    "police1",
    "social1",
    "rais1",
)
PUBLIC_PAGES = ("/login", "/murojaat", "/kuzatish")

# Links that change state or leave the HTML world: never followed by a crawler.
_SKIP = re.compile(
    r"^/(static|api|logout|language)\b|\.(pdf|csv|xlsx|bpmn|dmn|json|png|ico)(\?|$)|/(download|export|print)\b|[?&]format=(csv|xlsx|pdf)"
)
# Record pages worth one visit each (the first row of a list leads there).
_RECORD = re.compile(r"^/(appeals|tasks|prevention|processes|supervision|reports)/[^?#]+$")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.menu: list[str] = []
        self.all: list[str] = []
        self._in_nav = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "nav":
            self._in_nav += 1
        if tag == "a" and values.get("href"):
            href = str(values["href"])
            self.all.append(href)
            if self._in_nav:
                self.menu.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1


def _local(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if _SKIP.search(path) else path


def links(html: str) -> tuple[list[str], list[str]]:
    """(menu links, all links) of a page, local and safe to GET, in page order without repeats."""
    parser = _Links()
    parser.feed(html)
    menu = [p for p in dict.fromkeys(_local(h) for h in parser.menu) if p]
    every = [p for p in dict.fromkeys(_local(h) for h in parser.all) if p]
    return menu, every


def reachable_pages(fetch: Callable[[str], str], start: str, limit: int = 60) -> list[str]:
    """Menu pages from ``start`` plus the first record link found on each of them."""
    landing = fetch(start)
    menu, _ = links(landing)
    pages = list(dict.fromkeys([start, *menu]))
    records: list[str] = []
    for page in list(pages):
        html = landing if page == start else fetch(page)
        _, every = links(html)
        first = next((p for p in every if _RECORD.match(p.split("?")[0]) and p not in pages and p not in records), None)
        if first:
            records.append(first)
    return _unique([*pages, *records])[:limit]


def _unique(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(paths))
