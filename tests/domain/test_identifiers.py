"""GB 11643 identity numbers, GB 32100 credit codes, masking and PII protection."""
from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidTag

from ledger.errors import ValidationFailed
from ledger.identifiers import (credit_check_char, identity_check_char, mask_identity_number,
                                normalize_credit_code, normalize_identity_number)
from ledger.pii import PiiProtector, decode_key

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))

VALID_IDS = ["11010519491231002X", "440524188001010014"]
VALID_CODES = ["91350100M000100Y43", "91110000101623741K", "9144030071526726XG"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def with_check(first17: str) -> str:
    return first17 + identity_check_char(first17)


# GB 11643 ----------------------------------------------------------------------------
@pytest.mark.parametrize("number", VALID_IDS)
def test_identity_vectors_are_valid(number):
    assert identity_check_char(number[:17]) == number[17]
    assert normalize_identity_number(number, field="id") == number


def test_identity_check_character_table():
    # S mod 11 → 0→1 1→0 2→X 3→9 4→8 5→7 6→6 7→5 8→4 9→3 10→2, weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    table = {0: "1", 1: "0", 2: "X", 3: "9", 4: "8", 5: "7", 6: "6", 7: "5", 8: "4", 9: "3", 10: "2"}
    for first17 in ("11010519491231002", "44052418800101001", "21010320000101123", "11010119900307999"):
        s = sum(int(d) * w for d, w in zip(first17, weights))
        assert identity_check_char(first17) == table[s % 11]


def test_lower_case_x_is_upper_cased():
    assert normalize_identity_number("11010519491231002x", field="id") == "11010519491231002X"


@pytest.mark.parametrize("number", VALID_IDS)
def test_every_wrong_check_character_is_refused(number):
    for wrong in "0123456789X":
        if wrong == number[17]:
            continue
        with pytest.raises(ValidationFailed) as info:
            normalize_identity_number(number[:17] + wrong, field="beneficiary.id")
        assert info.value.field == "beneficiary.id"
        assert "check character" in info.value.detail


def test_a_changed_digit_is_caught():
    number = VALID_IDS[1]
    altered = number[:16] + str((int(number[16]) + 1) % 10) + number[17]
    with pytest.raises(ValidationFailed):
        normalize_identity_number(altered, field="id")


@pytest.mark.parametrize("birth", ["19490230", "20010229", "19001301", "19000100", "19990431", "00000101",
                                   "19491232"])
def test_bad_birth_dates_are_refused_even_with_a_correct_check_character(birth):
    number = with_check(f"110105{birth}002")
    with pytest.raises(ValidationFailed) as info:
        normalize_identity_number(number, field="id")
    assert "birth date" in info.value.detail


def test_leap_day_birth_date_is_real():
    number = with_check("11010520000229002")
    assert normalize_identity_number(number, field="id") == number


@pytest.mark.parametrize("value", [
    None, 11010519491231002, "", "11010519491231002", "11010519491231002XX", "1101051949123100２X",
    "X1010519491231002X", "11010519491231002Y", "11010519491231 02X", " 11010519491231002X",
    "11010519491231002X\n", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",
])
def test_malformed_identity_numbers_are_refused(value):
    with pytest.raises(ValidationFailed):
        normalize_identity_number(value, field="id")


def test_masking_shows_first_and_last_four():
    assert mask_identity_number("11010519491231002X") == "1101**********002X"
    masked = mask_identity_number("440524188001010014")
    assert masked == "4405**********0014"
    assert len(masked) == 18 and masked.count("*") == 10


# GB 32100 ----------------------------------------------------------------------------
@pytest.mark.parametrize("code", VALID_CODES)
def test_credit_code_vectors_are_valid(code):
    assert credit_check_char(code[:17]) == code[17]
    assert normalize_credit_code(code, field="applicant.id") == code


def test_credit_check_formula():
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    for code in VALID_CODES:
        total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], weights))
        assert USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def test_lower_case_credit_code_is_upper_cased():
    assert normalize_credit_code("91350100m000100y43", field="id") == "91350100M000100Y43"
    assert normalize_credit_code("9144030071526726xg", field="id") == "9144030071526726XG"


@pytest.mark.parametrize("code", VALID_CODES)
def test_wrong_credit_check_character_is_refused(code):
    for wrong in USCC_ALPHABET:
        if wrong == code[17]:
            continue
        with pytest.raises(ValidationFailed) as info:
            normalize_credit_code(code[:17] + wrong, field="applicant.id")
        assert "check character" in info.value.detail
        assert info.value.field == "applicant.id"


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_letters_outside_the_alphabet_are_refused(letter):
    for position in (8, 17):
        code = "91350100M000100Y43"
        bad = code[:position] + letter + code[position + 1:]
        with pytest.raises(ValidationFailed) as info:
            normalize_credit_code(bad, field="id")
        assert "alphabet" in info.value.detail
    # Whatever the check character, a body holding the letter stays refused.
    for check in USCC_ALPHABET:
        with pytest.raises(ValidationFailed):
            normalize_credit_code(f"9135010{letter}M000100Y4{check}", field="id")


@pytest.mark.parametrize("value", [None, 91350100, "", "91350100M000100Y4", "91350100M000100Y433",
                                   "91350100M000100Y4-", "9135 100M000100Y43", "91350100M000100Y43\n",
                                   "９1350100M000100Y43"])
def test_malformed_credit_codes_are_refused(value):
    with pytest.raises(ValidationFailed):
        normalize_credit_code(value, field="id")


def test_only_the_check_character_is_verified():
    # The embedded organisation code is not checked: any body in the alphabet with the
    # right check character passes, whatever its prefix.
    body = "Y1" + "210100" + "ABCDEFGHJ"
    assert normalize_credit_code(body + credit_check_char(body), field="id") == body + credit_check_char(body)


# PII protection ----------------------------------------------------------------------
def test_ref_is_stable_and_keyed():
    a, a2, b = PiiProtector(KEY_A), PiiProtector(KEY_A), PiiProtector(KEY_B)
    number = VALID_IDS[0]
    assert a.ref(number) == a.ref(number) == a2.ref(number)
    assert a.ref(number) != b.ref(number)
    assert a.ref(number) != a.ref(VALID_IDS[1])
    assert number not in a.ref(number)
    assert len(a.ref(number)) == 40 and int(a.ref(number), 16) >= 0


def test_seal_open_round_trip_and_fresh_nonce():
    p = PiiProtector(KEY_A)
    number = VALID_IDS[0]
    sealed = p.seal(number)
    assert number not in sealed and number not in base64.urlsafe_b64decode(sealed).decode("latin-1")
    assert p.open(sealed) == number
    assert p.seal(number) != sealed  # a fresh nonce each time: equal numbers are not linkable
    assert PiiProtector(KEY_A).open(sealed) == number


def test_different_keys_cannot_open_each_others_seals():
    sealed = PiiProtector(KEY_A).seal(VALID_IDS[1])
    with pytest.raises(InvalidTag):
        PiiProtector(KEY_B).open(sealed)


def test_tampered_seal_is_refused():
    p = PiiProtector(KEY_A)
    raw = bytearray(base64.urlsafe_b64decode(p.seal(VALID_IDS[0])))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        p.open(base64.urlsafe_b64encode(bytes(raw)).decode())


def test_ref_and_keyed_digest_do_not_reveal_the_key_material():
    p = PiiProtector(KEY_A)
    assert p.keyed_digest(b"x") == PiiProtector(KEY_A).keyed_digest(b"x") != PiiProtector(KEY_B).keyed_digest(b"x")


def test_protect_person_stores_no_clear_number():
    p = PiiProtector(KEY_A)
    stored = p.protect_person(VALID_IDS[0], "张三")
    assert set(stored) == {"ref", "masked", "sealed", "name"}
    assert VALID_IDS[0] not in repr(stored)
    assert stored["masked"] == "1101**********002X"
    assert stored["ref"] == p.ref(VALID_IDS[0])
    assert p.open(stored["sealed"]) == VALID_IDS[0]
    assert stored["name"] == "张三"


def test_short_keys_are_refused():
    with pytest.raises(ValueError):
        PiiProtector(b"x" * 31)


def test_decode_key_hex_and_base64():
    key = bytes(range(32))
    assert decode_key(key.hex()) == key
    assert decode_key(" " + key.hex() + "\n") == key
    assert decode_key(base64.urlsafe_b64encode(key).decode().rstrip("=")) == key
