"""`ledger export`: the whole log with its hashes, the latest seal, the seal's public key
and the standalone verifier, in one folder an auditor can take away."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson

from ledger.service import Ledger

VERIFIER = Path(__file__).resolve().parents[1] / "ledger" / "audit" / "standalone_verifier.py"

README = """Subsidy ledger export
=====================

events.ndjson          every stored event in log order: position, originator_id, originator_version,
                       topic, state (the stored bytes, base64), hash, prev_hash, recorded_at, mac (the
                       HMAC-SHA-256 of hash under the ledger's LEDGER_CHAIN_KEY)
seal.json              the latest seal: position, hash, sealed_at, signature (Ed25519, hex), public_key
seal-public-key.pem    the public key the ledger says it signs with: check it against the copy
                       your organisation received out of band before trusting it
verify_export.py       a verifier needing only Python's standard library

Check it offline:

    python3 verify_export.py . /path/to/your/trusted/seal-public-key.pem

and, where the ledger's operators hand you its chain key (it proves no event was added by
someone who could write to the database without holding the key), the MACs too:

    python3 verify_export.py . /path/to/your/trusted/seal-public-key.pem /path/to/chain.key
"""


def export(ledger: Ledger, directory: Path, *, progress=None) -> dict:
    """Write the export; returns a summary. Seals the head first so the export is covered."""
    directory.mkdir(parents=True, exist_ok=True)
    ledger.seal("export", force=True)  # run on the ledger's machine, with its seal key: not bound by pace
    seal = ledger.latest_seal()
    count = 0
    with open(directory / "events.ndjson", "wb") as out:
        for record in ledger.export_records():
            out.write(orjson.dumps(record) + b"\n")
            count += 1
            if progress is not None:
                progress(record["position"])
    (directory / "seal.json").write_text(json.dumps(seal, indent=2) + "\n")
    (directory / "seal-public-key.pem").write_bytes(ledger.seal_key.public_pem())
    shutil.copyfile(VERIFIER, directory / "verify_export.py")
    (directory / "README.txt").write_text(README)
    return {"events": count, "seal": seal, "directory": str(directory)}
