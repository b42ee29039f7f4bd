"""The column vocabulary: every input and result column name, defined once.

Input tables follow the festival data contract (``design.md`` section 3). Code refers to
columns through these names, never through string literals scattered across modules.
"""

# identifiers
ENTRY_ID = "entry_id"
JUROR_ID = "juror_id"
CRITERION = "criterion"
LANE = "lane"
#: the ``lane`` of the rows across lanes: festival-wide (affiliation.csv) and a juror's line across the
#: lanes they judge (juror_severity.csv, drift.csv); festival.toml refuses it as a lane id
ALL_LANES = "all"

# entries.csv
TITLE = "title"
CATEGORY = "category"  # the lane an entry competes in, as written in entries.csv
RUNTIME_MIN = "runtime_min"
AI_SHARE = "ai_share"
SHARE_PREFIX = "share_"  # share_<dimension>, one per participation dimension
TOOLS = "tools"
RESOLUTION = "resolution"
LOSSLESS_AUDIO = "lossless_audio"
APPENDIX_PREFIX = "appendix_"  # appendix_<part>
AUTHORSHIP_PROOF = "authorship_proof"
COUNTRY = "country"

# jurors.csv
NAME = "name"
PANEL = "panel"  # the lane a juror judges
FACTION = "faction"
ROLE = "role"
#: the jury a juror sits on within their lane (a country's five jurors: design section 15)
JURY = "jury"
#: added at load where [aggregation] tie_break names a column of entries.csv: each score's entry's value there
TIE_VALUE = "tie_value"

# scores.csv
SCORE = "score"
ROUND = "round"
SUBMITTED_AT = "submitted_at"
COMMENT = "comment"
#: one of an entry's performances in a round (a dive, a jump): judged on its own (design section 14)
PERFORMANCE = "performance"

# performances.csv
FACTOR = "factor"  # the performance's degree of difficulty: its panel score is multiplied by it
BASE = "base"  # points added that no juror gives (ski jumping's distance points)
#: added at load: the place of a performance in its entry's round (0, 1, ...), the order in which it was performed
PERFORMANCE_ORDER = "performance_order"
#: added at load: the usual panel of a performance's lane and round, the number of jurors who judged most of its
#: performances (the larger on a tie); a performance judged by fewer has a short panel
USUAL_PANEL = "usual_panel"

# participation_assessments.csv (design section 17)
ASSESSOR_ID = "assessor_id"  # a juror or a verifier of jurors.csv who assessed the entry's AI participation
DIMENSION = "dimension"  # a dimension of [participation] weights
SHARE = "share"  # the AI share of that dimension, 0 to 100
#: jurors.csv role of a verifier: assesses AI participation, never scores
VERIFIER = "verifier"

# conflicts.csv
REASON = "reason"

# decisions.csv
FLAG_ID = "flag_id"
ACTION = "action"
DECIDED_BY = "decided_by"
DECIDED_AT = "decided_at"

# added at load: the row of the input file as a spreadsheet user counts it (header = row 1)
SOURCE_ROW = "source_row"
# added at load from a wide scores sheet: the sheet's column the score was read from (the juror or criterion)
SOURCE_COLUMN = "source_column"

# problems (FestivalDataError.to_frame)
FILE = "file"
ROW = "row"
COLUMN = "column"
VALUE = "value"
EXPECTED = "expected"

# coverage and summaries
STATUS = "status"
N_EXPECTED = "n_expected"
N_SCORED = "n_scored"
N_MISSING = "n_missing"
N_ENTRIES = "n_entries"
N_JURORS = "n_jurors"
N_SCORES = "n_scores"
N_CONFLICTS = "n_conflicts"
N_UNASSIGNED = "n_unassigned"
MEAN_SCORE = "mean_score"


def share_column(dimension: str) -> str:
    """Name of the entries column holding one participation dimension's share.

    >>> share_column("writing")
    'share_writing'
    """
    return f"{SHARE_PREFIX}{dimension}"


def appendix_column(part: str) -> str:
    """Name of the entries column saying whether the pipeline appendix covers ``part``.

    >>> appendix_column("seeds")
    'appendix_seeds'
    """
    return f"{APPENDIX_PREFIX}{part}"
