"""``python -m skdl``: the tour (see ``python -m skdl --help``)."""

import sys

from ._tour import main

if __name__ == "__main__":
    sys.exit(main())
