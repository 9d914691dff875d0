"""The OParl Table Schemas are valid Frictionless schemas with German titles and sound keys."""

from frictionless import Schema

from pipelines.oparl.table_schemas import FACETS, FTS, INDEXES, SCHEMAS


def test_every_schema_is_valid_frictionless_metadata_in_german():
    for name, (title, description, schema) in SCHEMAS.items():
        assert list(Schema.metadata_validate(schema)) == [], name
        assert title and description
        for field in schema["fields"]:
            assert field["title"] and field["description"], (name, field["name"])


def test_foreign_keys_fts_and_indexes_name_existing_tables_and_columns():
    columns = {name: {f["name"] for f in schema["fields"]} for name, (_, _, schema) in SCHEMAS.items()}
    for name, (_, _, schema) in SCHEMAS.items():
        for key in schema["foreignKeys"]:
            assert len(key["fields"]) == 1 and key["fields"][0] in columns[name]
            assert key["reference"]["resource"] in SCHEMAS and key["reference"]["fields"] == ["id"]
    for name, names in list(FTS.items()) + list(FACETS.items()):
        assert set(names) <= columns[name]
    for name, indexes in INDEXES.items():
        assert all(set(index) <= columns[name] for index in indexes)
