"""labeling: find label issues in tabular training data with cleanlab.

A library in its own right (it never imports ``gates``)::

    import polars as pl
    from labeling import find_issues

    report = find_issues(pl.read_parquet("train.parquet"), label="target", seed=0)
    report.issues.filter(pl.col("issue_type") == "label").head()

Needs the ``[labels]`` extra: ``pip install 'datagates[labels]'``.
"""

from ._crossval import cross_val_pred_probs as cross_val_pred_probs
from ._errors import ContinuousLabelError as ContinuousLabelError
from ._errors import FeatureColumnError as FeatureColumnError
from ._errors import InvalidOptionError as InvalidOptionError
from ._errors import LabelColumnError as LabelColumnError
from ._errors import LabelingError as LabelingError
from ._errors import LabelsExtraMissingError as LabelsExtraMissingError
from ._errors import PredProbsError as PredProbsError
from ._errors import SingleClassError as SingleClassError
from ._errors import TooFewRowsError as TooFewRowsError
from ._errors import TooManyClassesError as TooManyClassesError
from ._featurize import FeatureMatrix as FeatureMatrix
from ._featurize import featurize as featurize
from ._find import FILTER_METHODS as FILTER_METHODS
from ._find import find_issues as find_issues
from ._report import ISSUE_TYPES as ISSUE_TYPES
from ._report import LabelReport as LabelReport
from ._skill import LOW_AGREEMENT as LOW_AGREEMENT
from ._skill import NO_SKILL_AUC as NO_SKILL_AUC

__all__ = [
    "FILTER_METHODS",
    "ISSUE_TYPES",
    "LOW_AGREEMENT",
    "NO_SKILL_AUC",
    "ContinuousLabelError",
    "FeatureColumnError",
    "FeatureMatrix",
    "InvalidOptionError",
    "LabelColumnError",
    "LabelReport",
    "LabelingError",
    "LabelsExtraMissingError",
    "PredProbsError",
    "SingleClassError",
    "TooFewRowsError",
    "TooManyClassesError",
    "cross_val_pred_probs",
    "featurize",
    "find_issues",
]
