"""The lexemes of SPARQL text that are not syntax: strings, IRIs and comments.

Both the endpoint (finding SERVICE and update keywords) and parameter binding (finding FILTER
expressions and variables) must look past these, so that a ``#`` inside an IRI is not taken for
a comment and a ``?x`` or ``(`` inside a string is not taken for syntax.
"""

from __future__ import annotations

import re

# One pass over the text; the first alternative that matches at a position wins, so a `#`
# inside an IRI or a string is not taken for a comment, and a quote inside an IRI is not a string.
LEXEME = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.DOTALL,
)
