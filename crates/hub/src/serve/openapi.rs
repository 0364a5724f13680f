//! The hub's API described (OpenAPI 3.1), built from the operation list so that it cannot miss
//! an operation: every operation the hub serves at `/api/ops/{name}`, the REST routes for users
//! (`createUser`, `getUser`, `listUsers`), documents (`addKycFiles`, `addPoaFiles`), health, and
//! P100's webhooks.

use desk::api::{Access, OPERATIONS, camel_case};
use desk::onboarding::Stage;
use serde_json::{Map, Value, json};

fn role_note(access: Access) -> &'static str {
    match access {
        Access::Read => "Any role (auditor, operator, supervisor).",
        Access::Operate => "Operators and supervisors.",
        Access::Supervise => "Supervisors only.",
        Access::Desktop => "Not served by the hub.",
    }
}

fn errors() -> Value {
    let e = json!({"description": "refused or failed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Failure"}}}});
    json!({"400": e, "401": e, "403": e, "404": e, "422": e, "429": e, "502": e, "503": e})
}

/// P100's create body's fields (the one list, in `p100::validate`) but the ones the hub sets or
/// that are not text: every profile field is a string.
fn user_profile_properties() -> Map<String, Value> {
    p100::validate::CREATE_FIELDS
        .iter()
        .filter(|f| !matches!(**f, "externalUserId" | "hasAcceptedP100Tc"))
        .map(|f| ((*f).to_owned(), json!({"type": "string"})))
        .collect()
}

pub fn document() -> Value {
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    let mut create = user_profile_properties();
    create.insert("hasAcceptedP100Tc".into(), json!({"type": "boolean"}));
    let mut user = user_profile_properties();
    for f in [
        "externalUserId",
        "userId",
        "status",
        "createdAt",
        "updatedAt",
        "stageSince",
    ] {
        user.insert(f.into(), json!({"type": "string"}));
    }
    user.insert("stage".into(), json!({"type": "string", "enum": stages}));
    user.insert(
        "profile".into(),
        json!({"type": "object", "properties": user_profile_properties()}),
    );

    let bearer = json!([{"operatorToken": []}]);
    let mut paths = Map::new();
    paths.insert("/healthz".into(), json!({"get": {
        "operationId": "health", "security": [],
        "summary": "200 while the database answers, 503 while it does not",
        "responses": {"200": {"description": "ok"}, "503": {"description": "the database does not answer"}}}}));
    paths.insert(
        "/api/me".into(),
        json!({"get": {
        "operationId": "me", "security": bearer, "summary": "The operator the token belongs to",
        "responses": {"200": {"description": "name, role, environment"}}}}),
    );
    paths.insert("/api/users".into(), json!({
        "get": {"operationId": "listUsers", "security": bearer, "summary": "The roster, newest first",
                "responses": {"200": {"description": "users", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}}}},
        "post": {"operationId": "createUser", "security": bearer,
                 "summary": "Creates a user on P100 (P100's create body; the hub assigns the externalUserId). Operators and supervisors.",
                 "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateUser"}}}},
                 "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}}}
    }));
    paths.insert("/api/users/{externalUserId}".into(), json!({"get": {
        "operationId": "getUser", "security": bearer, "summary": "One user of the roster with its stage",
        "parameters": [{"name": "externalUserId", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "the user", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}}}}));
    let ext_param = json!([{"name": "externalUserId", "in": "path", "required": true, "schema": {"type": "string"}}]);
    let file = json!({"type": "string", "contentMediaType": "application/octet-stream"});
    let sent = json!({"200": {"description": "sent to P100; the user as the roster holds it now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}});
    paths.insert("/api/user/kyc-files/{externalUserId}".into(), json!({"post": {
        "operationId": "addKycFiles", "security": bearer, "parameters": ext_param,
        "summary": "Method A images, in P100's shape (documentType, then a part per side; JPEG, PNG or PDF, 5 MB each), sent on to P100 as the operator. Operators and supervisors.",
        "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["documentType"], "properties": {
            "documentType": {"type": "string", "enum": ["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT"]},
            "front": file, "back": file, "selfie": file}}}}},
        "responses": sent}}));
    paths.insert("/api/user/poa-files/{externalUserId}".into(), json!({"post": {
        "operationId": "addPoaFiles", "security": bearer, "parameters": ext_param,
        "summary": "Proof of address: 1 to 3 `files` parts in one request, sent on to P100 as the operator. Operators and supervisors.",
        "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["files"], "properties": {
            "files": {"type": "array", "minItems": 1, "maxItems": 3, "items": file}}}}}},
        "responses": sent}}));
    for op in OPERATIONS.iter().filter(|o| o.access != Access::Desktop) {
        let props: Map<String, Value> = op
            .args
            .iter()
            .map(|a| ((*a).to_owned(), json!({})))
            .collect();
        paths.insert(format!("/api/ops/{}", op.name), json!({"post": {
            "operationId": camel_case(op.name),
            "security": bearer,
            "summary": format!("{} {}", op.name, role_note(op.access)),
            "x-access": format!("{:?}", op.access),
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": props, "additionalProperties": false}}}},
            "responses": {"200": {"description": "the operation's answer"}}
        }}));
    }
    for path in p100::webhooks::PATHS {
        paths.insert(path.into(), json!({"post": {
            "operationId": camel_case(&path.trim_start_matches('/').replace(['/', '-'], "_")),
            "security": [{"webhookToken": []}],
            "summary": "P100's webhook: recorded as a claim, confirmed with P100 before it moves anyone",
            "responses": {"200": {"description": "recorded"}, "202": {"description": "unknown user: ignored"}, "401": {"description": "not the hub's webhook token"}}
        }}));
    }
    for (_, item) in paths.iter_mut() {
        if let Some(obj) = item.as_object_mut() {
            for (_, op) in obj.iter_mut() {
                if let Some(o) = op.as_object_mut() {
                    o.entry("responses").or_insert(json!({}));
                    if let Some(r) = o.get_mut("responses").and_then(Value::as_object_mut) {
                        for (code, v) in errors().as_object().into_iter().flatten() {
                            r.entry(code.clone()).or_insert(v.clone());
                        }
                    }
                }
            }
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Partner Desk hub", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "operatorToken": {"type": "http", "scheme": "bearer", "description": "An operator token from `partner-desk-hub operator add`"},
                "webhookToken": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "The webhook token given to P100"}
            },
            "schemas": {
                "CreateUser": {"type": "object", "properties": create, "required": ["hasAcceptedP100Tc"]},
                "User": {"type": "object", "properties": user, "required": ["externalUserId", "stage", "status"]},
                "Failure": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": ["string", "null"]},
                    "fields": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
                    "p100Code": {"type": ["string", "null"]}, "retryAfterSecs": {"type": ["integer", "null"]}
                }, "required": ["code", "message"]}
            }
        }
    })
}
