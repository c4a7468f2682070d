"""eddsa-rdfc-2022 against the W3C vc-di-eddsa test vectors (tests/programme/vectors/SOURCES.md):
the canonical forms, the signature and the signed credential byte for byte; a round trip
through JSON verifies; any changed field fails; no context is ever fetched."""

import json
from pathlib import Path

import pytest

from programme.certificates.dataintegrity import (
    ContextLoader,
    ProofError,
    Signer,
    add_proof,
    canonical,
    multibase_of,
    private_key_from_multibase,
    public_key_from_multibase,
    verify_proof,
)

VECTORS = Path(__file__).resolve().parent / "vectors"
RDFC = VECTORS / "eddsa-rdfc-2022"
EXAMPLES_V2 = (
    "https://www.w3.org/ns/credentials/examples/v2",
    (
        VECTORS / "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
)


def _loader() -> ContextLoader:
    return ContextLoader(extra=dict([EXAMPLES_V2]))


def _json(name: str, folder: Path = RDFC) -> dict:
    return json.loads((folder / name).read_text())


def _signer() -> Signer:
    keys = _json("keyPair.json", VECTORS)
    method = _json("proofConfigDataInt.json")["verificationMethod"]
    return Signer(private_key_from_multibase(keys["privateKeyMultibase"]), method)


def test_the_document_canonicalises_as_the_vector_says():
    unsigned = _json("unsigned.json", VECTORS)
    assert canonical(unsigned, _loader()) == (RDFC / "canonDocDataInt.txt").read_text()


def test_the_proof_configuration_canonicalises_as_the_vector_says():
    config = _json("proofConfigDataInt.json")
    assert canonical(config, _loader()) == (RDFC / "proofCanonDataInt.txt").read_text()


def test_signing_reproduces_the_test_vector_byte_for_byte():
    unsigned = _json("unsigned.json", VECTORS)
    created = _json("proofConfigDataInt.json")["created"]

    signed = add_proof(unsigned, signer=_signer(), created=created, loader=_loader())

    assert signed == _json("signedDataInt.json")
    assert signed["proof"]["proofValue"] == (RDFC / "sigBTC58DataInt.txt").read_text().strip()


def test_the_vector_verifies_after_a_json_round_trip_and_the_key_round_trips():
    keys = _json("keyPair.json", VECTORS)
    public_key = public_key_from_multibase(keys["publicKeyMultibase"])
    assert multibase_of(public_key) == keys["publicKeyMultibase"]
    signed = json.loads(json.dumps(_json("signedDataInt.json")))
    verify_proof(signed, public_key=public_key, loader=_loader())


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["credentialSubject"].update(alumniOf="Another School"),
        lambda d: d.update(validFrom="2024-01-01T00:00:00Z"),
        lambda d: d.update(issuer="https://vc.example/issuers/9999"),
        lambda d: d["proof"].update(created="2023-02-24T23:36:39Z"),
        lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:-2] + "zz"),
    ],
)
def test_any_changed_field_fails(change):
    keys = _json("keyPair.json", VECTORS)
    signed = _json("signedDataInt.json")
    change(signed)
    with pytest.raises(ProofError):
        verify_proof(
            signed,
            public_key=public_key_from_multibase(keys["publicKeyMultibase"]),
            loader=_loader(),
        )


def test_an_unknown_context_is_refused_not_fetched():
    unsigned = _json("unsigned.json", VECTORS)
    unsigned["@context"] = [*unsigned["@context"], "https://attacker.example/context"]
    with pytest.raises(ProofError, match="not one this site knows"):
        canonical(unsigned, _loader())


def test_a_vendored_context_that_no_longer_matches_its_pin_is_refused(tmp_path):
    tampered = tmp_path / "examples.jsonld"
    tampered.write_text('{"@context": {"@vocab": "https://attacker.example/#"}}')
    loader = ContextLoader(extra={EXAMPLES_V2[0]: (tampered, EXAMPLES_V2[1][1])})
    with pytest.raises(ProofError, match="does not match its pin"):
        canonical(_json("unsigned.json", VECTORS), loader)
