"""The to-do independent of the number of units, or nearly (issue 16, bench/lists.py).

The navigation's to-do of a user who sees every unit (an admin, a reviewer of the province) adds up
the kept counts of every unit (projects_statecount, 19 rows a unit at 50,000 projects): PostgreSQL read
the whole table and hashed the 11,000 waiting rows, 6-8 ms a page at 1,000 units. state_count_todo holds
only the waiting rows (projects.models.TODO_WAITING, the to-do's own condition), in the to-do's grouping
order with n, so the sum is an index-only scan already in order (about 2.5 ms). It is still a sum over
the units' rows: a count independent of the units would need a table without the unit in its key,
which every writer of the province would then lock.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0023_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="statecount",
            index=models.Index(
                condition=models.Q(
                    models.Q(
                        models.Q(("stage", "self_evaluation"), ("status__in", ("draft", "returned", "submitted"))),
                        models.Q(
                            ("stage", "targets"),
                            ("status__in", ("draft", "adjusting", "returned", "revising", "submitted")),
                        ),
                        _connector="OR",
                    ),
                    ("n__gt", 0),
                ),
                fields=["year", "stage", "status", "answered", "n"],
                name="state_count_todo",
            ),
        ),
    ]
