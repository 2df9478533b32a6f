"""The end state of a solve, said plainly (no Qt)."""

from __future__ import annotations

from dataclasses import replace

from solver.result import SolveResult, SolveStatus

INFO, SUCCESS, WARNING, ERROR = "info", "success", "warning", "error"

# Qt style sheets for the result line under a board, by level.
LEVEL_STYLE = {
    SUCCESS: "color: #2e9e4f; font-weight: bold;",
    ERROR: "color: #d0342c; font-weight: bold;",
    WARNING: "color: #c77c00; font-weight: bold;",
    INFO: "",
}


def describe_result(result: SolveResult, model: str = "") -> tuple[str, str]:
    """(sentence, level) for the line under the board; `model` names a model that is not a
    shipped one ("the model you chose, tiny_arc (accuracy not measured)") where it matters."""
    passes = f"{result.passes} pass{'es' if result.passes != 1 else ''}"
    halt = f"halt probability {result.halt_probability:.0%}"
    if result.status is SolveStatus.VERIFIED and result.branch:
        return (
            f"Verified solution after {passes}, found by exploring branch {result.branch}: the model's own "
            "state continued with noise on its latent thought when no view of the puzzle verified. "
            "The rule checker accepts it.",
            SUCCESS,
        )
    if result.status is SolveStatus.VERIFIED and result.committed:
        rounds = f"{result.committed} round{'s' if result.committed != 1 else ''}"
        tried = ("no view or branch had" if result.explored else "no other view had" if result.retried
                 else "the first try had not")
        return (
            f"Verified solution after {passes}, completed over {rounds} of fixing the cells the model "
            f"was surest of (those the rules allow) as givens and thinking on, when {tried} verified one: "
            "a puzzle with few givens has many solutions and the model wavers between them until "
            "some are fixed. The rule checker accepts it.",
            SUCCESS,
        )
    if result.commit_tried and result.status is not SolveStatus.VERIFIED:
        text, level = describe_result(replace(result, commit_tried=False), model)
        return text + " Fixing the model's surest cells as givens, round by round, ended without one too.", level
    if result.status is SolveStatus.UNVERIFIED and result.branch:
        text, level = describe_result(replace(result, branch=0), model)
        return text + f" The answer is branch {result.branch}'s, which the vote over noisy branches chose.", level
    if result.explored and result.status is not SolveStatus.UNVERIFIED:
        text, level = describe_result(replace(result, explored=False), model)
        return text + " Noisy branches of the model's own state found no verified answer either.", level
    if result.status is SolveStatus.VERIFIED and result.retried:
        return (
            f"Verified solution after {passes}, found by solving {result.views} other symmetric views of "
            "the puzzle when the first answer did not verify: the rule checker accepts it.",
            SUCCESS,
        )
    if result.status is SolveStatus.VERIFIED:
        return f"Verified solution after {passes} ({halt}): the rule checker accepts it.", SUCCESS
    if result.retried:
        text, level = describe_result(replace(result, retried=False), model)
        return text + " Other symmetric views of the puzzle found no verified answer either.", level
    if result.status is SolveStatus.BROKEN_RULES:
        return (
            f"After {passes} the model calls its answer final, but it breaks the rules "
            f"({result.reason}); the cells are marked in red. Try “Keep thinking”.",
            ERROR,
        )
    if result.status is SolveStatus.NO_ANSWER:
        return (
            f"No answer within the cap of {passes}: {result.reason}. "
            "“Keep thinking” runs more passes.",
            WARNING,
        )
    if result.status is SolveStatus.UNVERIFIED:
        who = model[:1].upper() + model[1:] if model else "The model"
        return (
            f"{who} answered after {passes} ({halt}). Nothing checks this answer (this kind has no "
            "rule checker): compare it with your own.",
            INFO,
        )
    return f"The puzzle cannot be solved as entered: {result.reason}", ERROR
