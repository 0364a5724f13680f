//! The sandbox's multipart parsing: `POST /v1/user/kyc-files/{id}` and
//! `POST /v1/user/poa-files/{id}` with structured or raw `multipart/form-data` bodies.
//!
//! Input: a route byte (bit 0: POA, else KYC), a key byte, a content-type byte (below 0xC0: the
//! multipart type with the body's boundary), one path segment (`Segment::read`, mostly a known
//! user), a body-mode byte (below 0xC0: structured parts from `multipart::body`, else the rest of
//! the input as the raw body).
#![no_main]

use axum::http::Method;
use libfuzzer_sys::fuzz_target;
use p100::routes;
use partner_desk_fuzz::input::Input;
use partner_desk_fuzz::multipart;
use partner_desk_fuzz::oracle::Key;
use partner_desk_fuzz::sandbox::{self, Segment, Spec};

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let route = if inp.byte() & 1 == 1 {
        &routes::ADD_POA_FILE
    } else {
        &routes::ADD_KYC_FILE
    };
    let key = Key::read(inp.byte());
    let ct = inp.byte();
    let (content_type, _) = sandbox::content_type(if ct < 0xC0 { 4 } else { ct });
    let segments = vec![Segment::read(&mut inp)];
    let body = if inp.byte() < 0xC0 {
        multipart::body(&mut inp)
    } else {
        inp.rest().to_vec()
    };
    sandbox::send(&Spec {
        route: Some(route),
        method: Method::POST,
        key,
        segments,
        query: None,
        content_type,
        body,
    });
});
