"""GET /healthz: 200 while the database answers, 503 with the reason when it does not."""

from __future__ import annotations

import socket

import httpx
from sqlalchemy import create_engine

from bot import health


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_health_says_ok_then_names_a_database_that_fails(runtime, tmp_path):
    port = free_port()
    server = health.start(runtime, f"127.0.0.1:{port}")
    try:
        async with httpx.AsyncClient() as client:
            ok = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert ok.status_code == 200
            assert ok.json() == {"status": "ok", "database": "ok"}
            runtime.engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
            down = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert down.status_code == 503
            assert down.json()["status"] == "unhealthy"
            assert "unable to open database file" in down.json()["database"]
    finally:
        server.stop()
