"""``python -m solver`` runs the ``intergov`` command line."""

import sys

from .cli import main

sys.exit(main())
