"""What every chapter's tests assert of its exercise checks (issue 19), written once."""

from nblib.exercises import FunctionCheck


def assert_each_mistake_gets_its_hint(check, at_least):
    """Each listed mistake, at full precision and at 3 significant digits (``check.mistakes()``),
    gets exactly its own hint and is never judged right; a function exercise is judged through
    its kernel-free proxy question. ``at_least``: the fewest mistakes the check must list."""
    assert check.misjudged() == []
    listed = check.mistakes()
    assert len(listed) >= at_least
    judge = check.proxy if isinstance(check, FunctionCheck) else check
    for answer, message in listed:
        feedback = judge(answer)
        assert feedback.correct is False and feedback.message == message, (answer, feedback.message)
