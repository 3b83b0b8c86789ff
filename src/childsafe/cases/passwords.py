"""Password policy for console users: long enough and not easy to guess.

Guessability is zxcvbn's estimate (common-password and word lists, names, keyboard walks,
repeats, sequences, dates, l33t): it refuses "123456789012", twelve spaces, "aaaaaaaaaaaa" or
"passwordpassword" while accepting long passphrases such as four random words.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 1024
# zxcvbn's scale is 0-4; 4 means at least 10^10 guesses ("Summer2024!!", a 3, is refused;
# four random words or a generated password pass).
MIN_SCORE = 4
# zxcvbn refuses longer input (its matching is quadratic); a longer password is judged by its
# start, so a weak beginning padded with more characters is still refused.
SCORED_PREFIX = 72


def password_problem(password: str, *, context: tuple[str, ...] = ()) -> str | None:
    """Why the password may not be used, in words for the person choosing it; None if it is fine.

    `context` holds words the password must not lean on (the username, the display name).
    """
    if len(password) < MIN_LENGTH:
        return f"password: at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"password: at most {MAX_LENGTH} characters"
    if not password.strip():
        return "password: it may not be only spaces"
    estimate = zxcvbn(password[:SCORED_PREFIX], user_inputs=["childsafe", "console", *context])
    if estimate["score"] >= MIN_SCORE:
        return None
    feedback = estimate["feedback"]
    hints = [h for h in (feedback.get("warning"), *feedback.get("suggestions", [])) if h]
    return " ".join(["password: too easy to guess.", *(hints or ["Add a few unrelated words."])])
