"""Reading data: every source becomes a lazy :class:`Dataset`."""

from ._dataset import FORMATS as FORMATS
from ._dataset import TEXT_FORMATS as TEXT_FORMATS
from ._dataset import Dataset as Dataset
from ._dataset import load as load

__all__ = ["FORMATS", "TEXT_FORMATS", "Dataset", "load"]
