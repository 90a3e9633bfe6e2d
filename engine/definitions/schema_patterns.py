"""JSON Schema `pattern`s read as JSON Schema reads them: ECMA-262 regular expressions.

Python's `re` gives the shorthand classes other meanings: its `\\s` takes control characters
such as U+001D for blanks and leaves U+FEFF out, its `\\d` and `\\w` take every script's
digits and letters. A form's `"pattern": "\\\\S"` (not blank) would then refuse a value the
API's document accepts. The shorthands are written out as ECMA-262 defines them before
Python compiles the pattern; what cannot be written out — a negated shorthand inside a
character class (`[\\S,]`), an empty class `[]` — makes the form refused when it is loaded.
"""

from __future__ import annotations

import re
from functools import lru_cache

# ECMA-262 WhiteSpace and LineTerminator: what \s matches in JSON Schema
WHITESPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
# the same characters, for trimming text as the document's `\S` pattern judges it
SPACES = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    map(chr, range(0x2000, 0x200B))
)
DIGIT = "0-9"
WORD = "A-Za-z0-9_"
SETS = {"s": WHITESPACE, "d": DIGIT, "w": WORD}


def trimmed(text: str) -> str:
    """Text without the blanks at its ends that ECMA-262 calls whitespace: an API text the
    document's `\\S` accepts is never refused as blank (Python's strip takes U+0085 too)."""
    return text.strip(SPACES)


class UnsupportedPattern(ValueError):
    """A pattern whose ECMA-262 meaning Python cannot be given."""


@lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str]:
    """The pattern with ECMA-262's shorthand classes, compiled by Python (cached by text)."""
    return re.compile(as_python(pattern))


def as_python(pattern: str) -> str:
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            i += 2
            if escaped.lower() not in SETS:
                out.append("\\" + escaped)
            elif in_class and escaped.isupper():
                raise UnsupportedPattern(
                    f"模式 {pattern} 在字符集 […] 中使用了 \\{escaped}：请改写为否定字符集 [^…]"
                )
            elif in_class:
                out.append(SETS[escaped])
            else:
                negated = "^" if escaped.isupper() else ""
                out.append(f"[{negated}{SETS[escaped.lower()]}]")
            continue
        if char == "[" and not in_class:
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":
                # ECMA-262: never / any character; Python: a class holding "]"
                raise UnsupportedPattern(f"模式 {pattern} 含空字符集 [] 或 [^]：请删去或改写")
            in_class = True
            out.append(char)
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        i += 1
    return "".join(out)
