"""The service register model and the bundled `metadata/services.yaml`."""

from __future__ import annotations

import pydantic
import pytest
import yaml

from pipelines.config.services import ServiceRegister
from tests.service_support import PROJECT


def load_register() -> ServiceRegister:
    return ServiceRegister.model_validate(
        yaml.safe_load((PROJECT / "metadata" / "services.yaml").read_text(encoding="utf-8"))
    )


def service(**overrides):
    data = {
        "id": "sperrmuell",
        "name": "Sperrmüllabholung",
        "office": "Kommunalbetrieb",
        "maturity_level": 1,
        "maturity_since": "2018-01-01",
        "eid": False,
        "online_payment": False,
        "complexity": {"identification": "niedrig", "payment_required": True, "written_form": False},
    }
    data.update(overrides)
    return data


def test_bundled_register_is_valid_and_covers_about_forty_services():
    register = load_register()
    assert 35 <= len(register.services) <= 60
    bulky = next(entry for entry in register.services if entry.id == "sperrmuell")
    # Online form since the demo statistics begin (their channel "Online-Formular"), paid by transfer.
    assert bulky.maturity_level == 3 and bulky.online_link and not bulky.online_payment and not bulky.eid
    assert any(entry.eid for entry in register.services) and any(entry.online_payment for entry in register.services)


def test_statistics_links_name_rows_that_exist_in_the_demo_exports():
    from tests.service_support import read_raw

    labels = {
        "service-buergerbuero": {record["leistung"] for record in read_raw("service-buergerbuero")},
        "service-sperrmuell": {record["leistung"] for record in read_raw("service-sperrmuell")},
        "service-beschwerden": {"Insgesamt"},
    }
    for entry in load_register().services:
        if entry.statistics:
            assert entry.statistics.name in labels[entry.statistics.dataset], entry.id


def test_online_claims_need_a_link():
    with pytest.raises(pydantic.ValidationError, match="online_link"):
        ServiceRegister.model_validate({"services": [service(maturity_level=3)]})


def test_online_payment_needs_a_fee():
    with pytest.raises(pydantic.ValidationError, match="payment_required"):
        ServiceRegister.model_validate(
            {
                "services": [
                    service(
                        online_payment=True,
                        online_link="https://example.org/",
                        complexity={"identification": "keine", "payment_required": False, "written_form": False},
                    )
                ]
            }
        )


def test_every_mistake_is_reported_at_once():
    with pytest.raises(pydantic.ValidationError) as raised:
        ServiceRegister.model_validate({"services": [service(maturity_level=7, leika_id="12", unknown=1)]})
    fields = {error["loc"][-1] for error in raised.value.errors()}
    assert {"maturity_level", "leika_id", "unknown"} <= fields


def test_duplicate_ids_are_refused():
    with pytest.raises(pydantic.ValidationError, match="Doppelte"):
        ServiceRegister.model_validate({"services": [service(), service()]})


def test_portal_validation_reports_register_mistakes_with_file_and_key(portal_dir):
    from pipelines.declarations import load_portal
    from pipelines.errors import ConfigError

    path = portal_dir.root / "metadata" / "services.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("maturity_level: 1", "maturity_level: 9", 1), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as raised:
        load_portal(portal_dir.root)
    assert "metadata/services.yaml: services.0.maturity_level" in str(raised.value)


def test_register_is_resolved_into_portal_json(portal_dir):
    import json

    from kommune import portal

    portal.build(portal_dir.root, portal_dir.out)
    resolved = json.loads((portal_dir.out / "portal.json").read_text(encoding="utf-8"))["services"]
    assert resolved["roadmap"]["demand_weight"] == 0.6
    assert resolved["services"][0]["maturity_since"] == "2019-03-01"
