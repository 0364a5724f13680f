//! How WebKitGTK draws the window on a machine without a GPU.
//!
//! WebKitGTK composites with OpenGL. With no GPU (a VM, a remote or virtual desktop, Xvfb) Mesa
//! falls back to llvmpipe, which runs the shaders on the CPU: every frame then costs a
//! compositor thread's worth of CPU next to the page's own. Measured here (2 vCPU, no
//! `/dev/dri`, bench/roster-filter.mjs, 10,000 users): filter → repaint median 72.5 ms composited,
//! 28.5 ms with compositing off. So without a render node the desk asks WebKit for its
//! non-composited path, unless the operator's environment already decided
//! (docs/decisions.md, "Drawing without a GPU").

use std::path::Path;

/// WebKitGTK's own switch; read when its first web view is made.
const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether to turn WebKit's compositing off: only when nobody set the switch either way and
/// there is no GPU render node to composite on.
fn should_disable(already_set: bool, has_render_node: bool) -> bool {
    !already_set && !has_render_node
}

/// A DRM render node (`/dev/dri/renderD128`, ...) is what Mesa's hardware drivers open.
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Chooses the drawing path. Call first thing in `main`, before any other thread exists: it may
/// set an environment variable.
pub fn choose() {
    if cfg!(target_os = "linux")
        && should_disable(
            std::env::var_os(SWITCH).is_some(),
            has_render_node(Path::new("/dev/dri")),
        )
    {
        // SAFETY: called at the start of `run`, before tracing, tokio or WebKit start a thread,
        // so nothing reads the environment concurrently.
        unsafe { std::env::set_var(SWITCH, "1") };
    }
}

/// What `choose` decided, for the start-up log.
pub fn composited() -> bool {
    std::env::var_os(SWITCH).is_none_or(|v| v == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_stays_on_with_a_gpu_or_an_explicit_choice() {
        assert!(should_disable(false, false));
        assert!(!should_disable(false, true));
        assert!(!should_disable(true, false));
        assert!(!should_disable(true, true));
    }

    #[test]
    fn a_render_node_is_found_among_other_nodes() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
    }
}
