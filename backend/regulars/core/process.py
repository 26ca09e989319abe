"""What a long-running process (the server, a worker) does once it has started."""

from __future__ import annotations

import gc

# Young objects a collection waits for (CPython's default: 700). A request or a dispatched message allocates
# thousands of short-lived objects, so with the default the collector ran several times per message: a tenth of
# a push fan-out's time went to it. At 10,000 it runs a few times a second, each pass as quick.
YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """What exists now (the app, its routes, templates and schema) lives as long as the process: kept out of the
    collector's passes, which otherwise walk all of it and pause every request for tens of milliseconds; and the
    collector looks at young objects less often."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
