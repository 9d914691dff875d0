import sqlite_utils

from publish.geometry_index import create_rtree

FIELDS = [
    {"name": n, "type": t}
    for n, t in [
        ("id", "string"),
        ("geometrie", "geojson"),
        ("bbox_west", "number"),
        ("bbox_sued", "number"),
        ("bbox_ost", "number"),
        ("bbox_nord", "number"),
    ]
]


def resource(geometry="geometrie", fields=FIELDS):
    return {"name": "flaechen", "schema": {"fields": fields}, "kommune": {"geometry": geometry}}


def test_rtree_answers_bounding_box_queries(tmp_path):
    db = sqlite_utils.Database(tmp_path / "portal.db")
    db["flaechen"].insert_all(
        [
            {"id": "a", "geometrie": "{}", "bbox_west": 7.60, "bbox_sued": 51.60, "bbox_ost": 7.61, "bbox_nord": 51.61},
            {"id": "b", "geometrie": "{}", "bbox_west": 7.70, "bbox_sued": 51.70, "bbox_ost": 7.71, "bbox_nord": 51.71},
            {"id": "c", "geometrie": None, "bbox_west": None, "bbox_sued": None, "bbox_ost": None, "bbox_nord": None},
        ]
    )
    assert create_rtree(db, resource()) == "flaechen_rtree"
    window = (7.605, 7.65, 51.605, 51.65)  # west, east, south, north
    found = db.execute(
        "select f.id from flaechen f join flaechen_rtree r on f.rowid = r.id "
        "where r.max_x >= ? and r.min_x <= ? and r.max_y >= ? and r.min_y <= ?",
        window,
    ).fetchall()
    assert found == [("a",)]
    assert db.execute("select count(*) from flaechen_rtree").fetchone() == (2,)  # rows without bbox left out


def test_tables_without_geometry_get_no_rtree(tmp_path):
    db = sqlite_utils.Database(tmp_path / "portal.db")
    db["flaechen"].insert({"id": "a"})
    assert create_rtree(db, resource(geometry=None)) is None
    assert create_rtree(db, resource(fields=FIELDS[:2])) is None
    assert "flaechen_rtree" not in db.table_names()
