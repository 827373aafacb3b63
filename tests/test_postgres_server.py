"""The tests' own PostgreSQL server (tests/postgres.py): without QUIZBOT_TEST_POSTGRES,
the README's test command starts one from the installed binaries and removes it after."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import asyncpg
import pytest

from tests import postgres


def test_without_a_url_the_tests_start_and_remove_their_own_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(postgres.ENV, raising=False)
    if (reason := postgres.unavailable_reason()) is not None:
        pytest.skip(reason)
    sessions = postgres.server_session()
    server = next(sessions)
    assert isinstance(server, postgres.Server)
    port = urlsplit(server.url).port
    assert server.folder is not None and (server.folder / "data" / "postmaster.pid").exists()

    async def server_version() -> int:
        conn = await asyncpg.connect(server.url)
        try:
            return int(await conn.fetchval("SHOW server_version_num"))
        finally:
            await conn.close()

    assert asyncio.run(server_version()) >= 130000
    sessions.close()
    with pytest.raises(OSError):
        asyncio.run(asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres"))
    assert server.folder is not None and not server.folder.exists()
