"""Competency certificates: issued by programme staff to a trainer Recognised for a condition
area, printed as a PDF with a QR code, verifiable by anyone at /verify/<code>/, and published
as a signed Open Badges 3.0 credential (/verify/<code>.json) with a Bitstring Status List entry.

The model is programme.models.Certificate. The modules here, by concept:

- `codes`: verification codes (140 random bits, grouped, typed forgivingly).
- `links`: the public URLs of a certificate (page, JSON), absolute, from SITE_URL.
- `dataintegrity`: eddsa-rdfc-2022 proofs over vendored, hash-pinned JSON-LD contexts.
- `keys`: the signing key, the issuer's did:web and its DID document.
- `credential`: a certificate as a signed OpenBadgeCredential.
- `statuslist`: the status list entries (random indexes) and the signed status list.
- `verifier`: the project's own verifier of a credential (proof, key, status, schema, dates).
- `pdf`, `qr`: the PDF (WeasyPrint, PDF/A-3b with the credential attached) and its QR code.
- `issuing`: what issuing needs (recognised? until when?), as explanations.
- `services`: issue, revoke, re-issue; what suspension and reinstatement do to certificates.
- `access`, `selectors`, the views and `urls`: the pages of staff, trainers and the public.
"""
