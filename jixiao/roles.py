"""The members of `Role` (jixiao/records.py) as Final names, for compiled code.

Compiled, `Role.VALUE` read inside a function is a call through the enum type's __getattr__
hook (Python 3.11); a Final name of a compiled module is a C variable, in this module and in
every compiled module that imports it (docs/development.md). records.py itself stays Python.
"""

from __future__ import annotations

from typing import Final

from jixiao.records import Role

# enum members read inside functions, as Final names (docs/development.md)
ROLE_LEVEL1: Final = Role.LEVEL1
ROLE_LEVEL2: Final = Role.LEVEL2
ROLE_NAME: Final = Role.NAME
ROLE_OPERATOR: Final = Role.OPERATOR
ROLE_DIRECTION: Final = Role.DIRECTION
ROLE_VALUE: Final = Role.VALUE
ROLE_UNIT: Final = Role.UNIT
ROLE_EXPLANATION: Final = Role.EXPLANATION
ROLE_SCORING: Final = Role.SCORING
ROLE_REMARK: Final = Role.REMARK
ROLE_WEIGHT: Final = Role.WEIGHT
ROLE_ACTUAL: Final = Role.ACTUAL
ROLE_SCORE: Final = Role.SCORE
ROLE_DEVIATION: Final = Role.DEVIATION
ROLE_STANDARD: Final = Role.STANDARD
ROLE_IGNORE: Final = Role.IGNORE

# every role in the enum's order; a role's code is its index (compiled code indexes vecs by
# codes where a dict keyed by the role was a lookup per cell and role)
ROLES: Final = tuple(Role)
ROLE_CODE: Final = {role: code for code, role in enumerate(ROLES)}
