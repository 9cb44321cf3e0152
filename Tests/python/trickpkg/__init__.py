"""A package of the user's own code, imported by user_modules.py (a CPython-parity program)."""
from .registry import LOSSES, build
from .losses import weighted  # noqa: F401  (registers its classes)
from . import losses as loss_pkg

__all__ = ['LOSSES', 'build', 'VERSION']
VERSION = '0.3'
_private = 'not exported'
print('trickpkg loaded as', __name__, 'package', __package__)
