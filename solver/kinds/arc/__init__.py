"""ARC-AGI tasks (colour grids, no rule checker): everything about the kind. `KIND` is what the rest of the project uses; the names
below are this package's public vocabulary."""

from solver.kinds.arc.codec import (
    ARC_CODEC,
    ArcCodec,
    decode_arc_grid,
    encode_arc_grid,
)
from solver.kinds.arc.formats import (
    format_arc_task,
    load_arc_challenges,
    load_arc_task,
    parse_arc_challenges,
    parse_arc_task,
)
from solver.kinds.arc.kind import KIND
from solver.kinds.arc.task import (
    COLOUR_OFFSET,
    EOS_ID,
    MAX_SIZE,
    NUM_COLOURS,
    SEQ_LEN,
    ArcPair,
    ArcTask,
)

__all__ = [
    "ARC_CODEC",
    "COLOUR_OFFSET",
    "EOS_ID",
    "KIND",
    "MAX_SIZE",
    "NUM_COLOURS",
    "SEQ_LEN",
    "ArcCodec",
    "ArcPair",
    "ArcTask",
    "decode_arc_grid",
    "encode_arc_grid",
    "format_arc_task",
    "load_arc_challenges",
    "load_arc_task",
    "parse_arc_challenges",
    "parse_arc_task",
]
