"""A local push service for benchmarks: answers 201 to every POST /push/{id} and counts messages per Topic.

    python -m tests.perf.push_receiver PORT_FILE     # writes its port there; on SIGTERM prints JSON counts
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections import Counter

from aiohttp import web


async def main(port_file: str) -> None:
    topics: Counter[str] = Counter()

    async def receive(request: web.Request) -> web.Response:
        await request.read()
        topics[request.headers.get("Topic", "")] += 1
        return web.Response(status=201)

    app = web.Application()
    app.router.add_post("/push/{sid}", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    with open(port_file, "w") as sink:
        sink.write(str(site._server.sockets[0].getsockname()[1]))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()
    print(json.dumps({"messages": sum(topics.values()), "topics": len(topics),
                      "repeated": sum(1 for n in topics.values() if n > 1)}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
