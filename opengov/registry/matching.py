"""Name matching (pure, no database): the normalised key of an organisation's or a person's
name, and a similarity score between two keys.

The key folds what differs between two spellings of one name in Taiwanese filings:
full-width forms to half-width (NFKC), Traditional and Simplified characters to one form
(OpenCC's t2s conversion, which also folds variants such as 臺/台), case, spaces and
punctuation, and the legal form (股份有限公司, 有限公司, (股), 有限合夥, 公司, Co., Ltd., …),
which filings write in many ways. Foundations' and associations' prefixes (財團法人, 社團法人)
are dropped as well. A branch (分公司) is a different entity and keeps its suffix.

General-purpose name libraries do not know these legal forms; `bench/registry_match` measures
this key on synthetic registry data.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from difflib import SequenceMatcher
from functools import lru_cache

try:  # rapidfuzz: C implementation of the same ratio
    from rapidfuzz.fuzz import ratio as _rf_ratio
except ImportError:  # pragma: no cover - depends on the environment
    _rf_ratio = None


@lru_cache(maxsize=1)
def _converter():
    """OpenCC's Traditional-to-Simplified converter (works offline: its tables ship with it)."""
    from opencc import OpenCC

    try:
        return OpenCC("t2s")
    except Exception:  # the C++ binding names the configuration file
        return OpenCC("t2s.json")


def fold_script(text: str) -> str:
    """Traditional and Simplified characters folded to one form (Simplified)."""
    if not text or text.isascii():
        return text
    return _converter().convert(text)


# Legal forms, longest first; matched at the end of the name after width folding.
_LEGAL_SUFFIXES_RAW = (
    "股份有限公司",
    "有限責任公司",
    "有限公司",
    "無限公司",
    "兩合公司",
    "(股)公司",
    "(股)",
    "(有)",
    "有限合夥",
    "公司",
    "co.,ltd.",
    "co.,ltd",
    "co.ltd.",
    "co.ltd",
    "company limited",
    "corporation",
    "corp.",
    "corp",
    "limited",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "company",
    "co.",
)
_LEGAL_PREFIXES_RAW = ("財團法人", "社團法人")
_PROTECTED_ENDINGS_RAW = ("分公司",)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return fold_script(text).lower().strip()


@lru_cache(maxsize=1)
def _forms() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    suffixes = tuple(
        sorted({_fold(s).replace(" ", "") for s in _LEGAL_SUFFIXES_RAW}, key=len, reverse=True)
    )
    prefixes = tuple(_fold(p) for p in _LEGAL_PREFIXES_RAW)
    protected = tuple(_fold(p) for p in _PROTECTED_ENDINGS_RAW)
    return suffixes, prefixes, protected


#: every character that is not a letter or digit of any script (punctuation, symbols, spaces)
_NON_WORD = re.compile(r"[\W_]+")


def _drop_punctuation(text: str) -> str:
    return _NON_WORD.sub("", text)


def strip_legal_form(folded: str) -> str:
    """`folded` (already width- and script-folded) without its legal-form prefix and suffixes."""
    suffixes, prefixes, protected = _forms()
    text = re.sub(r"\s+", "", folded)
    for prefix in prefixes:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :]
    changed = True
    while changed:  # "(股)公司", "股份有限公司 co., ltd." and the like come in layers
        changed = False
        if text.endswith(protected) or not text.endswith(suffixes):
            break
        for suffix in suffixes:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
                break
    return text


def normalise_name(name: str) -> str:
    """The matching key of an organisation's name.

    >>> normalise_name("台灣積體電路製造股份有限公司") == normalise_name("臺灣積體電路製造(股)公司")
    True
    """
    folded = _fold(name)
    key = _drop_punctuation(strip_legal_form(folded))
    return key or _drop_punctuation(re.sub(r"\s+", "", folded))


def normalise_person_name(name: str) -> str:
    """The matching key of a person's name: folded width, script and case, without spaces,
    middle dots (used in transliterated names) or other punctuation."""
    return _drop_punctuation(_fold(name))


def normalise_address(address: str) -> str:
    """The key under which two addresses count as the same: folded width and script, no
    spaces or punctuation, 臺/台 alike, and the Chinese numerals of floors left as written."""
    return _drop_punctuation(_fold(address))


def score(left: str, right: str) -> float:
    """Similarity of two normalised keys, from 0 (nothing shared) to 1 (identical)."""
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    if _rf_ratio is not None:
        return _rf_ratio(left, right) / 100.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def pair_key(left: str, right: str) -> tuple[str, str]:
    """The unordered pair under which a decision about two keys is stored."""
    return (left, right) if left <= right else (right, left)


def blocking_key(normalised: str) -> str:
    """The first two characters of a key: candidates for a fuzzy match share them."""
    return normalised[:2]


class NameIndex:
    """An in-memory index of many organisation names, for matching names in bulk (a filing
    of thousands of donors, a procurement dataset) without a query per name.

    `add(ref, name)` indexes a name under a reference (a primary key, a business number);
    `match(name)` gives (ref, score) of the best match: the exact key first; else the best
    rapidfuzz ratio among the keys that share one of the query's rarest character bigrams
    (an inverted index of bigrams: a misspelt name keeps most of its bigrams, and the rare
    ones, unlike 台灣 or 電子, pick out few candidates).
    """

    #: how many of the query's rarest bigrams select candidates
    PROBES = 3
    #: candidates beyond this are not scored (the probes are then too common to tell)
    MAX_CANDIDATES = 5_000

    def __init__(self) -> None:
        self._exact: dict[str, int] = {}
        self._keys: list[str] = []
        self._refs: list[object] = []
        self._postings: dict[str, array] = {}

    def __len__(self) -> int:
        return len(self._keys)

    @staticmethod
    def _grams(key: str) -> set[str]:
        if len(key) < 2:
            return {key}
        return {key[i : i + 2] for i in range(len(key) - 1)}

    def add(self, ref: object, name: str) -> str:
        """Index `name` under `ref` (the first reference of a key is kept); returns the key."""
        key = normalise_name(name)
        if key and key not in self._exact:
            number = len(self._keys)
            self._exact[key] = number
            self._keys.append(key)
            self._refs.append(ref)
            postings = self._postings
            for gram in self._grams(key):
                found = postings.get(gram)
                if found is None:
                    postings[gram] = array("l", (number,))
                else:
                    found.append(number)
        return key

    def match(self, name: str, *, cutoff: float = 0.0) -> tuple[object | None, float]:
        """The best reference for `name` with its score (at least `cutoff`), or (None, 0)."""
        key = normalise_name(name)
        if not key:
            return None, 0.0
        number = self._exact.get(key)
        if number is not None:
            return self._refs[number], 1.0
        lists = sorted(
            (p for p in (self._postings.get(g) for g in self._grams(key)) if p is not None),
            key=len,
        )
        if not lists:
            return None, 0.0
        chosen = [lists[0]]
        total = len(lists[0])
        for more in lists[1 : self.PROBES]:
            if total + len(more) > self.MAX_CANDIDATES:
                break
            chosen.append(more)
            total += len(more)
        numbers = list(set().union(*chosen)) if len(chosen) > 1 else chosen[0]
        keys = self._keys
        best_number, best = -1, 0.0
        if _rf_ratio is not None:
            from rapidfuzz import fuzz, process

            found = process.extractOne(
                key, [keys[n] for n in numbers], scorer=fuzz.ratio, score_cutoff=cutoff * 100
            )
            if found is not None:
                best_number, best = numbers[found[2]], found[1] / 100.0
        else:
            for n in numbers:
                value = score(key, keys[n])
                if value > best:
                    best_number, best = n, value
        if best_number < 0 or best < cutoff:
            return None, 0.0
        return self._refs[best_number], best
