"""Deployment files: the Dockerfile's build context makes a complete package, the compose
file is valid (by `docker compose config` where Docker has the plugin), and both start
the service the way the README says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
PACKAGES = sorted(
    p.name for p in REPO.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"
)


def dockerfile_sources() -> list[str]:
    """What the Dockerfile copies into the image before `pip install .`."""
    sources = []
    for line in (REPO / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            sources += line.split()[1:-1]
    return sources


def test_the_dockerfile_context_builds_a_complete_package(tmp_path):
    context = tmp_path / "context"
    context.mkdir()
    for source in dockerfile_sources():
        path = REPO / source
        if path.is_dir():
            shutil.copytree(path, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, context / source)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(wheels),
            str(context),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("propdesk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in PACKAGES:  # a package the Dockerfile forgot to COPY would be missing
        assert f"{package}/__init__.py" in names, package
    for data in (
        "handlers/locales/zh/LC_MESSAGES/messages.po",
        "bot/demo/faq.yml",
        "nlu/data/nlu.yml",
        "storage/migrations/env.py",
        "storage/migrations/script.py.mako",
        *(
            f"storage/migrations/versions/{p.name}"
            for p in (REPO / "storage/migrations/versions").glob("*.py")
        ),
    ):
        assert data in names, data
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "propdesk = bot.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_image_runs_the_service_with_a_health_check():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r'^ENTRYPOINT \["propdesk"\]$', dockerfile, re.M)
    assert re.search(r'^CMD \["run"\]$', dockerfile, re.M)
    assert "PROPDESK_HEALTH_LISTEN=0.0.0.0:8080" in dockerfile
    assert "/healthz" in dockerfile.split("HEALTHCHECK", 1)[1]
    unit = (REPO / "deploy/propdesk.service").read_text()
    assert "ExecStart=/opt/propdesk/bin/propdesk run" in unit
    assert "ExecStartPre=/opt/propdesk/bin/propdesk db upgrade" in unit


def test_the_compose_file_runs_propdesk_on_its_postgresql():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "propdesk"}
    desk = services["propdesk"]
    assert desk["env_file"] == ".env"
    assert desk["depends_on"]["db"]["condition"] == "service_healthy"
    url = desk["environment"]["PROPDESK_DATABASE_URL"]
    assert url == "postgresql+psycopg://propdesk@db:5432/propdesk"
    assert "healthcheck" in services["db"]


def test_compose_upgrades_the_schema_before_the_desk_starts():
    """After an image upgrade the desk would stop on an older schema, again and again."""
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    condition = services["propdesk"]["depends_on"]["migrate"]["condition"]
    assert condition == "service_completed_successfully"


def test_compose_passes_the_password_apart_from_the_url_and_mounts_the_faq():
    """A password with @ / : # in a URL breaks it; libpq reads PGPASSWORD as it is."""
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    for name in ("migrate", "propdesk"):
        environment = services[name]["environment"]
        assert "POSTGRES_PASSWORD" not in environment["PROPDESK_DATABASE_URL"]
        assert environment["PGPASSWORD"].startswith("${POSTGRES_PASSWORD")
        faq = environment["PROPDESK_FAQ_PATH"]
        assert any(volume.endswith(f":{faq}:ro") for volume in services[name]["volumes"])


def _compose_available() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True)
    return probe.returncode == 0


@pytest.mark.skipif(
    not _compose_available(), reason="no `docker compose` on this machine (Docker's plugin)"
)
def test_docker_compose_accepts_the_file(tmp_path):
    shutil.copy(REPO / "docker-compose.yml", tmp_path)
    (tmp_path / ".env").write_text("PROPDESK_TELEGRAM_TOKEN=1:x\nPROPDESK_STAFF_CHAT_ID=-100\n")
    result = subprocess.run(
        ["docker", "compose", "config", "--quiet"],
        cwd=tmp_path,
        env={**os.environ, "POSTGRES_PASSWORD": "secret"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_scaled_compose_puts_a_proxy_before_two_bot_processes_and_runs_workers():
    """deploy/compose.scale.yml (README: Scaling out): PostgreSQL, the schema upgraded
    first, Caddy in front of 2 `--role bot` webhook processes, 2 `--role worker`."""
    compose = yaml.safe_load((REPO / "deploy/compose.scale.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "bot", "worker", "proxy"}
    bot, worker = services["bot"], services["worker"]
    assert bot["command"][:3] == ["run", "--role", "bot"] and "--webhook-url" in bot["command"]
    assert bot["command"][bot["command"].index("--listen") + 1] == "0.0.0.0:8443"
    assert worker["command"] == ["run", "--role", "worker"]
    assert bot["deploy"]["replicas"] == 2 and 1 <= worker["deploy"]["replicas"] <= 2
    for name in ("bot", "worker", "migrate"):
        environment = services[name]["environment"]
        assert environment["PROPDESK_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert environment["PGPASSWORD"].startswith("${POSTGRES_PASSWORD")
        assert environment["PROPDESK_COMPOUNDS_FILE"] == "/etc/propdesk/compounds.yml"
    for name in ("bot", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    caddyfile = (REPO / "deploy/Caddyfile").read_text()
    assert "reverse_proxy bot:8443" in caddyfile and "health_uri /healthz" in caddyfile
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
