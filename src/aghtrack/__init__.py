"""aghtrack: keep the record of what intergovernmental meetings agreed, and of what was done."""

__version__ = "0.4.0"
