//! The OpenAPI document that schemathesis checks the sandbox against describes exactly the
//! routes table: every route at its path with its method, and no other `/v1` path.

const DOC: &str = include_str!("../openapi.yaml");

/// `path -> methods` of the document's `paths:` section (a two-space-indented YAML map).
fn paths() -> Vec<(String, Vec<String>)> {
    let section = DOC.split("\npaths:\n").nth(1).expect("a paths section");
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in section.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            break; // next top-level key
        }
        if let Some(path) = line.strip_prefix("  /").and_then(|l| l.strip_suffix(':')) {
            out.push((format!("/{path}"), Vec::new()));
        } else if let Some(m) = line.strip_prefix("    ").and_then(|l| l.strip_suffix(':'))
            && ["get", "post", "patch", "delete", "put"].contains(&m)
            && let Some(last) = out.last_mut()
        {
            last.1.push(m.to_uppercase());
        }
    }
    out
}

#[test]
fn every_route_is_documented_with_its_method_and_nothing_else() {
    let doc = paths();
    for route in p100::routes::ALL {
        let methods = doc
            .iter()
            .find(|(p, _)| p == route.template)
            .map(|(_, m)| m.clone());
        assert!(
            methods
                .as_ref()
                .is_some_and(|m| m.contains(&route.method.as_str().to_owned())),
            "{} {} missing from openapi.yaml (found {methods:?})",
            route.method.as_str(),
            route.template
        );
    }
    for (path, methods) in &doc {
        for m in methods {
            assert!(
                p100::routes::ALL
                    .iter()
                    .any(|r| r.template == path && r.method.as_str() == m),
                "openapi.yaml documents {m} {path}, which the routes table does not have"
            );
        }
    }
}
