"""SUMMITDESK_FILE_STORAGE: the directory of uploaded and generated files, which every web
server and worker of a cluster shares while each keeps a var directory of its own."""

from pathlib import Path

from tests.core.test_secret_key import run

PRINT_LOCATION = (
    "import django; django.setup(); from django.core.files.storage import default_storage; "
    "print(default_storage.location)"
)


def test_file_storage_defaults_to_files_under_the_var_directory(tmp_path: Path) -> None:
    shown = run(["-c", PRINT_LOCATION], tmp_path, SUMMITDESK_FILE_STORAGE="")

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == str(tmp_path / "files")


def test_file_storage_setting_names_a_directory_shared_by_processes_of_their_own(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "share"
    locations = set()
    for name in ("web1", "worker1"):
        (tmp_path / name).mkdir()
        shown = run(
            ["-c", PRINT_LOCATION],
            tmp_path / name,
            SUMMITDESK_FILE_STORAGE=str(shared),
            SECRET_KEY="k" * 50,
        )
        assert shown.returncode == 0, shown.stderr
        locations.add(shown.stdout.strip())

    assert locations == {str(shared)}
