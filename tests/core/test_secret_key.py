"""The secret key: from the environment, else generated once for the embedded SQLite
database only; `check --deploy` insists on the environment's."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_django import Settings

import summitdesk
from summitdesk.core.apps import secret_key_from_environment

SRC = Path(summitdesk.__file__).resolve().parents[1]
PRINT_KEY = (
    "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
)


def run(code: list[str], var_dir: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """A fresh Python process with no SECRET_KEY unless given, as an operator starts one."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "SECRET_KEY_FALLBACKS", "DATABASE_URL"}
    }
    env |= {
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "summitdesk.settings",
        "SUMMITDESK_VAR_DIR": str(var_dir),
        **environment,
    }
    return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, *code], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_sqlite_without_secret_key_generates_one_key_kept_private(tmp_path: Path) -> None:
    first = run(["-c", PRINT_KEY], tmp_path)
    second = run(["-c", PRINT_KEY], tmp_path)

    assert (first.returncode, second.returncode) == (0, 0)
    key_file = tmp_path / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert first.stdout.strip() == key
    assert second.stdout.strip() == key  # made once, then read
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert f"using the key generated in {key_file}" in first.stderr
    assert [path.name for path in tmp_path.iterdir() if "secret" in path.name] == ["secret_key"]


def test_generated_keys_differ_between_installations(tmp_path: Path) -> None:
    """No key comes from the source: two installations get two keys."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    one = run(["-c", PRINT_KEY], tmp_path / "a").stdout.strip()
    other = run(["-c", PRINT_KEY], tmp_path / "b").stdout.strip()

    assert len(one) >= 50
    assert one != other


def test_postgresql_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = run(
        ["-c", PRINT_KEY], tmp_path, DATABASE_URL="postgres://summitdesk@127.0.0.1:5432/summitdesk"
    )

    assert result.returncode == 1
    assert (
        "SECRET_KEY must be set: a key is generated only for the embedded SQLite database, "
        "and DATABASE_URL names another." in result.stderr
    )
    assert not (tmp_path / "secret_key").exists()


def test_environment_key_is_used_and_nothing_is_generated(tmp_path: Path) -> None:
    key = "k" * 60
    result = run(["-c", PRINT_KEY], tmp_path, SECRET_KEY=key)

    assert (result.returncode, result.stdout.strip()) == (0, key)
    assert "generated" not in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_check_deploy_fails_on_a_generated_key(tmp_path: Path) -> None:
    generated = run(["-m", "summitdesk.cli", "check", "--deploy"], tmp_path)
    configured = run(["-m", "summitdesk.cli", "check", "--deploy"], tmp_path, SECRET_KEY="k" * 60)

    assert generated.returncode == 1
    assert "(summitdesk.E001) SECRET_KEY does not come from the environment" in generated.stderr
    assert configured.returncode == 0
    assert "summitdesk.E001" not in configured.stderr + configured.stdout


@pytest.mark.parametrize(("from_environment", "ids"), [(True, []), (False, ["summitdesk.E001"])])
def test_deploy_check_names_a_key_not_from_the_environment(
    settings: Settings, from_environment: bool, ids: list[str]
) -> None:
    settings.SECRET_KEY_FROM_ENVIRONMENT = from_environment
    assert [message.id for message in secret_key_from_environment()] == ids
