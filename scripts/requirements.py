"""Print pyproject.toml's dependencies, one per line, for pip -r.

Without arguments: what serving needs (`[project] dependencies`). With `--dev`: those and the
`dev` extras (tests, linters, load test).
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
requirements = list(project["dependencies"])
if "--dev" in sys.argv[1:]:
    requirements += project["optional-dependencies"]["dev"]
for requirement in requirements:
    print(requirement)
