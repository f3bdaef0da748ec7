"""Salted hashes and sealed texts: no plaintext key in anything a student receives.

Why this module exists: question_bank.json ships with the student package, yet must not give
away which answer is right. The build (``helpers.authoring``) stores every accepted answer only
as a salted SHA-256 hash, and seals each text that would tell the answer (explanation, source
ids, per-answer feedback) with a key that only that answer opens; the check
(``helpers.questions``) recomputes the same hashes from what the student gave.

Hashes keep keys out of sight; they do not make them secret against someone who runs code
over the few possible answers of a choice question (trying options in the widget tells as
much). Free text and numbers cannot be enumerated that way.
"""
from __future__ import annotations

import hashlib
from decimal import ROUND_FLOOR, Decimal, localcontext

__all__ = ["derive_key", "salted_hash", "seal", "unseal", "question_salt", "accept_entry",
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
    return bytes(a ^ b for a, b in zip(data, _keystream(key, len(data))))


def seal(text: str, key: bytes) -> str:
    """Hex of the text XOR a SHA-256 keystream, padded to 64-byte blocks so length says little."""
    data = text.encode("utf-8")
    data += b"\0" * (64 - len(data) % 64)
    return _xor(data, key).hex()


def unseal(sealed: str, key: bytes) -> str:
    """The sealed text, or "" if it is damaged (a wrong key gives noise, so callers use the right one)."""
    try:
        data = _xor(bytes.fromhex(sealed), key)
    except (ValueError, TypeError):
        return ""
    return data.rstrip(b"\0").decode("utf-8", "replace")


def question_salt(qid: str) -> str:
    """Deterministic per-question salt: rebuilding the bank changes nothing."""
    return hashlib.sha256(f"moscow-1920-24 question bank|{qid}".encode()).hexdigest()[:32]


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
