from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.http import HttpRequest


@cache
def _user_query(vendor: str) -> tuple[str, list[str], list[tuple[int, tuple[Any, ...], Any]]]:
    """The SQL of `objects.get(pk=%s)` (every column), the columns' names and the converters
    the ORM applies to them (dates and booleans on SQLite). `vendor` keys the cache."""
    qn = connection.ops.quote_name
    meta = get_user_model()._meta
    fields = meta.concrete_fields
    columns = ", ".join(qn(f.column) for f in fields)
    sql = f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608 - names from the model
    converters = []
    for pos, field in enumerate(fields):
        col = field.get_col(meta.db_table)
        funcs = (*connection.ops.get_db_converters(col), *col.get_db_converters(connection))
        if funcs:
            converters.append((pos, funcs, col))
    return sql, [f.attname for f in fields], converters


class EmailBackend(ModelBackend):
    """Log in with the e-mail address, case-insensitively."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None,
        password: str | None = None, **kwargs: Any,
    ) -> Any:
        email = (username or kwargs.get("email") or "").strip().lower()
        return super().authenticate(request, username=email, password=password, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        """As ModelBackend.get_user (`objects.get(pk=...)`, every column), but with the query
        written once: every signed-in request loads its user, and building that query through
        the ORM cost seven times what running it costs (0.75 against 0.1 ms on the bench)."""
        model = get_user_model()
        sql, names, converters = _user_query(connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(sql, [model._meta.pk.to_python(user_id)])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for pos, funcs, col in converters:
            for func in funcs:
                values[pos] = func(values[pos], col, connection)
        user = model.from_db(connection.alias, names, values)
        return user if self.user_can_authenticate(user) else None
