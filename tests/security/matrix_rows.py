"""Print matrix rows from the observed answers that `MATRIX_DUMP=dir pytest
tests/security/test_matrix.py` wrote: `python -m tests.security.matrix_rows dir [names...]`.
Review each row before pasting it into matrix.py: it states what the code does today."""

import json
import sys
from pathlib import Path

from tests.security.matrix import PERSONAS


def rows(directory: Path, only=()):
    observed = {p: json.loads((directory / f"{p}.json").read_text()) for p in PERSONAS}
    for name in observed["anonymous"]:
        if only and name not in only:
            continue
        method = "POST" if any(observed[p][name][0] == "POST" for p in PERSONAS) else "GET"
        statuses = " ".join(f"{observed[p][name][1]:>3}" for p in PERSONAS)
        yield f'    "{name}": ("{method}", "{statuses}"),'


if __name__ == "__main__":
    print("\n".join(rows(Path(sys.argv[1]), set(sys.argv[2:]))))
