"""Salted hashes and sealed texts: no plaintext key in anything a student receives.

Why this module exists: question_bank.json ships with the student package, yet should not
show which answer is right to someone who merely opens it. The build (``course.authoring``)
stores every accepted answer only as a salted SHA-256 hash, and seals each text that would
tell the answer (explanation, source ids, the right option's feedback) with a key that only
the right answer unwraps; the check (``helpers.questions``) recomputes the same hashes from
what the student gave.

What this protects against, and what it does not:

- It keeps answers out of sight: reading the JSON, searching it, or diffing two copies
  shows no answer, explanation or source id.
- It does not keep answers secret from a student who runs code. The checker ships with the
  bank, so whatever the widget can tell, a loop can tell: a choice question is one hash per
  option (a multi question one per option and state), a number is a walk over tolerance
  cells from 0 (about 2,000 hashes for this bank's questions), a short text a search over
  the course's own names and dates. Feedback for a wrong option or a listed mistake opens
  for anyone who tries that option or mistake, as clicking it would. Instant feedback is an
  oracle by design, so this cannot be otherwise.
- Each salt is derived from the whole question as written (answer included), not from its
  public id alone, so no table computed for one bank or one question carries over to
  another; every sealed text has its own keystream (one key never seals two texts).

So: for graded work, hand out assignments in on-submit mode, whose student files carry no
answer material at all, and keep ``solutions/`` (and the repository's history) away from
students. The seal suits self-study, where a student who works the key out has only
skipped the exercise.
"""
from __future__ import annotations

import hashlib
import json
from decimal import ROUND_FLOOR, Decimal, localcontext

__all__ = ["derive_key", "salted_hash", "seal", "unseal", "subkey", "question_salt", "accept_entry",
           "unwrap_content_key", "bucket", "accepted_buckets"]

# --------------------------------------------------------------------------------------
# Hashing and sealing


def derive_key(salt: str, purpose: str, *parts: str) -> bytes:
    """32 bytes from salt, purpose and parts; the purpose keeps a check hash from being a key."""
    payload = "\x1f".join((salt, purpose, *parts)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(payload).digest()


def salted_hash(salt: str, purpose: str, *parts: str) -> str:
    """derive_key() as hex: what the bank stores in place of an answer."""
    return derive_key(salt, purpose, *parts).hex()


def _keystream(key: bytes, length: int) -> bytes:
    blocks = (hashlib.sha256(key + i.to_bytes(4, "big")).digest() for i in range(-(-length // 32)))
    return b"".join(blocks)[:length]


def _xor(data: bytes, key: bytes) -> bytes:
    # as one big integer: the same bytes as a byte-by-byte XOR, a hundred times faster (the
    # grader unseals every explanation it shows in the reflections and feedback)
    stream = _keystream(key, len(data))
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def seal(text: str, key: bytes, purpose: str = "text") -> str:
    """Hex of the text XOR a SHA-256 keystream, padded to 64-byte blocks so length says little.

    The keystream comes from key *and* purpose, so two texts sealed with one key under
    different purposes never share a keystream (XOR of the two would cancel it).
    """
    data = text.encode("utf-8")
    data += b"\0" * (64 - len(data) % 64)
    return _xor(data, subkey(key, purpose)).hex()


def subkey(key: bytes, purpose: str) -> bytes:
    """A key for one use of ``key``: one keystream per sealed text."""
    return hashlib.sha256(b"course-seal\x1f" + purpose.encode("utf-8") + b"\x1f" + key).digest()


def unseal(sealed: str, key: bytes, purpose: str = "text") -> str:
    """The sealed text, or "" if it is damaged (a wrong key gives noise, so callers use the right one)."""
    try:
        data = _xor(bytes.fromhex(sealed), subkey(key, purpose))
    except (ValueError, TypeError):
        return ""
    return data.rstrip(b"\0").decode("utf-8", "replace")


def question_salt(qid: str, question: dict | None = None) -> str:
    """Deterministic per-question salt from the question as written (rebuilding changes nothing).

    The whole question (its answer included) goes in, not just its public id, so editing a
    question gives it a new salt and nothing precomputed from ids alone applies.
    """
    content = json.dumps(question, sort_keys=True, ensure_ascii=False, default=str) if question is not None else ""
    return hashlib.sha256(f"moscow-1920-24 question bank|{qid}|{content}".encode("utf-8", "surrogatepass")
                          ).hexdigest()[:32]


def accept_entry(salt: str, form: str, content_key: bytes) -> dict:
    """One accepted answer: its hash, and the content key wrapped so only that answer unwraps it."""
    wrap = _xor(content_key, derive_key(salt, "wrap", form)).hex()
    return {"check": salted_hash(salt, "check", form), "wrap": wrap}


def unwrap_content_key(salt: str, form: str, accept: list) -> bytes | None:
    """The content key if ``form`` is an accepted answer, else None."""
    check = salted_hash(salt, "check", form)
    for entry in accept:
        if isinstance(entry, dict) and entry.get("check") == check:
            try:
                return _xor(bytes.fromhex(entry.get("wrap", "")), derive_key(salt, "wrap", form))
            except (ValueError, TypeError):
                return b""
    return None


# --------------------------------------------------------------------------------------
# Numbers: a tolerance that survives hashing. A hash only says "equal", so the number line
# is cut into cells and every cell within the tolerance of the key is stored (hashed).


def bucket(number: Decimal, step: Decimal) -> str:
    """The hashed form of a number: its integer ("i12") if step is 0, else its cell "b<k>"."""
    if step == 0:
        if number != number.to_integral_value():
            return "i" + format(number.normalize(), "f")
        return "i" + str(int(number))
    with localcontext() as ctx:
        ctx.prec = 80
        return "b" + str(int((number / step).to_integral_value(rounding=ROUND_FLOOR)))


def accepted_buckets(value: Decimal, tolerance: Decimal) -> list[str]:
    """Every cell that meets [value - tolerance, value + tolerance]; cells are tolerance/4 wide."""
    if tolerance == 0:
        return [bucket(value, Decimal(0))]
    step = tolerance / 4
    with localcontext() as ctx:
        ctx.prec = 80
        low = int(((value - tolerance) / step).to_integral_value(rounding=ROUND_FLOOR))
        high = int(((value + tolerance) / step).to_integral_value(rounding=ROUND_FLOOR))
    return [f"b{k}" for k in range(low, high + 1)]
