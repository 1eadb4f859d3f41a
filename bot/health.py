"""`GET /healthz`: is the service up and can it reach its database?

For a load balancer in front of webhook mode, Docker's HEALTHCHECK and
monitoring: served on PROPDESK_HEALTH_LISTEN (HOST:PORT; off when empty) by
tornado, which python-telegram-bot's webhook extra installs, on the bot's own
event loop. 200 `{"status": "ok", "database": "ok"}`, or 503 with the
database's error (no secrets: the URL is not in it).
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import text
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.runtime import Runtime

log = logging.getLogger(__name__)


def _ping(runtime: Runtime) -> None:
    with runtime.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


class HealthHandler(RequestHandler):
    def initialize(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        try:
            await self.runtime.run_sync(_ping, self.runtime)
        except Exception as exc:  # any failure is "unhealthy", said in one line
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            self.set_status(503)
            self.finish(json.dumps({"status": "unhealthy", "database": reason}))
            return
        self.finish(json.dumps({"status": "ok", "database": "ok"}))


def start(runtime: Runtime, listen: str) -> HTTPServer:
    """Serve /healthz on `listen` (HOST:PORT) on the running event loop."""
    host, _, port = listen.rpartition(":")
    app = Application([(r"/healthz", HealthHandler, {"runtime": runtime})])
    server = HTTPServer(app)
    server.listen(int(port), address=host or "0.0.0.0")
    log.info("health endpoint on http://%s:%s/healthz", host or "0.0.0.0", port)
    return server
