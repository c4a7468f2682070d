"""COPY rows into a model's table with ids handed out by the caller (the generator's tool).

psycopg 3's `cursor.copy` streams rows without a round trip each; the caller assigns the ids so
that foreign keys can be written without reading anything back, then resets the sequence.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


class Copier:
    """COPY rows into one model's table, with ids handed out here."""

    def __init__(self, model: type[models.Model] | Any, columns: Sequence[str]) -> None:
        self.table = model._meta.db_table
        self.columns = [self._column(model, name) for name in columns]
        self.model = model

    @staticmethod
    def _column(model: Any, name: str) -> str:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{model.__name__}.{name} is not a column")
        return str(field.column)

    def next_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {self.table}")  # noqa: S608
            row = cursor.fetchone()
        return int(row[0])

    def copy(self, rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # psycopg 3's own cursor: it has copy()
            columns = ", ".join(f'"{column}"' for column in self.columns)  # "primary" is a keyword
            sql = f"COPY {self.table} ({columns}) FROM STDIN"
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count

    def reset_sequence(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {self.table}))"
            )
