//! The main window's size and place, remembered across launches. Written a moment after the
//! operator stops moving or resizing the window — not only on a clean exit, so a crash or a
//! logout keeps it — and checked before it is believed: a readable file of a few bytes, a size
//! within the window's limits, a place still on one of this machine's monitors (a laptop taken
//! off its second screen must not open the window where nobody can see it).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tauri::{Manager, Runtime};

/// Beside the desk's database (the app's data directory).
const FILE: &str = "window.json";
/// A geometry is under 200 bytes; anything much larger is not ours.
const MAX_BYTES: u64 = 4096;
/// Written once the window has been still this long: a drag is hundreds of moves.
const SETTLE: Duration = Duration::from_millis(400);
/// Larger than any screen; a larger size is a damaged file.
const MAX_SIDE: f64 = 16384.0;
/// At least this much of the window's top-left corner must be on a monitor to keep the place.
const VISIBLE: f64 = 48.0;

/// In logical pixels (what the window builder takes), so a change of scale keeps the size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Geometry {
    /// The inner (content) size.
    pub width: f64,
    pub height: f64,
    /// The outer top-left corner.
    pub x: f64,
    pub y: f64,
    pub maximized: bool,
}

/// A monitor's area in logical pixels.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Geometry {
    /// The size, if it is one the window may have (`min` from the window's config).
    fn size_within(&self, min: (f64, f64)) -> bool {
        let side = |v: f64, lo: f64| v.is_finite() && v >= lo && v <= MAX_SIDE;
        side(self.width, min.0) && side(self.height, min.1)
    }

    /// Whether the window's top-left corner would be on one of `monitors`.
    pub fn placed_on(&self, monitors: &[Area]) -> bool {
        self.x.is_finite()
            && self.y.is_finite()
            && monitors.iter().any(|m| {
                self.x + VISIBLE > m.x
                    && self.x + VISIBLE <= m.x + m.width
                    && self.y >= m.y
                    && self.y + VISIBLE <= m.y + m.height
            })
    }
}

/// The remembered geometry in `dir`, if there is one to believe (`min`: the smallest size the
/// window allows).
pub fn load(dir: &Path, min: (f64, f64)) -> Option<Geometry> {
    let path = dir.join(FILE);
    if std::fs::metadata(&path).ok()?.len() > MAX_BYTES {
        tracing::warn!("the remembered window size is not readable; the default is used");
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    match serde_json::from_str::<Geometry>(&text) {
        Ok(g) if g.size_within(min) => Some(g),
        _ => {
            tracing::warn!("the remembered window size is not readable; the default is used");
            None
        }
    }
}

/// Writes `g` whole or not at all (a crash mid-write leaves the previous file).
fn save(dir: &Path, g: &Geometry) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!("{FILE}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec(g)?)?;
    std::fs::rename(tmp, dir.join(FILE))
}

/// What the window looks like now, and the file it goes to once it is still.
pub struct WindowMemory {
    dir: PathBuf,
    last: Mutex<Option<Geometry>>,
    generation: AtomicU64,
}

impl WindowMemory {
    pub fn new(dir: PathBuf, start: Option<Geometry>) -> Self {
        Self {
            dir,
            last: Mutex::new(start),
            generation: AtomicU64::new(0),
        }
    }
}

/// The window moved or changed size: remember where it is, and write it once it is still.
pub fn changed<R: Runtime>(window: &tauri::Window<R>) {
    let Some(memory) = window.try_state::<WindowMemory>() else {
        return;
    };
    let Ok(scale) = window.scale_factor() else {
        return;
    };
    let maximized = window.is_maximized().unwrap_or(false);
    let geometry = {
        let mut last = memory.last.lock().unwrap_or_else(|e| e.into_inner());
        let next = match (maximized, *last) {
            // Maximized: the size and place to come back to stay those from before.
            (true, Some(before)) => Geometry {
                maximized: true,
                ..before
            },
            _ => {
                let (Ok(size), Ok(place)) = (window.inner_size(), window.outer_position()) else {
                    return;
                };
                let size = size.to_logical::<f64>(scale);
                let place = place.to_logical::<f64>(scale);
                Geometry {
                    width: size.width,
                    height: size.height,
                    x: place.x,
                    y: place.y,
                    maximized,
                }
            }
        };
        *last = Some(next);
        next
    };
    let generation = memory.generation.fetch_add(1, Ordering::SeqCst) + 1;
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        let memory = app.state::<WindowMemory>();
        if memory.generation.load(Ordering::SeqCst) != generation {
            return; // still moving: the last change writes
        }
        if let Err(e) = save(&memory.dir, &geometry) {
            tracing::warn!(error = %e, "the window's size could not be remembered");
        }
    });
}

/// The monitors' areas in logical pixels.
pub fn monitor_areas<R: Runtime>(app: &tauri::AppHandle<R>) -> Vec<Area> {
    app.available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let scale = m.scale_factor();
            let pos = m.position().to_logical::<f64>(scale);
            let size = m.size().to_logical::<f64>(scale);
            Area {
                x: pos.x,
                y: pos.y,
                width: size.width,
                height: size.height,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: (f64, f64) = (900.0, 600.0);
    const G: Geometry = Geometry {
        width: 1000.0,
        height: 700.0,
        x: 40.0,
        y: 30.0,
        maximized: false,
    };

    #[test]
    fn a_saved_geometry_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path(), MIN), None);
        save(dir.path(), &G).unwrap();
        assert_eq!(load(dir.path(), MIN), Some(G));
        assert!(!dir.path().join("window.json.tmp").exists());
    }

    #[test]
    fn a_damaged_or_foreign_file_is_not_believed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE);
        for bad in [
            "not json".to_owned(),
            r#"{"width":1000}"#.to_owned(),
            r#"{"width":100,"height":700,"x":0,"y":0,"maximized":false}"#.to_owned(),
            r#"{"width":1000,"height":99999,"x":0,"y":0,"maximized":false}"#.to_owned(),
            r#"{"width":-1e308,"height":700,"x":0,"y":0,"maximized":false}"#.to_owned(),
            format!(
                r#"{{"width":1000,"height":700,"x":0,"y":0,"maximized":false,"pad":"{}"}}"#,
                "x".repeat(5000)
            ),
        ] {
            std::fs::write(&file, &bad).unwrap();
            assert_eq!(load(dir.path(), MIN), None, "{}", &bad[..bad.len().min(80)]);
        }
    }

    #[test]
    fn the_place_is_kept_only_on_a_monitor_that_is_there() {
        let laptop = Area {
            x: 0.0,
            y: 0.0,
            width: 1280.0,
            height: 800.0,
        };
        let right = Area {
            x: 1280.0,
            y: 0.0,
            width: 1920.0,
            height: 1080.0,
        };
        assert!(G.placed_on(&[laptop]));
        let on_the_right = Geometry { x: 1500.0, ..G };
        assert!(on_the_right.placed_on(&[laptop, right]));
        assert!(
            !on_the_right.placed_on(&[laptop]),
            "the second screen is gone"
        );
        assert!(!Geometry { y: -500.0, ..G }.placed_on(&[laptop]));
        assert!(!Geometry { x: f64::NAN, ..G }.placed_on(&[laptop]));
        assert!(!G.placed_on(&[]));
    }
}
