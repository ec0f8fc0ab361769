"""The transparency-log component: RFC 9162 hashing and proofs, C2SP signed notes and
checkpoints, the database-backed log and its verification."""

import base64

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov.core import tlog
from opengov.core.models import LogCheckpoint, LogHead, LogLeaf, LogNode


def h(hexstr: str) -> bytes:
    return bytes.fromhex(hexstr)


# RFC 6962 reference data (the Certificate Transparency test vectors): eight leaf inputs and
# the roots of the trees of their first 1..8 leaves.
LEAVES = [
    h(""),
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]
ROOTS = [
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]
EMPTY = h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
# (index, size, proof)
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]
# (old size, new size, proof)
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
LEAF_HASHES = [tlog.leaf_hash(d) for d in LEAVES]


# ------------------------------------------------------------------ RFC 6962 test vectors


def test_empty_tree_root_is_the_hash_of_nothing():
    assert tlog.root_hash([]) == EMPTY


def test_leaf_and_node_hashes_are_domain_separated():
    assert tlog.leaf_hash(b"") == ROOTS[0]
    assert tlog.node_hash(LEAF_HASHES[0], LEAF_HASHES[1]) == ROOTS[1]


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_of_the_reference_trees(size):
    assert tlog.root_hash(LEAF_HASHES[:size]) == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_reference_inclusion_proofs(index, size, proof):
    proof = [h(p) for p in proof]
    assert tlog.inclusion_proof_from_hashes(LEAF_HASHES[:size], index) == proof
    root = ROOTS[size - 1]
    assert tlog.verify_inclusion(LEAF_HASHES[index], index, size, proof, root)
    # the reference mutations are all refused
    other = tlog.leaf_hash(b"WrongLeaf")
    assert not tlog.verify_inclusion(other, index, size, proof, root)
    assert not tlog.verify_inclusion(LEAF_HASHES[index], index, size, proof, EMPTY)
    assert not tlog.verify_inclusion(LEAF_HASHES[index], index + 1, size, proof, root)
    assert not tlog.verify_inclusion(LEAF_HASHES[index], index, size * 2, proof, root)
    assert not tlog.verify_inclusion(LEAF_HASHES[index], index, size, [*proof, root], root)
    assert not tlog.verify_inclusion(LEAF_HASHES[index], index, size, [root, *proof], root)
    for i in range(len(proof)):
        flipped = bytes([proof[i][0] ^ 8]) + proof[i][1:]
        bad = [*proof[:i], flipped, *proof[i + 1 :]]
        assert not tlog.verify_inclusion(LEAF_HASHES[index], index, size, bad, root)
    if proof:
        assert not tlog.verify_inclusion(LEAF_HASHES[index], index, size, proof[:-1], root)


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_reference_consistency_proofs(old, new, proof):
    proof = [h(p) for p in proof]
    assert tlog.consistency_proof_from_hashes(LEAF_HASHES[:new], old) == proof
    r1, r2 = ROOTS[old - 1], ROOTS[new - 1]
    assert tlog.verify_consistency(old, new, r1, r2, proof)
    if not proof:
        return
    assert not tlog.verify_consistency(old, new, r2, r1, proof)  # swapped roots
    assert not tlog.verify_consistency(old - 1, new, r1, r2, proof)
    assert not tlog.verify_consistency(old + 1, new, r1, r2, proof)
    assert not tlog.verify_consistency(old, new * 2, r1, r2, proof)
    assert not tlog.verify_consistency(old, new, r1, r2, [])
    assert not tlog.verify_consistency(old, new, r1, r2, proof[:-1])
    assert not tlog.verify_consistency(old, new, r1, r2, [*proof, r1])
    assert not tlog.verify_consistency(old, new, r1, r2, [proof[0], *proof])
    for i in range(len(proof)):
        flipped = bytes([proof[i][0] ^ 16]) + proof[i][1:]
        assert not tlog.verify_consistency(old, new, r1, r2, [*proof[:i], flipped, *proof[i + 1 :]])


def test_edge_cases_of_consistency():
    assert tlog.verify_consistency(0, 5, EMPTY, ROOTS[4], [])
    assert not tlog.verify_consistency(0, 5, EMPTY, ROOTS[4], [EMPTY])
    assert not tlog.verify_consistency(2, 1, ROOTS[1], ROOTS[0], [])  # time travel
    assert not tlog.verify_consistency(3, 3, ROOTS[2], ROOTS[3], [])
    assert not tlog.verify_inclusion(LEAF_HASHES[0], 0, 0, [], EMPTY)
    with pytest.raises(ValueError):
        tlog.inclusion_proof_from_hashes(LEAF_HASHES, 8)
    with pytest.raises(ValueError):
        tlog.consistency_proof_from_hashes(LEAF_HASHES[:3], 4)


# ------------------------------------------------------------------ property tests

leaf_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=70)


@settings(max_examples=60, deadline=None)
@given(leaves=leaf_lists, data=st.data())
def test_every_inclusion_proof_verifies_and_a_tampered_leaf_does_not(leaves, data):
    hashes = [tlog.leaf_hash(x) for x in leaves]
    root = tlog.root_hash(hashes)
    index = data.draw(st.integers(0, len(hashes) - 1))
    proof = tlog.inclusion_proof_from_hashes(hashes, index)
    assert tlog.verify_inclusion(hashes[index], index, len(hashes), proof, root)
    tampered = tlog.leaf_hash(leaves[index] + b"!")
    assert not tlog.verify_inclusion(tampered, index, len(hashes), proof, root)
    # the tampered log has another root, and the old proof does not fit it
    changed = [*hashes[:index], tampered, *hashes[index + 1 :]]
    assert tlog.root_hash(changed) != root


@settings(max_examples=60, deadline=None)
@given(leaves=leaf_lists, data=st.data())
def test_every_consistency_proof_verifies(leaves, data):
    hashes = [tlog.leaf_hash(x) for x in leaves]
    old = data.draw(st.integers(0, len(hashes)))
    proof = tlog.consistency_proof_from_hashes(hashes, old)
    assert tlog.verify_consistency(
        old, len(hashes), tlog.root_hash(hashes[:old]), tlog.root_hash(hashes), proof
    )


@settings(max_examples=60, deadline=None)
@given(leaves=st.lists(st.binary(max_size=8), min_size=2, max_size=70, unique=True), data=st.data())
def test_a_dropped_leaf_breaks_consistency(leaves, data):
    hashes = [tlog.leaf_hash(x) for x in leaves]
    old = data.draw(st.integers(1, len(hashes)))
    drop = data.draw(st.integers(0, old - 1))
    # the log someone saw at size `old`, and the log after one of those leaves was dropped
    seen_root = tlog.root_hash(hashes[:old])
    shrunk = hashes[:drop] + hashes[drop + 1 :]
    new_root = tlog.root_hash(shrunk)
    if old > len(shrunk):
        assert not tlog.verify_consistency(old, len(shrunk), seen_root, new_root, [])
        return
    proof = tlog.consistency_proof_from_hashes(shrunk, old)
    assert not tlog.verify_consistency(old, len(shrunk), seen_root, new_root, proof)


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.lists(st.binary(max_size=8), min_size=1, max_size=40),
    a=st.lists(st.binary(max_size=8), min_size=1, max_size=20),
    b=st.lists(st.binary(max_size=8), min_size=1, max_size=20),
)
def test_a_forked_log_is_detected(prefix, a, b):
    """Two logs that share a prefix then diverge: no proof links one's head to the other's."""
    if a == b:
        return
    left = [tlog.leaf_hash(x) for x in prefix + a]
    right = [tlog.leaf_hash(x) for x in prefix + b]
    if len(left) > len(right):
        left, right = right, left
    old, new = len(left), len(right)
    old_root = tlog.root_hash(left)
    if left == right[:old]:  # one is an honest extension of the other
        return
    proof = tlog.consistency_proof_from_hashes(right, old)
    assert not tlog.verify_consistency(old, new, old_root, tlog.root_hash(right), proof)


# ------------------------------------------------------------------ signed notes

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
    "otpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnW"
    "Lox33WWd1RvMc+QQ=\n"
)


def peter_signer():
    seed = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
    return tlog.signer_from_seed("PeterNeumann", seed)


def test_signing_matches_go_sumdb_note():
    signer = peter_signer()
    assert signer.vkey == PETER_VKEY
    assert signer.key_hash.hex() == "c74f20a3"
    assert tlog.sign_note(TEXT, [signer]) == TEXT + "\n" + PETER_SIG
    assert tlog.NoteSigner.from_skey(PETER_SKEY).vkey == PETER_VKEY


def test_verifier_keys_parse_and_mangled_ones_are_refused():
    v = tlog.NoteVerifier.from_vkey(PETER_VKEY)
    assert v.name == "PeterNeumann" and v.vkey == PETER_VKEY
    bad = [
        PETER_VKEY[:-1],
        PETER_VKEY[1:],
        PETER_VKEY.replace("c74f20a3", "c74f20a4"),
        PETER_VKEY.replace("c74f20a3", "C74F20A3"),
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ]
    for key in bad:
        with pytest.raises(tlog.NoteError):
            tlog.NoteVerifier.from_vkey(key)


def test_open_note_with_known_and_unknown_keys():
    peter = tlog.NoteVerifier.from_vkey(PETER_VKEY)
    enoch = tlog.NoteVerifier.from_vkey(ENOCH_VKEY)
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert tlog.open_note(note, [peter]) == (TEXT, ["PeterNeumann"])
    assert tlog.open_note(note, [peter, enoch]) == (TEXT, ["PeterNeumann", "EnochRoot"])
    with pytest.raises(tlog.NoteError, match="no verifiable signatures"):
        tlog.open_note(note, [])
    with pytest.raises(tlog.NoteError, match="invalid signature"):
        tlog.open_note(TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:], [peter])
    with pytest.raises(tlog.NoteError):  # the text changed
        tlog.open_note(TEXT.replace("answer", "Answer") + "\n" + PETER_SIG, [peter])


@pytest.mark.parametrize(
    "note",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqd"
        "ngotpRZb6KE6RyyBwJnAM=\n",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG * 101,
    ],
)
def test_malformed_notes_are_refused(note):
    with pytest.raises(tlog.NoteError):
        tlog.open_note(note, [tlog.NoteVerifier.from_vkey(PETER_VKEY)])


def test_a_witness_cosigns_an_existing_note():
    log_key = tlog.signer_from_seed("example.org/log", bytes(range(32)))
    witness = tlog.signer_from_seed("witness.example", bytes(range(1, 33)))
    note = tlog.sign_note(tlog.checkpoint_body("example.org/log", 8, ROOTS[7]), [log_key])
    cosigned = tlog.cosign_note(note, [witness])
    assert cosigned.startswith(note)
    _text, names = tlog.open_note(cosigned, [log_key.verifier, witness.verifier])
    assert names == ["example.org/log", "witness.example"]
    assert tlog.open_note(cosigned, [witness.verifier])[1] == ["witness.example"]
    # co-signing twice replaces the witness's line instead of adding one
    assert tlog.cosign_note(cosigned, [witness]) == cosigned


def test_checkpoint_body_round_trip():
    body = tlog.checkpoint_body("example.org/log", 8, ROOTS[7])
    assert body == "example.org/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    cp = tlog.parse_checkpoint(body)
    assert (cp.origin, cp.size, cp.root) == ("example.org/log", 8, ROOTS[7])
    for bad in [
        "example.org/log\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "example.org/log\n-1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "example.org/log\n8\nXcnaeacG\n",
        "example.org/log\n8\n",
        "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
    ]:
        with pytest.raises(tlog.NoteError):
            tlog.parse_checkpoint(bad)


# ------------------------------------------------------------------ the database log


def _append(log, items):
    with transaction.atomic():
        return tlog.append_many(log, items)


@pytest.mark.django_db
def test_database_log_matches_the_reference_trees():
    with transaction.atomic():
        assert [tlog.append("ref", x) for x in LEAVES[:3]] == [0, 1, 2]
    assert _append("ref", LEAVES[3:]) == range(3, 8)
    assert tlog.tree_size("ref") == 8
    for size in range(1, 9):
        assert tlog.root("ref", size) == ROOTS[size - 1]
    assert tlog.root("ref") == ROOTS[7]
    assert tlog.root("ref", 0) == EMPTY
    for index, size, proof in INCLUSION:
        assert tlog.inclusion_proof("ref", index, size) == [h(p) for p in proof]
    for old, new, proof in CONSISTENCY:
        assert tlog.consistency_proof("ref", old, new) == [h(p) for p in proof]
    # each complete subtree is stored once: 8 leaves make 4 + 2 + 1 interior nodes
    assert LogNode.objects.filter(log="ref").count() == 7
    assert tlog.tree_size("other") == 0 and tlog.root("other") == EMPTY
    with pytest.raises(ValueError):
        tlog.root("ref", 9)
    with pytest.raises(ValueError):
        tlog.inclusion_proof("ref", 8)


@pytest.mark.django_db
def test_proofs_at_every_size_verify_against_the_roots():
    leaves = [f"leaf {i}".encode() for i in range(37)]
    _append("p", leaves)
    hashes = [tlog.leaf_hash(x) for x in leaves]
    for size in (1, 2, 5, 16, 17, 36, 37):
        r = tlog.root("p", size)
        assert r == tlog.root_hash(hashes[:size])
        for index in (0, size // 2, size - 1):
            proof = tlog.inclusion_proof("p", index, size)
            assert tlog.verify_inclusion(hashes[index], index, size, proof, r)
        for old in (0, 1, size // 3, size):
            proof = tlog.consistency_proof("p", old, size)
            assert tlog.verify_consistency(old, size, tlog.root("p", old), r, proof)


@pytest.mark.django_db
def test_proof_reads_logarithmic_rows(django_assert_max_num_queries):
    _append("big", [i.to_bytes(4, "big") for i in range(1000)])
    with django_assert_max_num_queries(3):
        proof = tlog.inclusion_proof("big", 517, 999)
    assert len(proof) <= 10
    with django_assert_max_num_queries(3):
        tlog.consistency_proof("big", 300, 999)
    with django_assert_max_num_queries(1):
        tlog.root("big")


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        tlog.append("x", b"data")
    assert tlog.tree_size("x") == 0


@pytest.mark.django_db
def test_checkpoints_are_signed_and_reused_until_the_tree_grows(clock):
    _append("audit", LEAVES[:5])
    cp = tlog.checkpoint("audit")
    assert (cp.size, bytes(cp.root)) == (5, ROOTS[4])
    assert tlog.checkpoint("audit").pk == cp.pk
    body = tlog.open_checkpoint(cp.note, [tlog.log_verifier("audit")])
    assert (body.origin, body.size, body.root) == (tlog.origin("audit"), 5, ROOTS[4])
    assert body.origin.endswith("/audit")
    _append("audit", LEAVES[5:])
    cp2 = tlog.checkpoint("audit")
    assert cp2.size == 8 and tlog.latest_checkpoint("audit").pk == cp2.pk
    proof = tlog.consistency_proof("audit", cp.size, cp2.size)
    assert tlog.verify_consistency(5, 8, bytes(cp.root), bytes(cp2.root), proof)


@pytest.mark.django_db
def test_signing_key_comes_from_settings(settings):
    _append("k", LEAVES[:2])
    note = tlog.checkpoint("k").note
    settings.TLOG_SIGNING_KEY = base64.b64encode(bytes(32)).decode()
    with pytest.raises(tlog.NoteError):
        tlog.open_note(note, [tlog.log_verifier("k")])


# ------------------------------------------------------------------ verify_log


@pytest.mark.django_db
def test_an_intact_log_verifies_with_its_data():
    data = [f"event {i}".encode() for i in range(21)]
    _append("v", data[:9])
    saved = tlog.checkpoint("v").note
    _append("v", data[9:])
    tlog.checkpoint("v")
    report = tlog.verify_log("v", saved, leaf_data=data)
    assert report.ok, report.problem
    assert report.leaves_checked == 21 and report.checkpoints_checked == 2


@pytest.mark.django_db
def test_altered_leaf_data_is_named():
    data = [f"event {i}".encode() for i in range(10)]
    _append("v", data)
    data[6] = b"something else"
    report = tlog.verify_log("v", leaf_data=data)
    assert report.problem.kind == "leaf" and report.problem.index == 6


@pytest.mark.django_db
def test_truncation_is_detected_against_a_saved_checkpoint():
    _append("v", [b"%d" % i for i in range(10)])
    saved = tlog.checkpoint("v").note
    # delete the last three leaves and every trace of them, and roll the head back
    LogLeaf.objects.filter(log="v", index__gte=7).delete()
    LogNode.objects.filter(log="v").delete()
    LogCheckpoint.objects.filter(log="v").delete()
    LogHead.objects.filter(log="v").delete()
    leaves = [b"%d" % i for i in range(7)]
    LogLeaf.objects.filter(log="v").delete()
    _append("v", leaves)
    assert tlog.verify_log("v").ok  # on its own, the shorter log looks fine
    report = tlog.verify_log("v", saved)
    assert report.problem.kind == "truncated"


@pytest.mark.django_db
def test_a_wipe_is_detected_against_a_saved_checkpoint():
    _append("v", [b"a", b"b", b"c"])
    saved = tlog.checkpoint("v").note
    for model in (LogLeaf, LogNode, LogCheckpoint, LogHead):
        model.objects.filter(log="v").delete()
    assert tlog.verify_log("v", saved).problem.kind == "wiped"


@pytest.mark.django_db
def test_a_rewrite_is_detected_against_a_saved_checkpoint():
    _append("v", [b"a", b"b", b"c", b"d"])
    saved = tlog.checkpoint("v").note
    for model in (LogLeaf, LogNode, LogCheckpoint, LogHead):
        model.objects.filter(log="v").delete()
    _append("v", [b"a", b"B", b"c", b"d", b"e"])  # rebuilt, even re-signed with the key
    tlog.checkpoint("v")
    assert tlog.verify_log("v").ok
    report = tlog.verify_log("v", saved)
    assert report.problem.kind == "rewritten"


@pytest.mark.django_db
def test_a_forged_or_foreign_saved_checkpoint_is_refused():
    _append("v", [b"a", b"b"])
    note = tlog.checkpoint("v").note
    forged = note.replace("\n2\n", "\n1\n")
    assert tlog.verify_log("v", forged).problem.kind == "signature"
    stranger = tlog.signer_from_seed(tlog.origin("v"), bytes(32))
    other = tlog.sign_note(tlog.checkpoint_body(tlog.origin("v"), 1, ROOTS[0]), [stranger])
    assert tlog.verify_log("v", other).problem.kind == "signature"


@pytest.mark.django_db
def test_stored_damage_is_found():
    _append("v", [b"%d" % i for i in range(12)])
    tlog.checkpoint("v")
    node = LogNode.objects.filter(log="v", level=2).first()
    LogNode.objects.filter(pk=node.pk).update(hash=bytes(32))
    assert tlog.verify_log("v").problem.kind == "node"
    LogNode.objects.filter(pk=node.pk).delete()
    assert tlog.verify_log("v").problem.kind == "missing"


@pytest.mark.django_db
def test_a_changed_leaf_hash_is_found_under_its_stored_subtree():
    _append("v", [b"%d" % i for i in range(6)])
    tlog.checkpoint("v")
    LogLeaf.objects.filter(log="v", index=2).update(leaf_hash=tlog.leaf_hash(b"x"))
    report = tlog.verify_log("v")
    # the stored subtree over leaves 2..3 no longer matches them (and neither would the root)
    assert report.problem.kind == "node" and report.problem.index == 2


# ------------------------------------------------------------------ keys in production

REAL_SEED = base64.b64encode(bytes(range(32))).decode()


def _start_production(**overrides):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "OPENGOV_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "opengov.settings",
        "SECRET_KEY": "s" * 40,
        "ID_HASH_KEY": "i" * 40,
        "ID_ENCRYPTION_KEY": "e" * 40,
        "TLOG_SIGNING_KEY": REAL_SEED,
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_log_signing_key():
    result = _start_production(TLOG_SIGNING_KEY=None)
    assert result.returncode != 0 and "TLOG_SIGNING_KEY must be set" in result.stderr


def test_production_refuses_the_secret_key_as_the_log_signing_key():
    result = _start_production(SECRET_KEY=REAL_SEED, TLOG_SIGNING_KEY=REAL_SEED)
    assert result.returncode != 0 and "TLOG_SIGNING_KEY" in result.stderr


def test_a_log_signing_key_that_is_not_a_seed_is_refused():
    result = _start_production(TLOG_SIGNING_KEY="not a key")
    assert result.returncode != 0 and "32-byte Ed25519 seed" in result.stderr
    assert _start_production().returncode == 0
