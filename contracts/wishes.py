"""Data wishes: the vocabularies of the register (`metadata/datenwuensche.yaml`), which the
pipelines validate and publish and the site and `kommune wuensche` show, and the limits of
the wish form, which the server enforces and the form page announces.
"""

from __future__ import annotations

#: Status of a wish in the register → the German word the site shows.
STATUSES = {
    "eingegangen": "eingegangen",
    "in-pruefung": "in Prüfung",
    "veroeffentlicht": "veröffentlicht",
    "nicht-moeglich": "nicht möglich",
}
#: Why data the town holds cannot be opened.
CLOSED_REASONS = {
    "datenschutz": "Datenschutz (personenbezogene Daten)",
    "rechte-dritter": "Rechte Dritter (Urheber-, Nutzungs- oder Geschäftsgeheimnisrechte)",
    "keine-maschinenlesbare-quelle": "Keine maschinenlesbare Quelle (nur Papier, Scan oder Fachverfahren ohne Export)",
}

#: The wish form's fields and their longest accepted length in characters.
TITLE_MAX = 200
DESCRIPTION_MAX = 4000
CONTACT_MAX = 200
#: Longest request body the server reads (URL-encoded, so up to 9 bytes per character of umlauts).
BODY_MAX_BYTES = 48 * 1024
