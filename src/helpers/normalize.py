"""What students type, in the form it is compared in.

Why this module exists: an answer typed as "Shlyapnikov", "SHLIAPNIKOV " or "Шляпников", or
a number typed as "732 521" or "0,701", must meet the accepted answer written once in the
YAML. The instructor build (``course.authoring``) and the student check
(``helpers.questions``) both pass text and numbers through these functions, so the two sides
can only agree. See the README in ``solutions/question-bank/`` for the rules in prose.
"""
from __future__ import annotations

import functools
import math
import numbers
import re
import unicodedata
from decimal import Decimal

__all__ = ["clean_text", "normalize_text", "fold", "word_count", "parse_number", "to_decimal",
           "format_number", "describe_type"]

# --------------------------------------------------------------------------------------
# Text normalisation and transliteration folding

# Library of Congress romanisation of Russian (without diacritics) plus Ukrainian/Belarusian
# letters, so an answer typed in Cyrillic compares with one typed in Latin letters.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "і": "i", "ї": "i",
    "є": "ie", "ґ": "g", "ў": "u",
}
# Apostrophes, primes and the soft/hard-sign marks of transliteration (Zinov'ev, Gor'kii).
_MARKS = dict.fromkeys(map(ord, "'\u2018\u2019\u201b\u02bc\u02b9\u02ba\u02bb\u0060\u00b4\u2032\u2033\""), None)
_FOLD_STEPS = (("x", "ks"), ("j", "i"), ("y", "i"))
_FOLD_REPEAT = (("ii", "i"), ("ie", "e"), ("io", "e"))


MAX_MARKS = 30  # combining marks kept in a row (Unicode's "stream-safe" limit, UAX #15)


@functools.lru_cache(maxsize=4096)
def _marks(ch: str) -> tuple[int, int]:
    """(leading, trailing) combining marks of a character's compatibility decomposition;
    (-1, its length) if it is all marks."""
    parts = unicodedata.normalize("NFKD", ch)
    lead = next((i for i, c in enumerate(parts) if not unicodedata.combining(c)), -1)
    if lead < 0:
        return -1, len(parts)
    trail = next(i for i, c in enumerate(reversed(parts)) if not unicodedata.combining(c))
    return lead, trail


def stream_safe(text: str) -> str:
    """The text with no run of more than MAX_MARKS combining marks (the rest are dropped).

    Why: Unicode normalisation reorders each run of combining marks with an insertion sort, so
    one answer made of a million accents would take minutes. No language stacks more than a
    few marks on a letter, so nothing real is lost. Linear in the length of the text.
    """
    if text.isascii():
        return text
    out, run = [], 0
    for ch in text:
        if ch < "\u0300":
            run = 0
            out.append(ch)
            continue
        lead, trail = _marks(ch)
        if lead < 0:
            run += trail
            if run > MAX_MARKS:
                continue
        elif run + lead > MAX_MARKS:
            run = trail
            continue  # a character that would lengthen an overlong run is dropped too
        else:
            run = trail
        out.append(ch)
    return "".join(out)


def clean_text(value: str) -> str:
    """NFKC, no control/format/surrogate/private-use characters, single spaces.

    Text pasted from a web page or PDF carries invisible characters; they must not make a
    right answer wrong. Runs of combining marks are cut first (``stream_safe``), so the
    time taken stays linear in the length of the text.
    """
    text = unicodedata.normalize("NFKC", stream_safe(value.encode("utf-8", "replace").decode("utf-8")))
    if not text.isprintable():   # fast path: most text only has line breaks to turn into spaces
        text = text.translate(_LINE_SPACES)
        if not text.isprintable():
            text = "".join(" " if ch.isspace() else ch for ch in text
                           if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


_LINE_SPACES = dict.fromkeys(map(ord, "\t\n\x0b\x0c\r"), " ")


def normalize_text(value: str) -> str:
    """Readable normal form: lower case, no accents, apostrophes or punctuation, single spaces.

    ``normalize_text("  Zinóv’ev! ")`` -> ``"zinovev"``.
    """
    text = clean_text(value).casefold().translate(_MARKS)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())


def fold(value: str) -> str:
    """The form text answers are compared in: normalize_text() plus transliteration folding.

    Cyrillic is romanised (Library of Congress, no diacritics); a leading "the" is dropped;
    then in each word x->ks, j->i, y->i, and repeatedly ii->i, ie->e, io->e. So Shliapnikov =
    Shlyapnikov = Шляпников, Zinov'ev = Zinoviev = Zinovyev, Kollontai = Kollontay,
    Trotskii = Trotsky = Trotskij. Both the key and the answer are folded the same way, so
    the folding only has to make variants meet, not produce a real spelling.
    """
    text = clean_text(value).casefold()
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    words = normalize_text(text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    out = []
    for word in words:
        for old, new in _FOLD_STEPS:
            word = word.replace(old, new)
        previous = None
        while previous != word:
            previous = word
            for old, new in _FOLD_REPEAT:
                word = word.replace(old, new)
        out.append(word)
    return " ".join(out)


def word_count(value: str) -> int:
    """Words in a reflection: runs of letters or digits (apostrophes and hyphens join)."""
    return len(re.findall(r"\w+(?:['\u2019-]\w+)*", clean_text(value)))


# --------------------------------------------------------------------------------------
# Numbers typed as text or passed as values

MAX_NUMBER_CHARS = 1_000  # typed characters, spaces and units included
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?")
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def parse_number(value: str, unit: str = "") -> float:
    """A number from text a student typed: "12", "1,234,567", "1 234 567", "0,5", "37 %", "12 delegates".

    Thousands separators are commas between groups of three digits (not after a leading 0: "0,701"
    is a decimal comma), or spaces between
    digits; a single comma followed by other than three digits is a decimal comma. The
    question's unit (or %) may follow the number. Raises ValueError with a readable message.
    """
    if len(value) > MAX_NUMBER_CHARS:  # before any normalisation: its cost grows with the length
        raise ValueError("That is too long to be a number: type just the number.")
    text = clean_text(value).replace("\u2212", "-")
    if not text:
        raise ValueError("The answer is empty: type a number.")
    if len(text) > 100:
        raise ValueError("That is too long to be a number: type just the number.")
    lowered = text.lower()
    for suffix in sorted({unit.strip().lower(), "%", "percent", "per cent"} - {""}, key=len, reverse=True):
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            text = text[: len(text) - len(suffix)].strip()
            break
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "", text)
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise ValueError(f"{shown!r} is not a number. Type just the number, for example 12 or 0.5"
                         + (f" (in {unit})." if unit else "."))
    return float(text)


def to_decimal(answer, unit: str) -> tuple[Decimal | None, str]:
    """(Decimal, "") for a usable number, else (None, message for the student). Never raises.

    Decimal from the shortest repr of the float, so tolerance cells fall the same on every machine.
    """
    if isinstance(answer, bool) or type(answer).__name__ == "bool_":
        return None, "True/False is not a number: give the number itself."
    if type(answer).__name__ in ("NAType", "NaTType"):
        return None, "That value is missing (NA): did a calculation find no rows? Check it and try again."
    if getattr(answer, "ndim", None) == 0 and hasattr(answer, "item"):
        try:
            answer = answer.item()
        except Exception:  # noqa: BLE001 - an odd array-like: report it, never crash
            return None, "That value could not be read as a number."
        if isinstance(answer, bool):
            return None, "True/False is not a number: give the number itself."
    if hasattr(answer, "shape") and hasattr(answer, "__len__") and not isinstance(answer, (str, bytes)):
        kind = type(answer).__name__
        return None, (f"This is a {kind}, not a single number. Pass one value, for example "
                      f"`value.item()` or `value.iloc[0]`.")
    if isinstance(answer, str):
        try:
            answer = parse_number(answer, unit)
        except ValueError as err:
            return None, str(err)
    try:
        if isinstance(answer, numbers.Integral):
            integer = int(answer)
            if integer.bit_length() > 200:
                return None, "That number is far too large for this question."
            return Decimal(integer), ""
        if isinstance(answer, (Decimal, numbers.Rational)) and not isinstance(answer, numbers.Integral):
            number = float(answer)
        elif isinstance(answer, numbers.Real):
            number = float(answer)
        elif isinstance(answer, numbers.Complex):
            return None, "That is a complex number: give a real number."
        elif answer is None:
            return None, "No answer yet: type or pass a number."
        else:
            return None, f"A number is needed here, not {describe_type(answer)}."
    except (OverflowError, ValueError, TypeError, ArithmeticError):
        return None, "That number is far too large (or not a number) for this question."
    if math.isnan(number):
        return None, "That is NaN (not a number): did a calculation find no rows? Check it and try again."
    if math.isinf(number):
        return None, "That is infinite: did you divide by zero? Check the calculation."
    return Decimal(repr(number)), ""


def format_number(number: Decimal) -> str:
    """The shortest plain spelling ("0.701", never "7.01E-1"), for messages and the bank."""
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def describe_type(value) -> str:
    """The kind of a value with its article ("a list", "an int"), for messages that say what was passed."""
    kind = type(value).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    return f"{article} {kind}"

