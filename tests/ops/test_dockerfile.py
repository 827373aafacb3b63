"""The Dockerfile, .dockerignore and compose.yaml have what a deployment relies on.

No Docker engine runs here, so the files are read: the instructions of each stage."""

from __future__ import annotations

import json
import shlex
import tomllib
from pathlib import Path

import yaml

from bot.cli import build_parser

REPO = Path(__file__).resolve().parents[2]


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuations joined and comments dropped."""
    lines: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, rest = line.partition(" ")
        lines.append((keyword.upper(), rest.strip()))
    return lines


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions(REPO / "Dockerfile"):
        if keyword == "FROM":
            found.append([])
        found[-1].append((keyword, rest))
    return found


def command(rest: str) -> list[str]:
    """An exec-form (JSON) or shell-form command as words."""
    return json.loads(rest) if rest.startswith("[") else shlex.split(rest)


def last(stage: list[tuple[str, str]], keyword: str) -> str:
    values = [rest for key, rest in stage if key == keyword]
    assert values, f"the final stage has no {keyword}"
    return values[-1]


def test_multi_stage_on_a_slim_python_base() -> None:
    bases = [rest.split()[0] for stage in stages() for key, rest in stage if key == "FROM"]
    assert len(bases) >= 2
    assert all(base.startswith("python:3.11") and base.endswith("-slim") for base in bases)
    final = stages()[-1]
    assert any(key == "COPY" and rest.startswith("--from=build") for key, rest in final)


def test_runs_as_a_non_root_user() -> None:
    user = last(stages()[-1], "USER")
    assert user.split(":")[0] not in ("root", "0")


def test_database_on_the_data_volume() -> None:
    final = stages()[-1]
    volumes = [v for rest in (r for k, r in final if k == "VOLUME") for v in command(rest)]
    assert "/data" in volumes
    env = " ".join(rest for key, rest in final if key == "ENV")
    assert "QUIZBOT_DB=/data/" in env


def test_runs_the_bot_and_checks_its_health() -> None:
    final = stages()[-1]
    assert command(last(final, "CMD")) == ["quizbot", "run"]
    healthcheck = last(final, "HEALTHCHECK")
    options, _, check = healthcheck.partition("CMD ")
    assert command(check.strip()) == ["quizbot", "health"]
    assert "--interval" in options
    env = " ".join(rest for key, rest in final if key == "ENV")
    assert "QUIZBOT_HEALTH_PORT=" in env  # so the health command asks the live bot
    assert "health" in build_parser().parse_args(["health"]).command


def test_dockerignore_keeps_secrets_and_clutter_out() -> None:
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".env", ".git", ".venv", "tests", "*.db", "quizbot.toml"):
        assert entry in ignored
    for needed in ("bot", "scheduler", "content", "pyproject.toml", "README.md"):
        assert needed not in ignored


def test_compose_takes_the_token_from_an_env_file_and_keeps_data_on_a_volume() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    [service] = compose["services"].values()
    env_file = service["env_file"]
    assert env_file == ".env" or ".env" in env_file
    assert any(str(volume).endswith(":/data") for volume in service["volumes"])
    assert "TELEGRAM_BOT_TOKEN" not in json.dumps(service.get("environment", {}))
    named = str(service["volumes"][0]).split(":")[0]
    assert named in compose.get("volumes", {})


def test_builds_without_a_frontend_download() -> None:
    # A `# syntax=` line makes BuildKit fetch a frontend image from a registry first.
    first = (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines()[0]
    assert not first.lower().startswith("# syntax")


def test_installs_the_tested_versions_and_leaves_no_installer() -> None:
    build, final = stages()[0], stages()[-1]
    copied = " ".join(rest for key, rest in build if key == "COPY")
    assert "constraints.txt" in copied
    installs = [rest for key, rest in build if key == "RUN" and "pip install" in rest]
    assert installs and all("-c constraints.txt" in rest for rest in installs)
    build_runs = " ".join(rest for key, rest in build if key == "RUN")
    assert "pip uninstall -y -q pip setuptools" in build_runs
    final_runs = " ".join(rest for key, rest in final if key == "RUN")
    assert "pip uninstall -y -q pip setuptools wheel" in final_runs
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert "constraints.txt" not in ignored


def test_constraints_pin_every_dependency_within_its_range() -> None:
    from packaging.requirements import Requirement

    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not NAME==VERSION"
            pins[name.lower().replace("_", "-").replace(".", "-")] = version
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for text in project["dependencies"] + project["optional-dependencies"]["test"]:
        requirement = Requirement(text)
        name = requirement.name.lower().replace("_", "-").replace(".", "-")
        assert name in pins, f"constraints.txt has no pin for {requirement.name}"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} vs {text}"


def test_runs_as_a_numeric_uid_that_owns_its_font_cache() -> None:
    final = stages()[-1]
    users = [rest for key, rest in final if key == "USER"]
    assert users and all(user.split(":")[0].isdigit() for user in users)
    assert users[-1].split(":")[0] == "10001"
    # The font cache is built after switching to that user (into MPLCONFIGDIR, its own).
    cache_run = next(
        i for i, (key, rest) in enumerate(final) if key == "RUN" and "fontManager" in rest
    )
    assert any(key == "USER" for key, _ in final[:cache_run])
    env = " ".join(rest for key, rest in final[:cache_run] if key == "ENV")
    assert "MPLCONFIGDIR=/opt/mplconfig" in env
    assert any("chown 10001:10001" in rest and "/opt/mplconfig" in rest for _, rest in final)


def test_the_first_health_check_comes_when_the_readme_says() -> None:
    options = last(stages()[-1], "HEALTHCHECK").partition("CMD ")[0]
    values = dict(option.removeprefix("--").split("=") for option in options.split())
    assert values["interval"] == "30s" and values["start-period"] == "30s"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert '"(healthy)" about 30 s later' in readme


def test_compose_rotates_logs_waits_for_a_clean_stop_and_forbids_new_privileges() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    [service] = compose["services"].values()
    assert service["stop_grace_period"] == "15s"
    assert "no-new-privileges:true" in service["security_opt"]
    options = service["logging"]["options"]
    assert options["max-size"] and int(options["max-file"]) >= 2
