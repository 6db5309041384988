"""Records printed as a table, CSV, JSON or Markdown: the one way commands print tabular results."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import click

__all__ = ["plural", "print_records"]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun, singular for one.

    Examples
    --------
    >>> plural(1, "path"), plural(3, "path"), plural(0, "entity", "entities")
    ('1 path', '3 paths', '0 entities')
    """
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def print_records(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt: str, *,
                  noun: tuple[str, str] = ("row", "rows")) -> None:
    """Print ``rows`` under ``columns`` as ``table``, ``csv``, ``json`` (a list of objects) or ``markdown``.

    ``None`` cells are empty (``null`` in JSON); numbers stay numbers in JSON. The table ends
    with a count of the rows, ``noun`` giving its singular and plural.
    """
    if fmt == "json":
        click.echo(json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(cell) for cell in row] for row in rows)
        click.echo(buffer.getvalue(), nl=False)
    elif fmt == "markdown":
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(_text(c).replace("|", "\\|").replace("\n", " ") for c in row) + " |" for row in rows]
        click.echo("\n".join(lines))
    else:
        _table(columns, rows)
        click.echo(plural(len(rows), *noun))


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(*columns, show_lines=False)
    for row in rows:
        table.add_row(*[escape(_text(cell)) for cell in row])
    Console(soft_wrap=False).print(table)
