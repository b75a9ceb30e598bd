"""mtm4f: a tested library behind the MTM4F reproduction notebooks."""

__version__ = "0.1.0"
