//! Any request to the sandbox's P100 routes: a route of `p100::routes::ALL` (or a raw path), its
//! method or another, the API key right or wrong, a content type, fuzzed path segments, query and
//! body. The answer must be one the sandbox documents (see `partner_desk_fuzz::oracle`).
//!
//! Input: route, method, key, content-type bytes; one segment per placeholder
//! (`Segment::read`); a query byte (0x80 and up: that many low-7-bit bytes of query follow);
//! then the body (a structured multipart body when the content type asks for one).
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100::routes;
use partner_desk_fuzz::input::Input;
use partner_desk_fuzz::multipart;
use partner_desk_fuzz::oracle::Key;
use partner_desk_fuzz::sandbox::{self, Segment, Spec};

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let route = routes::ALL.get(usize::from(inp.byte()) % (routes::ALL.len() + 1));
    let m = inp.byte();
    let method = match route {
        Some(r) if m < 0xD0 => sandbox::route_method(r),
        _ => sandbox::METHODS[usize::from(m) % sandbox::METHODS.len()].clone(),
    };
    let key = Key::read(inp.byte());
    let ct = inp.byte();
    let placeholders = route.map_or(1, |r| r.template.matches('{').count());
    let segments = (0..placeholders).map(|_| Segment::read(&mut inp)).collect();
    let q = inp.byte();
    let query = (q >= 0x80).then(|| inp.bytes(usize::from(q & 0x7F)));
    let (content_type, structured) = match route {
        _ if ct >= 0xC0 => sandbox::content_type(ct),
        Some(r) if sandbox::is_upload(r) => sandbox::content_type(4),
        Some(r) if sandbox::is_json(r) => sandbox::content_type(1),
        _ => (None, false),
    };
    let body = if structured {
        multipart::body(&mut inp)
    } else {
        inp.rest().to_vec()
    };
    sandbox::send(&Spec {
        route,
        method,
        key,
        segments,
        query,
        content_type,
        body,
    });
});
