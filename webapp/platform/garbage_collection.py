"""How often the web server's processes collect cyclic garbage (webapp/wsgi.py sets it).

CPython's first generation is collected after 700 new container objects. A page reading many rows
(the bottleneck page over two years) then runs about 27 collections per request; they move the
objects the request still holds into the older generations, and every sixth request or so a full
collection walks the whole process (~280,000 objects: the app, its loaded diagram libraries),
65–90 ms on this machine. Measured at 1,000,000 appeals: the bottleneck page's
CPU 46.9 ms a request, its 90th percentile 146 ms against a 42 ms median. With the first threshold
at 10,000, a request's short-lived rows die before any collection sees them: 26.0 ms CPU, 90th
percentile 45 ms; the other dashboards gain 2–6 %. Reference counting still frees everything that
is not in a cycle at once; cycles wait a little longer (at most 10,000 allocations).

Only the served app sets it, not ``create_app``: a request there has its own session, while tests
send requests through one session whose identity map (weakly referencing what it loaded) some of
them count on being emptied by a collection between requests.
"""

from __future__ import annotations

import gc

FIRST_GENERATION_THRESHOLD = 10_000


def collect_less_often() -> None:
    """Raise the first generation's threshold (the older generations keep theirs)."""
    first, second, third = gc.get_threshold()
    gc.set_threshold(max(first, FIRST_GENERATION_THRESHOLD), second, third)
