"""The built-in feedback of every check, as templates shared with the web book.

Python fills a template with ``str.format``; the web book's ``selfcheck.js``
receives the same templates in each exercise's JSON and fills the ``{name}``
fields the same way, so both say exactly the same words.
"""

MESSAGES = {
    "unanswered": "Put your answer in place of the placeholder, then check again.",
    "kind": "Expected {want}, got {got}.",
    "entry": "Expected {want}, but entry {path} is {got}.",
    "shape": "Expected {want}, got {got}.",
    "ragged": "Expected {want}, got a nested list whose rows have different lengths.",
    "nan": "Your answer contains NaN (not a number): a step computed something undefined, "
           "such as 0/0 or inf - inf.",
    "inf": "Your answer contains infinity or a number too large for a float (beyond about 1.8e308): "
           "a step overflowed or divided by zero.",
    "rounded": "Your answer agrees with the right one to the digits you gave, but the check needs more: "
               "give at least {digits} significant digits.",
    "rounded_both": "Your answer agrees, to the digits you gave, both with the right answer and with a common "
                    "mistake: give at least {digits} significant digits to tell them apart.",
    "swapped": "You have the two numbers the wrong way round: swap them.",
    "whole": "A count is a whole number: give an integer, without a fractional part.",
    "percent": "That is 100 times the answer: did you give a percentage? Give it as a fraction (10% is 0.1).",
    # What a reader typed (in the web book, or as text in Python), rather than what code computed.
    "typed_nan": "nan is not a number: give your answer in digits, such as 0.25.",
    "typed_inf": "Infinity is not an answer here: give a finite number, such as 0.25.",
    "typed_huge": "{text} is beyond any float (the largest is about 1.8e308): check its exponent.",
    "percent_note": "(You gave a percentage: {text} is read as {number}/100.)",
    "wrong": "That is not the expected value. Compare your reasoning with the text above and try again.",
    "not_text": "Expected one of the choices {choices} as text, got {got}.",
    "not_a_choice": "\"{text}\" is not one of the choices: answer with {choices}.",
    "wrong_choice": "That is not the right choice. Reread the text above and try again.",
    # How an expected shape is named in "kind", "entry" and "shape".
    "want_number": "a number",
    "want_list": "a list of {n} numbers",
    "want_array": "an array of shape {shape}",
    # How a value that is not a number is named.
    "got_text": "the text \"{text}\"",
    "got_none": "None",
}

#: Text longer than this is shortened in feedback.
TEXT_SHOWN = 30


def say(key, **fields):
    """The message ``key`` with its fields filled in."""
    return MESSAGES[key].format(**fields)


def shape_words(shape):
    """Name a shape for a learner: "a number", "a list of 3 numbers", "an array of shape (2, 3)"."""
    if len(shape) == 0:
        return say("want_number")
    if len(shape) == 1:
        return say("want_list", n=shape[0])
    return say("want_array", shape="(" + ", ".join(str(n) for n in shape) + ")")


def shorten(text):
    """``text`` cut to ``TEXT_SHOWN`` characters, ending in "..." if it was cut."""
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN - 3] + "..."


def text_words(text):
    """Name a piece of text for feedback: 'the text "abc"'."""
    return say("got_text", text=shorten(text))


def choices_words(choices):
    """List choices as '"a", "b" or "c"'."""
    quoted = [f'"{choice}"' for choice in choices]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
