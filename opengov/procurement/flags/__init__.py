"""The procurement red-flag engine: OCDS compiled releases in DuckDB, one query per flag.

Pure Python and DuckDB, no Django models: `load_compiled_releases` reads JSON Lines into
tables, `load_bidder_links` adds the registry's links between companies, and `run` returns
every flag's hits with their evidence. `FLAGS` is the registry of definitions.
"""

from .base import FlagDefinition, FlagHit
from .engine import FLAGS, run
from .loader import load_bidder_links, load_compiled_releases

__all__ = [
    "FLAGS",
    "FlagDefinition",
    "FlagHit",
    "load_bidder_links",
    "load_compiled_releases",
    "run",
]
