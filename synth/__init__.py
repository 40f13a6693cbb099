"""synth: fill coverage gaps with SDV synthetic rows, re-validated and scored.

A library of its own: ``plan_fill`` decides what to generate, ``fill`` fits one SDV
single-table synthesizer and samples each short condition, ``write`` saves the augmented
data with a JSON manifest. Needs the ``[synth]`` extra (sdv, sdmetrics) at run time.
"""

from ._errors import ConditionError as ConditionError
from ._errors import GenerationError as GenerationError
from ._errors import MissingSynthExtraError as MissingSynthExtraError
from ._errors import OutputError as OutputError
from ._errors import OutputExistsError as OutputExistsError
from ._errors import SynthConfigError as SynthConfigError
from ._errors import SynthError as SynthError
from ._errors import ValidatorError as ValidatorError
from ._fill import fill as fill
from ._model import Inequality as Inequality
from ._plan import FillPlan as FillPlan
from ._plan import PlannedCondition as PlannedCondition
from ._plan import Shortfall as Shortfall
from ._plan import SkipReason as SkipReason
from ._plan import plan_fill as plan_fill
from ._privacy import PrivacyScores as PrivacyScores
from ._quality import GENERATOR_ROWS as GENERATOR_ROWS
from ._quality import GeneratorScores as GeneratorScores
from ._quality import QualityScores as QualityScores
from ._result import ConditionOutcome as ConditionOutcome
from ._result import FillResult as FillResult
from ._write import manifest_path as manifest_path
from ._write import write as write

__all__ = [
    "GENERATOR_ROWS",
    "ConditionError",
    "ConditionOutcome",
    "FillPlan",
    "FillResult",
    "GenerationError",
    "GeneratorScores",
    "Inequality",
    "MissingSynthExtraError",
    "OutputError",
    "OutputExistsError",
    "PlannedCondition",
    "PrivacyScores",
    "QualityScores",
    "Shortfall",
    "SkipReason",
    "SynthConfigError",
    "SynthError",
    "ValidatorError",
    "fill",
    "manifest_path",
    "plan_fill",
    "write",
]
