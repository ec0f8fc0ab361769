"""Matching organisation names against the registry, in bulk.

Builds a synthetic registry of 1,000,000 company names (Taiwanese name parts, legal forms
written several ways) and 100,000 names to match, drawn from it and then re-spelt as filings
spell them: exact copies, another legal form ((股)公司 for 股份有限公司), 臺/台 and
full-width characters, Simplified characters, a one-character typo, and names not in the
registry. Then, each in its own process so that peak memory is its own:

- the matcher: `registry.matching.NameIndex` (OpenCC folding, legal forms stripped, exact
  key first, else the best rapidfuzz ratio within the block of the key's first two
  characters) indexes the registry and matches every name;
- the reference: a plain dict from the raw registry name to its row, looked up with the
  raw names (what matching without normalisation would do).

Prints rows per second (registry rows indexed plus names matched, over the time of both),
peak memory (RSS) above the synthetic data, the share of names matched to the right row,
and the ratio of each figure to the reference.

    .venv/bin/python bench/registry_match/run.py                 # 1,000,000 x 100,000
    .venv/bin/python bench/registry_match/run.py --rows 100000 --names 10000   # quick
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PLACES = (
    "台灣",
    "臺灣",
    "中華",
    "新竹",
    "台中",
    "臺南",
    "高雄",
    "桃園",
    "宜蘭",
    "花蓮",
    "大同",
    "永豐",
    "國泰",
    "富邦",
    "統一",
    "遠東",
)
WORDS = (
    "電子",
    "科技",
    "精密",
    "工業",
    "貿易",
    "建設",
    "食品",
    "生技",
    "光電",
    "半導體",
    "能源",
    "物流",
    "營造",
    "紡織",
    "化學",
    "機械",
    "資訊",
    "通訊",
    "醫療",
    "國際",
    "實業",
    "開發",
    "投資",
    "農產",
    "鋼鐵",
    "塑膠",
    "材料",
    "顧問",
    "設計",
    "文化",
)
#: characters of the distinctive part of a name, commonest first (drawn with Zipf weights, so
#: that, as in the real registry, a few recur everywhere and most are rare)
CHARS = (
    "鴻聯華宏碁達友晶啟昇信義仁德和平安泰順豐益新明光輝祥瑞嘉隆興盛茂源凱"
    "大中天金元正全永長建國立成東南西北山川海洋林森木水火土星月日雲風雷"
    "龍鳳麟虎鶴松柏竹梅蘭菊春夏秋冬富貴吉利福壽康樂美佳億萬千百合聚通達"
    "宇宙乾坤晨曦旭陽昌彩虹輝煌璽瑩琦瑋璟瑄瑜珮璋環騰飛翔躍鵬程遠志恆久"
    "誠信實在真善宜家居鑫淼焱垚磊品晶鼎峰岳嶺巖崇嵩崴宸宏恩惠澤霖霈沛"
    "凱旋迪勤毅捷敏睿智慧聰穎傑英豪雄偉俊彥博學文武章華典雅靜謙恭和睦祥"
    "奕弘承紹繼嗣祐佑庇護衛保全守安穩固堅剛強韌柔逸悠閒適舒暢達觀覽覺悟"
)
FORMS = ("股份有限公司", "有限公司", "股份有限公司", "企業社", "有限合夥")
RESPELL = {"股份有限公司": "(股)公司", "有限公司": "有限公司", "有限合夥": "有限合夥"}


def registry_names(rows: int, seed: int) -> list[str]:
    """`rows` distinct company names."""
    rng = random.Random(seed)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(CHARS))))
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < rows:
        core = (
            rng.choice(PLACES)
            + "".join(rng.choices(CHARS, cum_weights=weights, k=rng.randint(1, 3)))
            + rng.choice(WORDS)
            + (rng.choice(WORDS) if rng.random() < 0.3 else "")
        )
        name = core + rng.choice(FORMS)
        if core in seen:
            continue
        seen.add(core)
        names.append(name)
    return names


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def query_names(registry: list[str], count: int, seed: int) -> list[tuple[str, int | None]]:
    """(name as a filing spells it, the registry row it should match, or None)."""
    from opengov.registry.matching import fold_script

    rng = random.Random(seed + 1)
    queries: list[tuple[str, int | None]] = []
    for _ in range(count):
        row = rng.randrange(len(registry))
        name = registry[row]
        kind = rng.random()
        if kind < 0.40:
            pass
        elif kind < 0.60:
            for form, other in RESPELL.items():
                if name.endswith(form):
                    name = name[: -len(form)] + other
                    break
        elif kind < 0.75:
            name = _full_width(
                name.replace("台", "臺") if "台" in name else name.replace("臺", "台")
            )
            name = name.replace("(", "（").replace(")", "）")
        elif kind < 0.85:
            name = fold_script(name)
        elif kind < 0.95:
            position = rng.randrange(2, max(3, len(name) - 6))
            name = name[:position] + rng.choice(CHARS) + name[position + 1 :]
        else:
            name = "未登記" + "".join(rng.choice(CHARS) for _ in range(4)) + "商行"
            row = None
        queries.append((name, row))
    return queries


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(args: argparse.Namespace) -> dict[str, float]:
    """Run one side in this process and return its figures."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    django.setup()
    from opengov.registry.matching import NameIndex

    registry = registry_names(args.rows, args.seed)
    queries = query_names(registry, args.names, args.seed)
    base = peak_rss_mib()
    correct = matched = 0
    cpu_started = time.process_time()
    started = time.perf_counter()
    if args.phase == "matcher":
        index = NameIndex()
        for row, name in enumerate(registry):
            index.add(row, name)
        built = time.perf_counter()
        for name, expected in queries:
            ref, _score = index.match(name, cutoff=args.cutoff)
            if ref is not None:
                matched += 1
            if ref == expected or (expected is None and ref is None):
                correct += 1
    else:
        lookup: dict[str, int] = {}
        for row, name in enumerate(registry):
            lookup.setdefault(name, row)
        built = time.perf_counter()
        for name, expected in queries:
            ref = lookup.get(name)
            if ref is not None:
                matched += 1
            if ref == expected:
                correct += 1
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_started
    return {
        "cpu_seconds": cpu,
        "cpu_rows_per_second": (args.rows + args.names) / cpu,
        "index_seconds": built - started,
        "match_seconds": finished - built,
        "seconds": finished - started,
        "rows_per_second": (args.rows + args.names) / (finished - started),
        "names_per_second": args.names / (finished - built),
        "peak_mib": peak_rss_mib() - base,
        "matched": matched / args.names,
        "correct": correct / args.names,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cutoff", type=float, default=0.8, help="lowest score kept")
    parser.add_argument("--phase", choices=("matcher", "reference"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args)))
        return
    results = {}
    for side in ("reference", "matcher"):
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--phase",
                side,
                "--rows",
                str(args.rows),
                "--names",
                str(args.names),
                "--seed",
                str(args.seed),
                "--cutoff",
                str(args.cutoff),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        results[side] = json.loads(output.stdout.strip().splitlines()[-1])
    ref, mine = results["reference"], results["matcher"]
    print(f"registry rows: {args.rows:,}; names matched: {args.names:,}")
    for label, r in (("reference (raw dict lookup)", ref), ("matcher (NameIndex)", mine)):
        print(
            f"{label:30} index {r['index_seconds']:7.2f} s  match {r['match_seconds']:7.2f} s  "
            f"{r['rows_per_second']:12,.0f} rows/s ({r['cpu_rows_per_second']:,.0f} per CPU s)  "
            f"{r['names_per_second']:10,.0f} names/s  "
            f"peak +{r['peak_mib']:7.1f} MiB  matched {r['matched']:6.1%}  "
            f"right {r['correct']:6.1%}"
        )
    print(
        f"ratio matcher/reference: time x{mine['seconds'] / ref['seconds']:.1f}, "
        f"rows/s x{mine['rows_per_second'] / ref['rows_per_second']:.3f} "
        f"(CPU x{mine['cpu_rows_per_second'] / ref['cpu_rows_per_second']:.3f}), "
        f"peak memory x{mine['peak_mib'] / max(ref['peak_mib'], 0.1):.1f}; "
        f"right matches {mine['correct']:.1%} vs {ref['correct']:.1%}"
    )


if __name__ == "__main__":
    main()
