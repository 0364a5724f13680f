#!/usr/bin/env python3
"""Writes the seed corpus under fuzz/seeds/<target>/ (committed; re-run after changing an input
layout). Layouts: the doc comments of fuzz/fuzz_targets/*.rs and fuzz/src/."""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

# p100::routes::ALL, in order; RAW is the raw-path choice after them.
ROUTES = ["createUser", "createUserWithoutKyc", "addKycFile", "addPoaFile",
          "addUserVerification", "extendUser", "updateUser", "deleteUser", "suspendUser",
          "unsuspendUser", "getUserBalances", "getUserTransactions", "createKycVerification",
          "redirectToVerification", "getKycStatus"]
RAW = len(ROUTES)
R = {n: i for i, n in enumerate(ROUTES)}
# fuzz/src/sandbox.rs USERS, then the hosted session's verification id.
USERS = ["new-pl", "new-ua", "files-pl", "review-pl", "hosted", "hosted-ok", "active-pl",
         "active-ua", "poa-wait", "poa-ok", "cards", "suspended", "deleted", "nobody", "crypto",
         "verification", "<verification id>"]
U = {n: i for i, n in enumerate(USERS)}
# fuzz/src/multipart.rs tables.
FIELD = {"documentType": 0, "front": 1, "back": 2, "selfie": 3, "files": 4}
FILE = {"passport.jpg": 0, "selfie.png": 1, "bill.pdf": 2, "error.jpg": 3, "reject.pdf": 4}
TEXT = {"PASSPORT": 0, "ID_CARD": 1, "RESIDENCE_PERMIT": 2, "DRIVER_LICENSE": 3}
JPEG, PNG, PDF = 1, 2, 3
# decode.rs STATUSES
STATUSES = [200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422,
            429, 500, 501, 502, 503, 504, 100, 299, 599]


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def js(v):
    return json.dumps(v, separators=(",", ":")).encode()


def known(user):
    return bytes([U[user]])


def verbatim(raw):
    assert len(raw) < 64
    return bytes([0x80 | 0x40 | len(raw)]) + raw


def encoded(raw):
    assert len(raw) < 64
    return bytes([0x80 | len(raw)]) + raw


def query(q):
    return bytes([0x80 | len(q)]) + q if q else b"\x00"


def part_text(name, value):
    return bytes([0, FIELD[name], TEXT[value]])


def part_file(name, file, magic, content=b""):
    return bytes([1 | (magic << 2), FIELD[name], FILE[file], len(content)]) + content


def multipart(*parts, close=True):
    return bytes([len(parts)]) + b"".join(parts) + (b"\x00" if close else b"\x01")


def create_body(ext, country="PL", email="ada@example.com"):
    return {
        "externalUserId": ext, "hasAcceptedP100Tc": True, "email": email,
        "phone": "48500000000", "firstName": "Ada", "lastName": "Lovelace",
        "street": "Example Street", "number": "1/2", "city": "Exampletown",
        "postCode": "00-000", "country": country, "citizenship": "PL", "nationality": "PL",
        "birthCountry": "PL", "birthDate": "1990-01-01", "userIdentificationNumber": "90010112345",
    }


def request(route, segs=b"", q=b"", body=b"", method=0, key=0, ct=0):
    return bytes([route, method, key, ct]) + segs + query(q) + body


def sandbox_request():
    t = "sandbox_request"
    write(t, "create-user", request(R["createUser"], body=js(create_body("fz-1"))))
    write(t, "create-user-ua", request(R["createUser"], body=js(create_body("fz-2", "UA", "b+cards@example.com"))))
    write(t, "create-user-taken", request(R["createUser"], body=js(create_body("new-pl"))))
    write(t, "create-user-bad", request(R["createUser"], body=js(
        {"externalUserId": "", "hasAcceptedP100Tc": "yes", "email": "x", "birthDate": "2999-01-01", "extra": 1})))
    write(t, "create-user-without-kyc", request(R["createUserWithoutKyc"], body=b"{}"))
    write(t, "kyc-files", request(R["addKycFile"], known("new-pl"), body=multipart(
        part_text("documentType", "PASSPORT"), part_file("front", "passport.jpg", JPEG, b"abcd"),
        part_file("selfie", "selfie.png", PNG))))
    write(t, "kyc-files-id-card", request(R["addKycFile"], known("files-pl"), body=multipart(
        part_text("documentType", "ID_CARD"), part_file("back", "error.jpg", JPEG))))
    write(t, "poa-files", request(R["addPoaFile"], known("active-ua"), body=multipart(
        part_file("files", "bill.pdf", PDF), part_file("files", "reject.pdf", PDF))))
    write(t, "verification", request(R["addUserVerification"], body=js({
        "externalUserId": "files-pl", "documentType": "PASSPORT", "documentNumber": "REJECT_FACE",
        "issuingCountry": "PL", "issueDate": "2020-01-01", "expiryDate": "2035-01-01"})))
    write(t, "extend", request(R["extendUser"], known("poa-ok")))
    write(t, "update", request(R["updateUser"], known("new-pl"), body=js({"city": "Warsaw", "country": "UA"})))
    write(t, "update-empty", request(R["updateUser"], known("active-pl"), body=b"{}"))
    write(t, "delete", request(R["deleteUser"], known("active-pl")))
    write(t, "suspend", request(R["suspendUser"], known("active-pl"), body=js({"reason": "fraud"})))
    write(t, "suspend-no-body", request(R["suspendUser"], known("cards"), ct=0xC6))  # no Content-Type
    write(t, "unsuspend", request(R["unsuspendUser"], known("suspended")))
    write(t, "balances", request(R["getUserBalances"], known("active-ua")))
    write(t, "transactions", request(R["getUserTransactions"], known("active-pl"),
                                     q=b"page=2&limit=5&type=DEPOSIT&status=COMPLETED&currency=eur&from=2020-01-01&to=2030-12-31"))
    write(t, "transactions-bad-query", request(R["getUserTransactions"], known("active-pl"), q=b"page=-1&x=%FF&type=nope"))
    write(t, "hosted-kyc", request(R["createKycVerification"], body=js({
        "externalUserId": "new-pl", "documentType": "DRIVER_LICENSE", "country": "PL",
        "incomeSource": "SALARY", "openAccountReason": "DAILY_USE", "occupation": "IT",
        "additionalInfo": "note", "taxId": "123"})))
    write(t, "redirect", request(R["redirectToVerification"], known("hosted") + known("<verification id>")))
    write(t, "kyc-status", request(R["getKycStatus"], known("review-pl")))
    write(t, "kyc-status-encoded", request(R["getKycStatus"], encoded("é/ü?#".encode())))
    write(t, "kyc-status-not-utf8", request(R["getKycStatus"], verbatim(b"%FF%FE")))
    write(t, "wrong-method", request(R["getKycStatus"], known("new-pl"), method=0xD4))
    write(t, "wrong-key", request(R["getUserBalances"], known("active-pl"), key=0xE3))
    write(t, "no-key", request(R["createUser"], key=0xE0, body=b"{}"))
    write(t, "raw-path", request(RAW, verbatim(b"v1/user/balances/crypto-and-fiat"), method=0))
    write(t, "raw-unknown", request(RAW, verbatim(b"v1/nope"), method=1))
    write(t, "json-as-text", request(R["createUser"], ct=0xC9, body=b"{}"))  # text/plain


def sandbox_multipart():
    t = "sandbox_multipart"
    write(t, "kyc-passport", bytes([0, 0, 0]) + known("new-pl") + b"\x00" + multipart(
        part_text("documentType", "PASSPORT"), part_file("front", "passport.jpg", JPEG, b"JFIF"),
        part_file("selfie", "selfie.png", PNG, b"IHDR")))
    write(t, "kyc-residence", bytes([0, 0, 0]) + known("files-pl") + b"\x00" + multipart(
        part_text("documentType", "RESIDENCE_PERMIT"), part_file("front", "passport.jpg", JPEG),
        part_file("back", "error.jpg", JPEG), part_file("front", "passport.jpg", 0)))
    write(t, "poa", bytes([1, 0, 0]) + known("active-ua") + b"\x00" + multipart(
        part_file("files", "bill.pdf", PDF, b"1.7"), close=False))
    raw = (b"--X\r\nContent-Disposition: form-data; name=\"documentType\"\r\n\r\nPASSPORT\r\n"
           b"--X\r\nContent-Disposition: form-data; name=\"front\"; filename=\"a.jpg\"\r\n"
           b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0\r\n--X--\r\n")
    # Content-type choices (byte % 11): 0xC5 is `boundary=other`, 0xC1 no boundary, 0xC4 quoted.
    write(t, "raw-wrong-boundary", bytes([0, 0, 0xC5]) + known("new-pl") + b"\xC0" + raw)
    write(t, "raw-no-boundary", bytes([0, 0, 0xC1]) + known("new-pl") + b"\xC0" + raw)
    write(t, "quoted-boundary", bytes([1, 0, 0xC4]) + known("poa-wait") + b"\x00" + multipart(
        part_file("files", "bill.pdf", PDF)))


def decode():
    t = "decode"

    def seed(name, model, status, body, retry=None):
        r = b"\x00" if retry is None else bytes([len(retry) + 1]) + retry
        write(t, name, bytes([model, STATUSES.index(status)]) + r + body)

    account = {"externalUserId": "u1", "userId": "8d1f", "status": "ACTIVE",
               "poaRequiredForExtended": True, "extended": False, "email": "ada@example.com",
               "country": "UA"}
    seed("value", 0, 200, js({"a": [1, 2.5, None, True]}))
    seed("create-user", 1, 201, js({"userId": "8d1f", "poaRequiredForExtended": False}))
    seed("user-account", 2, 200, js(account))
    seed("kyc-status", 3, 200, js({"externalUserId": "u1", "verificationStatus": "NOT_VERIFIED",
                                   "attemptStatus": "REJECTED_BY_PROVIDER", "rejectionReason": "NO_FACE_FOUND"}))
    seed("hosted", 4, 201, js({"externalUserId": "u1", "verificationId": "v1"}))
    seed("kyc-files", 5, 201, js({"externalUserId": "u1", "documentType": "ID_CARD",
                                  "received": ["front"], "missing": ["back", "selfie"]}))
    seed("poa", 6, 201, js({"externalUserId": "u1", "status": "WAITING", "files": 2}))
    seed("balances", 7, 200, js({
        "fiatBalances": [{"id": "f1", "amount": "0.00", "name": "eur", "rate": 1.0, "iban": None,
                          "status": "WAITING_TO_BE_ACTIVATED"}],
        "cryptoBalances": [{"id": "c1", "amount": "0.000000", "name": "usdt", "wallet": "0xabc",
                            "rate": 0.92, "networkConfig": {"ethereum": {
                                "mainnet": False, "name": "sepolia",
                                "withdrawal": {"feeWithdrawal": 1.5, "minWithdrawal": 10},
                                "deposit": {"minDeposit": 1e-6}}}}]}))
    seed("transactions", 8, 200, js({"items": [{
        "id": "t1", "createdAt": "2026-01-01T00:00:00.000Z", "type": "TRANSFER_IN",
        "status": "COMPLETED", "currency": "eur", "amount": "10.00", "description": "x"}],
        "page": 1, "limit": 20, "total": 1, "totalPages": 1}))
    seed("p412", 2, 400, js({"errorCode": "P412", "errorMessage": "User does not exist", "errorName": "invalid-user"}))
    seed("p403", 1, 400, js({"errorCode": "P403", "errorMessage": "email must be an email. birthDate must be in the past."}))
    seed("p211", 6, 202, js({"errorCode": "P211", "errorName": "poa-pending", "errorMessage": "POA verification is pending"}))
    seed("p445", 3, 404, js({"errorCode": "P445", "errorName": "kyc-not-found", "errorMessage": "KYC not found"}))
    seed("denied-xo2", 0, 401, b"Access Denied. xo2")
    seed("denied-json", 2, 401, js({"message": "Access Denied. xo3"}))
    seed("throttled", 8, 429, js({"statusCode": 429, "message": "ThrottlerException: Too Many Requests"}), b"7")
    seed("gateway", 7, 503, b"<html><body>503 Service Unavailable</body></html>")
    seed("not-found", 0, 404, js({"statusCode": 404, "message": "Cannot GET /x", "error": "Not Found"}))
    seed("too-large", 5, 413, b"Failed to buffer the request body: length limit exceeded")
    # Found by the first long run: a success whose repeated errorCode is no envelope to serde.
    seed("repeated-error-code", 0, 200, b'{"errorCode":"P412","a":1,"errorCode":"P403"}')
    seed("array-envelope", 2, 200, b'["P412","invalid-user","User does not exist"]')


if __name__ == "__main__":
    for t in ("decode", "sandbox_request", "sandbox_multipart"):
        shutil.rmtree(os.path.join(HERE, t), ignore_errors=True)
    decode()
    sandbox_request()
    sandbox_multipart()
