"""The run ledger: an append-only, hash-chained record of gate runs in a DuckDB file.

Example:
    >>> from gates.ledger import Ledger, actor_from_env  # doctest: +SKIP
    >>> Ledger(".gates/ledger.duckdb").verify().summary()  # doctest: +SKIP
    'ledger intact: 12 records, head 3f9a1c0b7d2e'
"""

from ._actor import actor_from_env as actor_from_env
from ._canonical import GENESIS_HASH as GENESIS_HASH
from ._canonical import canonical_json as canonical_json
from ._canonical import chain_hash as chain_hash
from ._errors import AmbiguousRunId as AmbiguousRunId
from ._errors import BrokenChain as BrokenChain
from ._errors import BrokenChainWarning as BrokenChainWarning
from ._errors import DuplicateRun as DuplicateRun
from ._errors import ExportExists as ExportExists
from ._errors import InvalidRecord as InvalidRecord
from ._errors import LedgerCorrupt as LedgerCorrupt
from ._errors import LedgerError as LedgerError
from ._errors import LedgerLocked as LedgerLocked
from ._errors import RunNotFound as RunNotFound
from ._from_result import ledger_record as ledger_record
from ._from_result import record_result as record_result
from ._ledger import DEFAULT_LEDGER_PATH as DEFAULT_LEDGER_PATH
from ._ledger import Ledger as Ledger
from ._record import VERDICTS as VERDICTS
from ._record import StoredRun as StoredRun
from ._verify import Problem as Problem
from ._verify import ProblemKind as ProblemKind
from ._verify import VerifyReport as VerifyReport

__all__ = [
    "DEFAULT_LEDGER_PATH",
    "GENESIS_HASH",
    "VERDICTS",
    "AmbiguousRunId",
    "BrokenChain",
    "BrokenChainWarning",
    "DuplicateRun",
    "ExportExists",
    "InvalidRecord",
    "Ledger",
    "LedgerCorrupt",
    "LedgerError",
    "LedgerLocked",
    "Problem",
    "ProblemKind",
    "RunNotFound",
    "StoredRun",
    "VerifyReport",
    "actor_from_env",
    "canonical_json",
    "chain_hash",
    "ledger_record",
    "record_result",
]
