"""Second stage of scripts/conformance.sh: walks a running p100-sandbox through the states that
schemathesis' random chains rarely reach (an ACTIVE user, extended, suspended, POA waiting and
approved, active cards, every card operation, every money operation, a hosted session, 413, 429,
an injected P501) and checks every answer
against crates/p100-sandbox/openapi.yaml: the status is documented for the operation, the content
type too, the body matches the schema, and the documented headers are there.

Usage: python conformance_scenarios.py BASE_URL API_KEY OPENAPI_YAML
Needs requests, PyYAML and jsonschema-rs, which schemathesis brings. Uses the sandbox's admin
routes (/_sandbox/faults, /_sandbox/rate-limit) and leaves them off."""
import json, re, sys, time, uuid
import requests, yaml, jsonschema_rs

base, key, spec_path = sys.argv[1], sys.argv[2], sys.argv[3]
doc = yaml.safe_load(open(spec_path))
S = requests.Session()
H = {"x-api-key": key}
seen = {}
problems = []

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 40
JPG = b"\xff\xd8\xff\xe0" + b"0" * 40
PDF = b"%PDF-1.4\n" + b"0" * 40
GIF = b"GIF89a" + b"0" * 40

ROUTES = []
for path, ops in doc["paths"].items():
    rx = "^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"
    for m, op in ops.items():
        ROUTES.append((m.upper(), re.compile(rx), op))


def resolve(x):
    while isinstance(x, dict) and "$ref" in x:
        parts = x["$ref"].lstrip("#/").split("/")
        x = doc
        for p in parts:
            x = x[p]
    return x


def check(resp, expect_status=None, expect_code=None):
    path = resp.request.path_url.split("?")[0]
    m = resp.request.method
    op = next((o for mm, rx, o in ROUTES if mm == m and rx.match(path)), None)
    label = f"{m} {path} -> {resp.status_code}"
    body = resp.text
    if expect_status is not None and resp.status_code != expect_status:
        problems.append(f"{label}: expected {expect_status}: {body[:200]}")
    if op is None:
        problems.append(f"{label}: no operation")
        return resp
    r = op["responses"].get(str(resp.status_code))
    if r is None:
        problems.append(f"{label}: status not documented: {body[:200]}")
        return resp
    r = resolve(r)
    ct = resp.headers.get("content-type", "").split(";")[0].strip()
    content = r.get("content", {})
    if content and ct not in content:
        problems.append(f"{label}: content type {ct} not in {list(content)}")
        return resp
    for name, h in r.get("headers", {}).items():
        h = resolve(h)
        if h.get("required") and name not in resp.headers:
            problems.append(f"{label}: header {name} missing")
        elif name in resp.headers:
            v = resp.headers[name]
            hs = h["schema"]
            if hs.get("type") == "integer":
                v = int(v)
            if not jsonschema_rs.validator_for({**hs, "components": doc["components"]}).is_valid(v):
                problems.append(f"{label}: header {name}={v!r} does not match {hs}")
    if content:
        schema = content[ct]["schema"]
        inst = resp.json() if ct == "application/json" else resp.text
        v = jsonschema_rs.validator_for({**schema, "components": doc["components"]})
        errs = [str(e) for e in v.iter_errors(inst)]
        if errs:
            problems.append(f"{label}: body {inst!r:.300} does not match: {errs[:2]}")
    code = resp.json().get("errorCode") if ct == "application/json" and isinstance(resp.json(), dict) else None
    if expect_code and code != expect_code:
        problems.append(f"{label}: expected {expect_code}, got {body[:200]}")
    seen.setdefault(f"{m} {op['operationId']}", set()).add(f"{resp.status_code}{' ' + code if code else ''}")
    return resp


def post(p, **kw):
    return S.post(base + p, headers={**H, **kw.pop("headers", {})}, **kw)


def user(country="PL", email=None):
    ext = "sc-" + uuid.uuid4().hex[:12]
    check(post("/v1/user/balances/crypto-and-fiat", json={
        "externalUserId": ext, "hasAcceptedP100Tc": True, "email": email or f"{ext}@example.com",
        "firstName": "Ada", "lastName": "Lovelace", "country": country, "citizenship": country,
        "birthDate": "1990-01-31", "phone": "48500000000"}), 201)
    return ext


def activate(ext):
    check(post(f"/v1/user/kyc-files/{ext}", files={"documentType": (None, "PASSPORT"), "front": ("f.png", PNG)}), 201)
    check(post(f"/v1/user/kyc-files/{ext}", files={"documentType": (None, "PASSPORT"), "selfie": ("s.jpg", JPG)}), 201)
    check(post("/v1/user/verification", json={"externalUserId": ext, "documentType": "PASSPORT",
          "documentNumber": "XX123", "issuingCountry": "PL", "issueDate": None, "expiryDate": "2099-01-01"}), 201)
    for _ in range(50):
        if S.get(f"{base}/v1/kyc/status/{ext}", headers=H).json().get("verificationStatus") == "VERIFIED":
            break
        time.sleep(0.05)
    time.sleep(0.1)


get = lambda p, **kw: S.get(base + p, headers={**H, **kw.pop("headers", {})}, **kw)
patch = lambda p, **kw: S.patch(base + p, headers={**H, **kw.pop("headers", {})}, **kw)
delete = lambda p, **kw: S.delete(base + p, headers=H, **kw)

# auth and framework edges
check(S.get(f"{base}/v1/user/balances/x"), 401)
check(S.get(f"{base}/v1/user/balances/x", headers={"x-api-key": "nope"}), 401)
check(post("/v1/user/balances/crypto", json={}), 400, "P901")
# A path that is not UTF-8 once percent-decoded is a P403 too, keyed routes after the key check.
check(S.get(f"{base}/v1/user/balances/%FF"), 401)
check(get("/v1/user/balances/%FF"), 400, "P403")
check(patch("/v1/user/%C3", json={"city": "x"}), 400, "P403")
check(S.get(f"{base}/v1/kyc/verification/%E2/%82%AC"), 400, "P403")
# Its own connection: the server closes it after refusing an unread body.
check(requests.post(f"{base}/v1/user/verification", data=b"{" * (17 * 1024 * 1024),
                    headers={**H, "content-type": "application/json"}), 413)

# A: Method A to ACTIVE, then account operations
a = user()
check(post("/v1/user/balances/crypto-and-fiat", json={"externalUserId": a, "hasAcceptedP100Tc": True,
      "email": "x@example.com", "firstName": "A", "lastName": "B", "country": "PL", "citizenship": "PL"}), 400, "P411")
check(get(f"/v1/kyc/status/{a}"), 404, "P445")
check(post("/v1/user/verification", json={"externalUserId": a, "documentType": "PASSPORT",
      "documentNumber": "X1", "issuingCountry": "PL", "expiryDate": "2099-01-01"}), 404, "P445")
check(post(f"/v1/user/kyc-files/{a}", files={"documentType": (None, "PASSPORT"), "front": ("f.gif", GIF)}), 400, "P426")
check(post(f"/v1/user/kyc-files/{a}", files={"documentType": (None, "PASSPORT"), "front": ("f.png", PNG + b"0" * (5 * 1024 * 1024))}), 400, "P440")
check(post(f"/v1/user/kyc-files/{a}", files={"documentType": (None, "PASSPORT"), "back": ("b.png", PNG)}), 400, "P403")
check(post(f"/v1/user/extend/{a}"), 400, "P459")
check(get(f"/v1/user/balances/{a}"), 200)
check(get(f"/v1/user/transactions/{a}"), 200)
activate(a)
check(post(f"/v1/user/kyc-files/{a}", files={"documentType": (None, "PASSPORT"), "front": ("f.png", PNG)}), 400, "P901")
check(post("/v1/kyc", json={"externalUserId": a, "documentType": "PASSPORT", "country": "PL",
      "incomeSource": "OTHER", "openAccountReason": "DAILY_USE", "additionalInfo": "x"}), 400, "P901")
check(post("/v1/user/verification", json={"externalUserId": a, "documentType": "PASSPORT",
      "documentNumber": "X1", "issuingCountry": "PL", "expiryDate": "2099-01-01"}), 400, "P901")
check(get(f"/v1/kyc/status/{a}"), 200)
check(get(f"/v1/user/balances/{a}"), 200)
check(get(f"/v1/user/transactions/{a}", params={"limit": 100}), 200)
check(get(f"/v1/user/transactions/{a}", params={"page": 4294967295, "limit": 100}), 200)
check(get(f"/v1/user/transactions/{a}", params={"from": "2030-01-01", "to": "2020-01-01"}), 400, "P403")
check(post(f"/v1/user/poa-files/{a}", files=[("files", ("p.png", PNG))]), 404, "P460")
check(post(f"/v1/user/extend/{a}"), 200)
check(patch(f"/v1/user/{a}", json={"city": "Othertown", "email": None}), 200)
check(patch(f"/v1/user/suspend/{a}", json={"reason": "test"}), 200)
check(patch(f"/v1/user/suspend/{a}"), 400, "P455")
check(patch(f"/v1/user/{a}", json={"city": "X"}), 400, "P455")
check(post(f"/v1/user/extend/{a}"), 400, "P455")
check(patch(f"/v1/user/unsuspend/{a}"), 200)
check(patch(f"/v1/user/unsuspend/{a}"), 400, "P901")
check(delete(f"/v1/user/{a}"), 200)
check(delete(f"/v1/user/{a}"), 400, "P412")
check(get(f"/v1/user/balances/{a}"), 400, "P412")

# B: POA country, active cards, hosted KYC
b = user("UA", email="ada+cards@example.com")
check(patch(f"/v1/user/suspend/{b}"), 400, "P454")
check(post("/v1/kyc", json={"externalUserId": b, "documentType": "DRIVER_LICENSE", "country": "UA",
      "incomeSource": "SALARY", "openAccountReason": "DAILY_USE", "occupation": "IT", "additionalInfo": "job"}), 201)
vid = S.post(f"{base}/v1/kyc", headers=H, json={"externalUserId": b, "documentType": "ID_CARD", "country": "UA",
      "incomeSource": "BUSINESS_ACTIVITY", "openAccountReason": "DAILY_USE", "taxId": "123"}).json()["verificationId"]
check(S.get(f"{base}/v1/kyc/verification/{b}/{vid}"), 200)
check(S.get(f"{base}/v1/kyc/verification/{b}/nope"), 404, "P445")
check(S.get(f"{base}/v1/kyc/verification/nobody/{vid}"), 400, "P412")
check(post("/v1/user/verification", json={"externalUserId": b, "documentType": "ID_CARD",
      "documentNumber": "X1", "issuingCountry": "UA", "expiryDate": "2099-01-01"}), 400, "P459")
check(get(f"/v1/kyc/status/{b}"), 200)
check(post(f"/v1/user/poa-files/{b}", files=[("files", ("manual.png", PNG)), ("files", ("b.pdf", PDF))]), 201)
check(post(f"/v1/user/poa-files/{b}", files=[("files", ("p.png", PNG))]), 202, "P211")
check(post(f"/v1/user/poa-files/{b}", files=[("files", ("p.png", PNG))] * 4), 400, "P403")

# C: POA approved -> P447; D: active POA user -> extend P460, P211, 200
c = user("GE")
check(post(f"/v1/user/poa-files/{c}", files=[("files", ("ok.jpg", JPG))]), 201)
time.sleep(0.3)
check(post(f"/v1/user/poa-files/{c}", files=[("files", ("ok.jpg", JPG))]), 400, "P447")
d = user("AM")
activate(d)
check(post(f"/v1/user/extend/{d}"), 404, "P460")
check(post(f"/v1/user/poa-files/{d}", files=[("files", ("manual.pdf", PDF))]), 201)
check(post(f"/v1/user/extend/{d}"), 202, "P211")

# E: virtual cards — every answer of every card operation, in the states random chains cannot
# reach (a verified, extended user of a card country; a suspended one; a deleted card).
e = user("PL")
card = lambda **kw: post("/v1/card/virtual", json={"externalUserId": e, "label": "Shopping", "pin": "1234", **kw})
check(card(), 400, "P459")
activate(e)
check(card(), 400, "P461")
check(post(f"/v1/user/extend/{e}"), 200)
check(card(label="ab"), 400, "P403")
cid = check(card(), 200).json()["cardId"]
ref = {"externalUserId": e, "cardId": cid}
check(get(f"/v1/card/all/{e}"), 200)
check(get(f"/v1/card/all/nobody"), 400, "P412")
check(get(f"/v1/card/details/{e}/{cid}"), 200)
check(get(f"/v1/card/details/{e}/nope"), 400, "P434")
check(patch("/v1/card/pin", json={**ref, "pin": "4321"}), 200)
check(patch("/v1/card/pin", json={**ref, "pin": "43"}), 400, "P403")
limits = check(get(f"/v1/card/limits/{e}/{cid}"), 200).json()
check(patch("/v1/card/limits", json={**ref, **limits, "dailyTrxAll": limits["monthlyTrxAll"] + 1}), 400, "P403")
check(patch("/v1/card/limits", json={**ref, **limits}), 200)
check(patch(f"/v1/user/suspend/{e}"), 400, "P454")
check(patch("/v1/card/block", json=ref), 200)
check(patch(f"/v1/user/suspend/{e}"), 200)
check(card(), 400, "P455")
check(patch("/v1/card/unblock", json=ref), 400, "P455")
check(patch(f"/v1/user/unsuspend/{e}"), 200)
check(patch("/v1/card/unblock", json=ref), 200)
more = [check(card(), 200).json()["cardId"] for _ in range(4)]
check(card(), 400, "P902")
# Card webhooks (checked against the document's webhooks below): a payment with 3-D Secure.
S.post(f"{base}/_sandbox/users/{e}/cards/{more[0]}/payment", headers=H,
       json={"amount": 9.99, "merchant": "Corner Shop", "threeDs": True})
check(delete("/v1/card", json=ref), 200)
check(patch("/v1/card/block", json=ref), 400, "P434")
check(get(f"/v1/card/limits/{e}/{cid}"), 400, "P434")
f = user("GB")
activate(f)
check(post(f"/v1/user/extend/{f}"), 200)
check(post("/v1/card/virtual", json={"externalUserId": f, "label": "Shopping", "pin": "1234"}), 400, "P451")

# F: money — every answer of every money operation: a verified user funded by the partner, an
# exchange with a live, a used and an expired lock, withdrawals, a deposit held for travel-rule data.
check(get("/v1/partner/balances"), 200)
g = user("PL")
fund = lambda **kw: post("/v1/transfer", json={"destinationExternalUserId": g, "amount": 500, "currency": "eur", **kw})
check(fund(), 400, "P459")
activate(g)
tid = check(fund(), 200).json()["transferId"]
check(get(f"/v1/transfer/details/{tid}"), 200)
check(get("/v1/transfer/details/nope"), 404, "P904")
check(post("/v1/transfer", json={"amount": 1, "currency": "eur"}), 400, "P424")
check(fund(amount=1.001), 400, "P403")
check(fund(currency="xyz"), 400, "P410")
check(post("/v1/transfer", json={"sourceExternalUserId": g, "amount": 1e9, "currency": "eur"}), 400, "P433")
check(get("/v1/exchange/get-rate"), 200)
check(get("/v1/exchange/get-lock/nobody"), 400, "P412")
lock = check(get(f"/v1/exchange/get-lock/{g}"), 200).json()["id"]
xchg = lambda **kw: post("/v1/exchange", json={"sourceExternalUserId": g, "amount": 100, "currencyFrom": "eur",
                                               "currencyTo": "eth", "lockId": lock, **kw})
check(xchg(currencyTo="eur"), 400, "P403")
check(xchg(currencyTo="abc"), 400, "P410")
check(xchg(amount=1e9), 400, "P433")
xid = check(xchg(), 200).json()["exchangeId"]
check(xchg(), 400, "P903")
check(get(f"/v1/exchange/details/{xid}"), 200)
check(get("/v1/exchange/details/nope"), 404, "P904")
check(get("/v1/crypto-withdrawal/get-network-fee", params={"currency": "usdc", "network": "polygon"}), 200)
check(get("/v1/crypto-withdrawal/get-network-fee", params={"currency": "btc", "network": "polygon"}), 400, "P403")
check(get("/v1/crypto-withdrawal/get-network-fee", params={"currency": "xyz"}), 400, "P410")
time.sleep(0.3)  # the exchange settles: eth to withdraw
wd = lambda **kw: post("/v1/crypto-withdrawal", json={"sourceExternalUserId": g, "currency": "eth", "amount": 0.01,
     "walletAddress": "0x52908400098527886E0F7030069857D2E4169EE7", "name": "Ada Lovelace",
     "walletType": "NON_CUSTODIAL", "receiverType": "NATURAL", **kw})
check(wd(amount=0.001), 400, "P403")
check(wd(currency="xyz"), 400, "P410")
check(wd(amount=1000), 400, "P433")
wid = check(wd(), 200).json()["withdrawalId"]
check(get(f"/v1/crypto-withdrawal/details/{wid}"), 200)
check(get("/v1/crypto-withdrawal/details/nope"), 404, "P904")
dep = S.post(f"{base}/_sandbox/users/{g}/deposits", headers=H,
             json={"currency": "eth", "amount": 0.5, "travelRule": True}).json()["cryptoDepositId"]
tr = lambda d, **kw: patch(f"/v1/crypto-deposit/update-travel-rule/{d}",
                           json={"walletType": "CUSTODIAL", "details": {"iAmOwnerOfWallet": True}, **kw})
check(tr(dep, details={}), 400, "P403")
check(tr("nope"), 404, "P904")
check(tr(dep), 200)
time.sleep(0.3)  # the deposit and the withdrawal settle: their webhooks
check(tr(dep, walletType="SELF_CUSTODY"), 400, "P901")
check(patch(f"/v1/user/suspend/{g}"), 200)
check(fund(), 400, "P455")
check(xchg(lockId=check(get(f"/v1/exchange/get-lock/{g}"), 200).json()["id"]), 400, "P455")
check(wd(), 400, "P455")

# rate limit and an injected P100 fault (admin routes)
S.post(f"{base}/_sandbox/faults", headers=H, json={"kind": "p100", "code": "P501", "pathPrefix": "/v1/kyc/status"})
check(get(f"/v1/kyc/status/{d}"), 400, "P501")
S.put(f"{base}/_sandbox/rate-limit", headers=H, json={"enabled": True, "perSecond": 1})
statuses = [check(get(f"/v1/user/balances/{d}")).status_code for _ in range(3)]
check(S.get(f"{base}/v1/kyc/verification/{b}/{vid}"), 429)
S.put(f"{base}/_sandbox/rate-limit", headers=H, json={"enabled": False, "perSecond": 1})
if 429 not in statuses:
    problems.append("rate limit did not answer 429")

# Every webhook the sandbox sent (to a closed port: the log keeps them) against the document's
# webhook of its path.
hooks = {w["post"]["x-p100-partner-path"]: w["post"] for w in doc["webhooks"].values()}
hook_kinds = set()
for d in S.get(f"{base}/_sandbox/webhooks", headers=H).json():
    path = "/" + d["url"].split("/", 3)[3]
    hook = hooks.get(path)
    if hook is None:
        problems.append(f"webhook {path}: not in the document")
        continue
    schema = hook["requestBody"]["content"]["application/json"]["schema"]
    errs = [str(x) for x in jsonschema_rs.validator_for({**schema, "components": doc["components"]}).iter_errors(d["payload"])]
    if errs:
        problems.append(f"webhook {path}: {d['payload']!r:.300} does not match: {errs[:2]}")
    hook_kinds.add(d["event"])
print(f"  webhooks checked: {', '.join(sorted(hook_kinds))}")
for want in ["transfer", "exchange", "cryptoWithdrawal", "cryptoDeposit", "cardTransaction", "card3dsCode", "cardActivationCode"]:
    if want not in hook_kinds:
        problems.append(f"no {want} webhook was sent")

for k in sorted(seen):
    print(f"  {k}: {', '.join(sorted(seen[k]))}")
for p in problems:
    print(f"FAIL {p}")
checked = sum(len(v) for v in seen.values())
print(f"scenarios: {checked} distinct answers on {len(seen)} operations; {len(problems)} failed")
sys.exit(1 if problems else 0)
