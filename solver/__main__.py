"""``python -m solver`` and the ``intergov`` command: the command line, with a Ctrl-C pressed
while the modules load (numpy, scipy, numba: about a second) as clean as one pressed later."""

import os
import signal
import sys

INTERRUPTED = "intergov: interrupted; no file was left half-written"


def run() -> None:
    """The ``intergov`` entry point: :func:`solver.cli.main`, and its exit status."""
    try:
        from .cli import main

        status = main()
        # The work is done (or stopped and said so): a Ctrl-C from now on changes nothing.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:  # while the modules load, or as main() returned
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print(INTERRUPTED, file=sys.stderr)
        status = 130
    if status == 130:
        # Interrupted, and already said so: leave with 130 at once. (A KeyboardInterrupt that
        # passed through an import marks the interpreter, which would otherwise end the process
        # by SIGINT, status −2, even after the interrupt was handled.)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(status)


if __name__ == "__main__":
    run()
