"""Makes the tests find the package (bindings/python) and the library (ORDO_LIBRARY)."""
import os
import sys
from pathlib import Path

BINDING = Path(__file__).resolve().parents[1]
PROJECT = Path(__file__).resolve().parents[3]

os.environ.setdefault("ORDO_LIBRARY", str(PROJECT / "build" / "lib" / "libordo.so"))
if str(BINDING) not in sys.path:
    sys.path.insert(0, str(BINDING))
