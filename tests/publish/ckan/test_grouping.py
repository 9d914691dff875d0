"""The CKAN tests share one CKAN on a fixed port, so `make test` (pytest-xdist, --dist loadgroup)
must run them all in one worker. pytest 9 with pytest-xdist 3.8 stopped grouping without a word:
two workers then started two CKANs over each other and one stopped CKAN under the other's tests."""

from __future__ import annotations

import pytest


def test_the_ckan_tests_run_as_one_group_under_loadgroup(request):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("only meaningful in a worker of --dist loadgroup (make test)")
    assert request.node.nodeid.endswith("@ckan"), request.node.nodeid
