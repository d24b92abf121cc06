"""Code run in a fresh Python process, as a user's next session runs it."""

import subprocess
import sys
import textwrap

import numpy as np


def run_in_fresh_process(directory, code, **arrays):
    """Run ``code`` in a fresh process, in ``directory``, where ``arrays`` are
    saved and loaded again as variables of their names (``np`` is NumPy);
    fail with its error output unless it runs to the end."""
    for name, array in arrays.items():
        np.save(directory / f"{name}.npy", array)
    loads = "".join(f"{name} = np.load({name + '.npy'!r})\n" for name in arrays)
    script = (
        f"import os\nimport numpy as np\nos.chdir({str(directory)!r})\n{loads}"
        f"{textwrap.dedent(code)}\nprint('ran to the end')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert out.stdout.strip().endswith("ran to the end"), out.stderr
