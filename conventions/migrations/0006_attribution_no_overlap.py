"""On PostgreSQL, forbid two attributions of one slot over overlapping periods in the database.

An ``ExclusionConstraint`` (slot ``=``, ``daterange(debut, fin, '[]')`` ``&&``) needs the
``btree_gist`` extension and does not exist on SQLite, so it is raw SQL run only on PostgreSQL
and kept out of the model state: on SQLite the locked check of ``services.attribuer_place``
alone guards the slots (SQLite serialises writers anyway). An open attribution (``fin`` empty)
has an unbounded range.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE conventions_attribution ADD CONSTRAINT attribution_place_no_overlap "
    "EXCLUDE USING gist (place_id WITH =, daterange(debut, fin, '[]') WITH &&)",
]
DROP = ["ALTER TABLE conventions_attribution DROP CONSTRAINT IF EXISTS attribution_place_no_overlap"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("conventions", "0005_supply_details")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
