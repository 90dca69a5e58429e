"""The contract's own smoke client (../shared/contract/smoke.py, beside the checkout where the
contract is) against a service it starts itself from this tree. It records 2022's dates
without backdating evidence, so it runs with a wide window (README, "Business dates")."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .servers import ROOT

SMOKE = ROOT.parent / "shared" / "contract" / "smoke.py"


@pytest.mark.skipif(not SMOKE.exists(), reason="the contract is not beside this checkout")
def test_the_contract_smoke_client_passes(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env["LEDGER_BACKDATE_DAYS"] = "36500"
    env["TMPDIR"] = str(tmp_path)  # where the client makes its store, so pytest clears it
    done = subprocess.run([sys.executable, str(SMOKE)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 failed" in done.stdout.splitlines()[-1]
