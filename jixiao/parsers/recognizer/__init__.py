"""The row recognizer: indicator rows found by what the cells hold, with or without a header.

Text is cut into atoms at every separator it has (tab, "|", runs of spaces, line breaks) and
at glue points (a name running into an operator, a number or a unit); every span of atoms
is scored for every role by what it holds; rows are decoded as the cheapest sequence of
roles over the atom stream (dynamic programming), in a column order that a header gives
where one is found and that the cells choose among the usual templates where none is.

- `lattice`: atoms and the boundaries between them;
- `kinds`: what a cell holds (level name, operator, number, unit, header label, ...);
- `costs`: the cost of each role for a cell, from `jixiao/data/rows.toml`;
- `decode`: the dynamic programme (and the lattice's boundary costs);
- `headers`: the table's header, its column order and columns;
- `region`: where the tables are, and the costs that depend on it;
- `arithmetic`: the form's arithmetic choosing among readings of bare numbers;
- `tails`: free-text cells given roles by what they hold;
- `build`: decoded rows into RawForms, with heads, footers and unread lines;
- `forms`: the whole reading of a text.
"""

from __future__ import annotations

from jixiao.parsers.recognizer.forms import recognize

__all__ = ["recognize"]
