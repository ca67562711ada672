"""(temporary) threshold extraction entry point; the thresholds work replaces this."""
from dataclasses import dataclass, field


@dataclass
class Extraction:
    thresholds: list = field(default_factory=list)
    temporals: list = field(default_factory=list)
    lists: list = field(default_factory=list)
    diagnostics: list = field(default_factory=list)


def extract(mt, rules, long_forms=None):
    return Extraction()
