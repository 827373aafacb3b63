"""/healthz and /metrics over real HTTP on loopback, and `quizbot health` against them."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.cli import main
from bot.ops.health import HealthServer, HealthSources, health_report
from bot.ops.metrics import Metrics, PrometheusMetrics
from bot.ops.probe import healthz_url, probe
from bot.ops.runtime import Ops, make_metrics, store_check
from bot.ops.settings import OpsSettings
from bot.store import Store


class Switch:
    def __init__(self, on: bool = True) -> None:
        self.on = on

    def __call__(self) -> bool:
        return self.on


Served = tuple[HealthServer, PrometheusMetrics, Switch]


@pytest.fixture
async def served(store: Store) -> AsyncIterator[Served]:
    metrics = PrometheusMetrics()
    scheduler = Switch()
    server = HealthServer(
        HealthSources(
            database=store_check(store),
            metrics=metrics,
            scheduler_running=scheduler,
            max_api_silence=60.0,
            platform="telegram",
            mode="polling",
        ),
        "127.0.0.1",
        0,
    )
    await server.start()
    try:
        yield server, metrics, scheduler
    finally:
        await server.stop()


async def get(server: HealthServer, path: str) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}{path}") as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_healthy_when_database_scheduler_and_api_are_fine(served: Served) -> None:
    server, metrics, _ = served
    metrics.api_call(True)

    status, content_type, body = await get(server, "/healthz")

    assert status == 200 and content_type.startswith("application/json")
    report = json.loads(body)
    assert report["status"] == "ok"
    assert report["database"] == {"ok": True}
    assert report["scheduler"] == {"ok": True, "running": True}
    assert report["api"]["ok"] and report["api"]["age_seconds"] < 5
    assert (report["platform"], report["mode"]) == ("telegram", "polling")


async def test_no_successful_api_call_yet_while_polling_is_unhealthy(served: Served) -> None:
    server, _, _ = served

    status, _, body = await get(server, "/healthz")

    assert status == 503 and '"last_success": null' in body


async def test_a_stopped_scheduler_is_unhealthy(served: Served) -> None:
    server, metrics, scheduler = served
    metrics.api_call(True)
    scheduler.on = False

    status, _, body = await get(server, "/healthz")

    assert status == 503 and '"scheduler": {"ok": false, "running": false}' in body


async def test_an_unreachable_database_is_unhealthy(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "q.db")
    await store.close()  # the connection is gone: the trivial query fails
    server = HealthServer(
        HealthSources(database=store_check(store), metrics=PrometheusMetrics()), "127.0.0.1", 0
    )
    await server.start()
    try:
        status, _, body = await get(server, "/healthz")
    finally:
        await server.stop()

    assert status == 503 and '"database": {"ok": false' in body


async def test_a_stale_api_is_unhealthy_only_where_the_bot_polls() -> None:
    clock = [1000.0]
    metrics = PrometheusMetrics(clock=lambda: clock[0])
    metrics.api_call(True)
    clock[0] += 120

    async def fine() -> None:
        return None

    polling = HealthSources(database=fine, metrics=metrics, max_api_silence=60.0)
    webhook = HealthSources(database=fine, metrics=metrics, max_api_silence=None)
    healthy, body = await health_report(polling, clock=lambda: clock[0])
    assert not healthy and body["api"]["age_seconds"] == 120
    assert (await health_report(webhook, clock=lambda: clock[0]))[0]


async def test_metrics_are_prometheus_text(served: Served) -> None:
    server, metrics, _ = served
    metrics.update_handled("command", 0.02)
    metrics.update_handled("command", 0.3)
    metrics.update_handled("callback_query", 0.01)
    metrics.answer_recorded()
    for outcome in ("sent", "sent", "failed", "retried"):
        metrics.delivery(outcome)
    metrics.rate_limited()
    metrics.watch_queue(lambda: 4)
    metrics.api_call(True)
    metrics.api_call(False)

    status, content_type, text = await get(server, "/metrics")

    assert status == 200 and content_type.startswith("text/plain")
    found = samples(text)
    assert found[("quizbot_updates_total", (("kind", "command"),))] == 2
    assert found[("quizbot_updates_total", (("kind", "callback_query"),))] == 1
    assert found[("quizbot_handler_seconds_count", (("kind", "command"),))] == 2
    assert found[("quizbot_handler_seconds_bucket", (("kind", "command"), ("le", "0.025")))] == 1
    assert found[("quizbot_answers_total", ())] == 1
    assert found[("quizbot_deliveries_total", (("outcome", "sent"),))] == 2
    assert found[("quizbot_deliveries_total", (("outcome", "failed"),))] == 1
    assert found[("quizbot_deliveries_total", (("outcome", "retried"),))] == 1
    assert found[("quizbot_deliveries_total", (("outcome", "unknown"),))] == 0
    assert found[("quizbot_rate_limited_total", ())] == 1
    assert found[("quizbot_api_errors_total", ())] == 1
    assert found[("quizbot_update_queue_depth", ())] == 4
    assert abs(found[("quizbot_last_api_success_timestamp_seconds", ())] - time.time()) < 5


async def test_queue_depth_can_be_read_at_scrape_time(served: Served) -> None:
    server, metrics, _ = served
    queue: asyncio.Queue[int] = asyncio.Queue()
    metrics.watch_queue(queue.qsize)
    for item in range(3):
        queue.put_nowait(item)

    _, _, text = await get(server, "/metrics")

    assert samples(text)[("quizbot_update_queue_depth", ())] == 3


async def test_unknown_paths_are_404(served: Served) -> None:
    server, _, _ = served
    assert (await get(server, "/"))[0] == 404


def test_the_default_metrics_do_nothing_and_never_fail() -> None:
    metrics = Metrics()
    metrics.update_handled("message", 0.1)
    metrics.answer_recorded()
    metrics.delivery("sent")
    metrics.rate_limited()
    metrics.api_call(True)
    metrics.watch_queue(lambda: 1)
    assert metrics.last_api_success is None
    assert isinstance(make_metrics(OpsSettings()), Metrics)
    assert isinstance(make_metrics(OpsSettings(health_port=1)), PrometheusMetrics)


async def test_ops_starts_nothing_unless_configured(store: Store, db_path: Path) -> None:
    ops = Ops(OpsSettings(), db_path)
    await ops.start(
        database=store_check(store), scheduler_running=None, platform="telegram", mode="polling"
    )
    assert ops.health is None and ops.backup is None
    await ops.stop()


async def test_ops_serves_health_and_backs_up(store: Store, db_path: Path, tmp_path: Path) -> None:
    settings = OpsSettings(health_port=0, backup_dir=tmp_path / "backups", backup_keep=2)
    ops = Ops(settings, db_path)
    await ops.start(
        database=store_check(store), scheduler_running=None, platform="discord", mode="gateway"
    )
    try:
        assert ops.health is not None
        status, _, body = await get(ops.health, "/healthz")
        for _ in range(100):  # the missing daily backup is made at start
            if any((tmp_path / "backups").glob("quizbot-*.db")):
                break
            await asyncio.sleep(0.02)
    finally:
        await ops.stop()

    assert status == 200  # no scheduler here, and a gateway bot's API silence is not checked
    assert '"mode": "gateway"' in body
    assert len(list((tmp_path / "backups").glob("quizbot-*.db"))) == 1


# -- quizbot health ----------------------------------------------------------------------


async def run_probe(settings: OpsSettings, db_path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(probe, settings, db_path, out, err, timeout=5.0)
    return code, out.getvalue(), err.getvalue()


async def test_probe_exits_0_when_the_endpoint_says_healthy(served: Served, db_path: Path) -> None:
    server, metrics, _ = served
    metrics.api_call(True)

    code, out, _ = await run_probe(OpsSettings(health_port=server.port), db_path)

    assert code == 0 and '"status": "ok"' in out


async def test_probe_exits_1_when_the_endpoint_says_unhealthy(
    served: Served, db_path: Path
) -> None:
    server, _, _ = served

    code, _, err = await run_probe(OpsSettings(health_port=server.port), db_path)

    assert code == 1 and '"status": "unhealthy"' in err


async def test_probe_exits_1_when_nothing_listens(db_path: Path) -> None:
    server = HealthServer(
        HealthSources(database=lambda: asyncio.sleep(0), metrics=PrometheusMetrics()),
        "127.0.0.1",
        0,
    )
    await server.start()
    port = server.port
    await server.stop()  # the port is free again: nobody answers

    code, _, err = await run_probe(OpsSettings(health_port=port), db_path)

    assert code == 1 and "no answer from" in err


def test_probe_url_uses_loopback_for_a_wildcard_bind() -> None:
    assert healthz_url(OpsSettings(health_port=8080, health_host="0.0.0.0")) == (
        "http://127.0.0.1:8080/healthz"
    )
    assert healthz_url(OpsSettings(health_port=8080, health_host="::")) == (
        "http://[::1]:8080/healthz"
    )


async def test_without_a_port_the_probe_checks_the_database(store: Store, db_path: Path) -> None:
    code, out, _ = await run_probe(OpsSettings(), db_path)
    assert code == 0 and "answers" in out

    code, _, err = await run_probe(OpsSettings(), db_path.with_name("nope.db"))
    assert code == 1 and "no database" in err
    assert not db_path.with_name("nope.db").exists()  # checking never creates one


def test_quizbot_health_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUIZBOT_DB", str(tmp_path / "none.db"))
    monkeypatch.delenv("QUIZBOT_HEALTH_PORT", raising=False)
    monkeypatch.delenv("QUIZBOT_CONFIG", raising=False)

    assert main(["health"]) == 1
    assert "no database" in capsys.readouterr().err

    monkeypatch.setenv("QUIZBOT_HEALTH_PORT", "not-a-port")
    assert main(["health"]) == 2
