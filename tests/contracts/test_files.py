import hashlib

import pytest

from contracts.files import file_sha256


def test_the_hash_is_sha256_of_the_whole_file_also_past_one_block(tmp_path):
    content = bytes(range(256)) * 5000  # over a megabyte: more than one read
    path = tmp_path / "daten.csv"
    path.write_bytes(content)
    assert file_sha256(path) == hashlib.sha256(content).hexdigest()


def test_a_missing_file_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        file_sha256(tmp_path / "fehlt.csv")


def test_a_package_hash_names_its_algorithm_and_reads_back():
    from contracts.files import hex_of_package_hash, package_hash

    assert package_hash("ab12") == "sha256:ab12" and hex_of_package_hash("sha256:ab12") == "ab12"
    assert hex_of_package_hash("md5:ab12") is None
