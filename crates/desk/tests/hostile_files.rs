//! Hostile and broken files against the desk's document tokens (`desk::documents`): forged
//! tokens, raw paths, `..`, links (picked, or swapped in after picking), directories, FIFOs,
//! devices, files that grow, shrink or change after picking, extensions that lie, empty and
//! unreadable files, decompression bombs, and names built to mislead a person or break a
//! multipart header. Every refusal is checked to send nothing: the embedded sandbox's user is
//! unchanged and the desk's outbox holds no upload.
#![cfg(unix)]

use desk::Desk;
use desk::documents::DocumentToken;
use p100::models::{DocumentType, KycFileSide};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod common;
use common::{JPEG, PDF};

struct Fixture {
    _data: tempfile::TempDir,
    files: tempfile::TempDir,
    /// Outside the picked files' folder: what a link would point at.
    outside: tempfile::TempDir,
    d: Desk,
    ext: String,
}

impl Fixture {
    async fn new() -> Self {
        let data = tempfile::tempdir().unwrap();
        let d = common::desk(data.path()).await;
        // A POA country, so proof-of-address uploads are expected.
        let ext = d
            .create_user(common::new_user("hostile@example.com", "UA"))
            .await
            .unwrap()
            .external_user_id;
        Self {
            _data: data,
            files: tempfile::tempdir().unwrap(),
            outside: tempfile::tempdir().unwrap(),
            d,
            ext,
        }
    }

    fn path(&self, name: impl AsRef<OsStr>) -> PathBuf {
        self.files.path().join(name.as_ref())
    }

    fn write(&self, name: impl AsRef<OsStr>, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Admits one path and returns its token or the operator's reason, within 5 s: a file
    /// that makes the desk hang (a FIFO with no writer) fails the test instead of hanging it.
    fn admit(&self, path: &Path) -> Result<DocumentToken, String> {
        admit_within(&self.d, path, Duration::from_secs(5))
    }

    async fn poa(&self, tokens: Vec<String>) -> desk::Error {
        let err = self.d.add_poa_files(&self.ext, tokens, None).await;
        err.expect_err("the upload must be refused")
    }

    async fn kyc(&self, files: Vec<(KycFileSide, String)>) -> desk::Error {
        let err = self
            .d
            .add_kyc_files(&self.ext, DocumentType::Passport, files, None)
            .await;
        err.expect_err("the upload must be refused")
    }

    /// Nothing of any upload reached P100 or the outbox.
    async fn nothing_sent(&self) {
        let ext = self.ext.clone();
        let (kyc, poa) = self
            .d
            .with_sandbox(move |h| {
                let u = h.state().user(&ext).unwrap();
                (u.kyc.is_some(), u.poa.is_some_and(|p| !p.files.is_empty()))
            })
            .await
            .unwrap();
        assert!(!kyc && !poa, "the sandbox received a file");
        assert_eq!(outbox_uploads(&self.d), 0, "an upload reached the outbox");
    }
}

/// Outbox rows of uploads (the create that set the user up is the only other row).
fn outbox_uploads(d: &Desk) -> i64 {
    let db = rusqlite::Connection::open(d.db_path()).unwrap();
    db.query_row(
        "SELECT count(*) FROM outbox WHERE operation IN ('addKycFile', 'addPoaFile')",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// `Desk::admit_files` on its own thread and runtime, waited for at most `limit`.
fn admit_within(d: &Desk, path: &Path, limit: Duration) -> Result<DocumentToken, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let docs = path.to_path_buf();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let _ = tx.send(rt.block_on(d.admit_files(vec![docs])).unwrap());
        });
        let admitted = match rx.recv_timeout(limit) {
            Ok(a) => a,
            Err(_) => {
                // Unblock a reader stuck on a FIFO so the scope can end, then fail.
                let _ = std::fs::OpenOptions::new().write(true).open(path);
                panic!("admitting {} did not finish in {limit:?}", path.display());
            }
        };
        match (admitted.accepted.first(), admitted.rejected.first()) {
            (Some(t), None) => Ok(t.clone()),
            (None, Some(r)) => Err(r.message.clone()),
            other => panic!("one path, one verdict: {other:?}"),
        }
    })
}

fn png_bytes(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, shade]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn message(err: &desk::Error) -> String {
    let fields = err.field_errors();
    assert_eq!(err.kind(), "invalid", "{err:?}");
    assert!(!fields.is_empty(), "a field-level message: {err:?}");
    fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn forged_tokens_and_raw_paths_are_not_tokens() {
    let f = Fixture::new().await;
    let picked = f.write("bill.pdf", PDF);
    let real = f.admit(&picked).unwrap();
    let forged = [
        // A well-formed UUID v4 that the desk never handed out.
        uuid::Uuid::new_v4().to_string(),
        String::new(),
        " ".into(),
        real.id.to_uppercase(),
        format!("{} ", real.id),
        format!("{}\0", real.id),
        // Raw paths, absolute, relative, `..`, and as URLs.
        picked.display().to_string(),
        "bill.pdf".into(),
        format!(
            "../{}/bill.pdf",
            f.files.path().file_name().unwrap().to_string_lossy()
        ),
        "../../../../etc/passwd".into(),
        "/etc/passwd".into(),
        format!("file://{}", picked.display()),
        "/proc/self/environ".into(),
        "x".repeat(10_000),
        "' OR 1=1 --".into(),
    ];
    for token in &forged {
        let why = message(&f.poa(vec![token.clone()]).await);
        assert!(
            why.contains("files: this document was not picked in this session"),
            "{token:?}: {why}"
        );
        let why = message(&f.kyc(vec![(KycFileSide::Front, token.clone())]).await);
        assert!(
            why.contains("front: this document was not picked in this session"),
            "{token:?}: {why}"
        );
    }
    // One forged token spoils a request with a real one: nothing of it is sent.
    let why = message(&f.poa(vec![real.id.clone(), forged[0].clone()]).await);
    assert!(why.contains("not picked in this session"), "{why}");
    f.nothing_sent().await;
}

#[tokio::test]
async fn dot_dot_paths_resolve_to_what_they_name() {
    let f = Fixture::new().await;
    std::fs::create_dir(f.path("sub")).unwrap();
    f.write("id.png", &png_bytes(40, 30, 1));
    // `sub/..` is the folder itself: not a file, and its name is not `..`.
    let err = f.admit(&f.path("sub/..")).unwrap_err();
    assert_eq!(err, "is not a file");
    // `sub/../id.png` is the file `id.png`, and is named so.
    let t = f.admit(&f.path("sub/../id.png")).unwrap();
    assert_eq!((t.name.as_str(), t.mime.as_str()), ("id.png", "image/png"));
    // Nothing about `..` reaches the name: a name is the last component only.
    assert!(!t.name.contains('/'));
}

#[tokio::test]
async fn links_are_refused_when_picked() {
    let f = Fixture::new().await;
    let secret = f.outside.path().join("secret.pdf");
    std::fs::write(&secret, PDF).unwrap();
    let dir = f.outside.path().join("folder");
    std::fs::create_dir(&dir).unwrap();
    let cases = [
        ("to-outside.pdf", secret.clone()),
        ("to-folder.pdf", dir),
        ("dangling.pdf", f.outside.path().join("gone.pdf")),
        ("to-dev-zero.pdf", PathBuf::from("/dev/zero")),
    ];
    for (name, target) in cases {
        let link = f.path(name);
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = f.admit(&link).unwrap_err();
        assert!(err.contains("is a link"), "{name}: {err}");
    }
    // A link to a link is still a link.
    std::os::unix::fs::symlink(f.path("to-outside.pdf"), f.path("chain.pdf")).unwrap();
    assert!(
        f.admit(&f.path("chain.pdf"))
            .unwrap_err()
            .contains("is a link")
    );
}

#[tokio::test]
async fn a_link_swapped_in_after_picking_is_refused_at_upload() {
    let f = Fixture::new().await;
    // The link points at a file with the *same bytes*: the hash would match, so it is the
    // link check at upload time that refuses it.
    let original = f.write("passport.jpg", JPEG);
    let twin = f.outside.path().join("twin.jpg");
    std::fs::write(&twin, JPEG).unwrap();
    let other = f.outside.path().join("private.pdf");
    std::fs::write(&other, PDF).unwrap();
    let t1 = f.admit(&original).unwrap();
    let swapped = f.write("bill.pdf", PDF);
    let t2 = f.admit(&swapped).unwrap();

    std::fs::remove_file(&original).unwrap();
    std::os::unix::fs::symlink(&twin, &original).unwrap();
    std::fs::remove_file(&swapped).unwrap();
    std::os::unix::fs::symlink(&other, &swapped).unwrap();

    let why = message(&f.kyc(vec![(KycFileSide::Front, t1.id.clone())]).await);
    assert!(why.contains("front: passport.jpg: is a link"), "{why}");
    let why = message(&f.poa(vec![t2.id.clone()]).await);
    assert!(why.contains("files: bill.pdf: is a link"), "{why}");
    f.nothing_sent().await;
}

#[tokio::test]
async fn directories_fifos_and_devices_are_not_files_and_never_hang() {
    let f = Fixture::new().await;
    std::fs::create_dir(f.path("scan.pdf")).unwrap();
    assert_eq!(f.admit(&f.path("scan.pdf")).unwrap_err(), "is not a file");

    let fifo = f.path("pipe.pdf");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    // Opening a FIFO for reading blocks until a writer comes: it must not be opened at all.
    assert_eq!(f.admit(&fifo).unwrap_err(), "is not a file");

    for dev in ["/dev/zero", "/dev/null", "/dev/urandom"] {
        let path = Path::new(dev);
        if path.exists() {
            assert_eq!(f.admit(path).unwrap_err(), "is not a file", "{dev}");
        }
    }
}

#[tokio::test]
async fn a_fifo_or_folder_swapped_in_after_picking_is_refused_without_hanging() {
    let f = Fixture::new().await;
    let a = f.write("a.pdf", PDF);
    let b = f.write("b.pdf", PDF);
    let ta = f.admit(&a).unwrap();
    let tb = f.admit(&b).unwrap();
    std::fs::remove_file(&a).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&a)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::remove_file(&b).unwrap();
    std::fs::create_dir(&b).unwrap();

    let refused = tokio::time::timeout(Duration::from_secs(5), f.poa(vec![ta.id.clone()]))
        .await
        .expect("the upload check must not block on a FIFO");
    assert!(message(&refused).contains("a.pdf: is not a file"));
    let refused = f.poa(vec![tb.id.clone()]).await;
    assert!(message(&refused).contains("b.pdf: is not a file"));
    f.nothing_sent().await;
}

#[tokio::test]
async fn files_that_grow_shrink_or_change_after_picking_are_refused() {
    let f = Fixture::new().await;
    let grows = f.write("grows.jpg", JPEG);
    let shrinks = f.write("shrinks.pdf", &[PDF, &[b' '; 4096]].concat());
    let empties = f.write("empties.pdf", PDF);
    let same_size = f.write("same-size.pdf", PDF);
    let [tg, ts, te, tss] = [&grows, &shrinks, &empties, &same_size].map(|p| f.admit(p).unwrap());

    std::fs::write(&grows, [JPEG, &vec![0u8; 5 * 1024 * 1024]].concat()).unwrap();
    std::fs::write(&shrinks, PDF).unwrap();
    std::fs::write(&empties, b"").unwrap();
    // Same size, one byte different: only the hash can tell.
    let mut changed = PDF.to_vec();
    *changed.last_mut().unwrap() = b'\r';
    std::fs::write(&same_size, &changed).unwrap();
    assert_eq!(std::fs::metadata(&same_size).unwrap().len(), tss.size);

    let why = message(&f.kyc(vec![(KycFileSide::Front, tg.id.clone())]).await);
    assert!(
        why.contains("grows.jpg: is 5.0 MB; P100 accepts at most 5 MB"),
        "{why}"
    );
    let why = message(&f.poa(vec![ts.id.clone()]).await);
    assert!(
        why.contains("shrinks.pdf changed after it was picked"),
        "{why}"
    );
    let why = message(&f.poa(vec![te.id.clone()]).await);
    assert!(why.contains("empties.pdf: is empty"), "{why}");
    let why = message(&f.poa(vec![tss.id.clone()]).await);
    assert!(
        why.contains("same-size.pdf changed after it was picked"),
        "{why}"
    );
    f.nothing_sent().await;
}

#[tokio::test]
async fn size_limits_are_exact_and_empty_files_are_refused() {
    let f = Fixture::new().await;
    let max = 5 * 1024 * 1024;
    let at = f.write(
        "at-limit.jpg",
        &[JPEG, &vec![0u8; max - JPEG.len()]].concat(),
    );
    let over = f.write(
        "over.jpg",
        &[JPEG, &vec![0u8; max + 1 - JPEG.len()]].concat(),
    );
    assert_eq!(f.admit(&at).unwrap().size, max as u64);
    assert!(f.admit(&over).unwrap_err().contains("at most 5 MB"));
    assert_eq!(f.admit(&f.write("empty.pdf", b"")).unwrap_err(), "is empty");
    let missing = f.admit(&f.path("missing.pdf")).unwrap_err();
    assert!(missing.starts_with("cannot be read"), "{missing}");
}

#[tokio::test]
async fn the_type_is_judged_by_content_not_by_the_name() {
    let f = Fixture::new().await;
    let cases: [(&str, Vec<u8>, Option<&str>); 7] = [
        ("really-a-png.pdf", png_bytes(30, 20, 2), Some("image/png")),
        ("really-a-jpeg.png", JPEG.to_vec(), Some("image/jpeg")),
        ("really-a-pdf.jpg", PDF.to_vec(), Some("application/pdf")),
        ("no-extension", PDF.to_vec(), Some("application/pdf")),
        ("script.pdf", b"#!/bin/sh\necho pwned\n".to_vec(), None),
        (
            "page.pdf",
            b"<html><script>alert(1)</script>".to_vec(),
            None,
        ),
        // A PDF signature after a byte of junk is not a PDF.
        ("late.pdf", [b" ".as_slice(), PDF].concat(), None),
    ];
    for (name, bytes, expected) in cases {
        let verdict = f.admit(&f.write(name, &bytes));
        match expected {
            Some(mime) => {
                let t = verdict.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!((t.name.as_str(), t.mime.as_str()), (name, mime));
            }
            None => {
                let why = verdict.unwrap_err();
                assert!(
                    why.contains("not a JPEG, PNG or PDF (judged by its content"),
                    "{name}: {why}"
                );
            }
        }
    }
    // The lying name goes to P100 as is, with the type its content shows; P100 judges the
    // content too (the sandbox does), so it is accepted.
    let t = f.admit(&f.path("really-a-png.pdf")).unwrap();
    let rec = f.d.add_poa_files(&f.ext, vec![t.id], None).await.unwrap();
    assert_eq!(rec.poa_status.map(|p| p.as_str()), Some("WAITING"));
}

#[tokio::test]
async fn an_unreadable_file_is_refused_unless_the_tests_run_privileged() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new().await;
    let p = f.write("locked.pdf", PDF);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root (CAP_DAC_OVERRIDE) reads a mode-000 file anyway; then the desk can too, and there
    // is nothing to refuse. Judge by what this process can really do.
    let privileged = std::fs::read(&p).is_ok();
    let verdict = f.admit(&p);
    if privileged {
        eprintln!(
            "running with CAP_DAC_OVERRIDE (root): a mode-000 file is readable, so it is admitted"
        );
        assert_eq!(verdict.unwrap().mime, "application/pdf");
    } else {
        let why = verdict.unwrap_err();
        assert!(why.starts_with("cannot be read"), "{why}");
        assert!(why.contains("ermission denied"), "{why}");
    }
    // Readable when picked, unreadable at upload: refused at upload, unless privileged.
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    let t = f.admit(&p).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if !privileged {
        let why = message(&f.poa(vec![t.id]).await);
        assert!(why.contains("locked.pdf: cannot be read"), "{why}");
        f.nothing_sent().await;
    }
}

#[tokio::test]
async fn a_decompression_bomb_gets_no_thumbnail_and_does_not_stall() {
    // A valid 15,000 × 15,000 PNG of black: about 4 MB on disk, 675 MB decoded. The image
    // decoder's allocation limit (512 MiB) refuses it before decoding; the file itself is a
    // fine PNG for P100, so it is admitted, without a thumbnail.
    let f = Fixture::new().await;
    // The same recipe at a sane size is a PNG that decodes: the bomb is a real image.
    let small = f
        .admit(&f.write("small.png", &black_png(300, 200)))
        .unwrap();
    assert!(small.thumbnail.is_some(), "the hand-made PNG decodes");
    let p = f.write("bomb.png", &black_png(15_000, 15_000));
    let size = std::fs::metadata(&p).unwrap().len();
    assert!(size < 5 * 1024 * 1024, "{size} bytes");
    let started = std::time::Instant::now();
    let t = admit_within(&f.d, &p, Duration::from_secs(60)).unwrap();
    assert_eq!(t.mime, "image/png");
    assert_eq!(
        t.thumbnail, None,
        "no thumbnail for an image too large to decode"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_jpeg_that_claims_a_huge_size_gets_no_thumbnail_and_does_not_stall() {
    // A real 16 × 16 JPEG whose frame header is rewritten to claim 60,000 × 60,000 pixels
    // (10.8 GB decoded): the decoder's width and height limits refuse it from the header.
    let f = Fixture::new().await;
    let real = jpeg(16, 16, None);
    assert!(
        f.admit(&f.write("real.jpg", &real))
            .unwrap()
            .thumbnail
            .is_some(),
        "the unpatched JPEG decodes"
    );
    let mut bomb = real.clone();
    let sof = bomb
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame header");
    // FF C0, length (2), precision (1), then height and width (2 each, big-endian).
    bomb[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    let p = f.write("bomb.jpg", &bomb);
    let started = std::time::Instant::now();
    let t = admit_within(&f.d, &p, Duration::from_secs(30)).unwrap();
    assert_eq!(
        (t.mime.as_str(), t.thumbnail.as_deref()),
        ("image/jpeg", None)
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn thumbnails_are_turned_the_way_the_camera_meant() {
    // 40 × 20, landscape as stored; EXIF orientation 6 says "rotate 90° clockwise to view".
    let f = Fixture::new().await;
    let dims = |t: &DocumentToken| {
        use base64::Engine as _;
        let b64 = t
            .thumbnail
            .as_deref()
            .and_then(|d| d.strip_prefix("data:image/png;base64,"))
            .expect("a PNG thumbnail");
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let img = image::load_from_memory(&png).unwrap();
        (img.width(), img.height())
    };
    let plain = f.admit(&f.write("plain.jpg", &jpeg(40, 20, None))).unwrap();
    let (w, h) = dims(&plain);
    assert!(w > h, "no EXIF: as stored ({w} × {h})");
    let turned = f
        .admit(&f.write("phone.jpg", &jpeg(40, 20, Some(6))))
        .unwrap();
    let (w, h) = dims(&turned);
    assert!(h > w, "EXIF orientation 6: portrait ({w} × {h})");
}

/// A real JPEG of `w × h` pixels; with `orientation`, an EXIF block carrying it.
fn jpeg(w: u32, h: u32, orientation: Option<u16>) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            image::Rgb([200, 30, 30])
        } else {
            image::Rgb([30, 30, 200])
        }
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    if let Some(o) = orientation {
        // APP1 "Exif\0\0" + a little-endian TIFF header + one IFD entry: Orientation (0x0112),
        // SHORT, count 1, value `o`.
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&1u16.to_le_bytes());
        tiff.extend_from_slice(&0x0112u16.to_le_bytes());
        tiff.extend_from_slice(&3u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&o.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&0u32.to_le_bytes());
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        segment.extend_from_slice(&app1);
        out.splice(2..2, segment);
    }
    out
}

/// An RGB PNG of zeros, deflated by hand: one literal 0, then back-references of 258 bytes at
/// distance 1 (13 bits each with the fixed Huffman codes), so a tiny file decodes huge.
fn black_png(width: u32, height: u32) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        /// `len` bits of `v`, least significant first (deflate's order for headers).
        fn put(&mut self, v: u64, len: u32) {
            self.acc |= v << self.n;
            self.n += len;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u64, len: u32) {
            self.put(reversed(code, len), len);
        }
    }
    fn reversed(code: u64, len: u32) -> u64 {
        (0..len).fold(0, |r, i| r | (((code >> i) & 1) << (len - 1 - i)))
    }
    let raw = u64::from(height) * (u64::from(width) * 3 + 1);
    let mut z = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    z.put(1, 1); // BFINAL
    z.put(1, 2); // fixed Huffman codes
    z.code(0x30, 8); // literal 0
    let pairs = (raw - 1) / 258;
    // Length 258 is symbol 285 (8 bits 11000101), distance 1 is code 0 (5 bits).
    let pair = reversed(0b1100_0101, 8) | (reversed(0, 5) << 8);
    for _ in 0..pairs {
        z.put(pair, 13);
    }
    for _ in 0..(raw - 1) % 258 {
        z.code(0x30, 8);
    }
    z.code(0, 7); // end of block
    if z.n > 0 {
        z.put(0, 8 - z.n);
    }
    let adler = (((raw % 65521) as u32) << 16) | 1;
    z.out.extend_from_slice(&adler.to_be_bytes());

    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(*b"IHDR", ihdr), (*b"IDAT", z.out), (*b"IEND", Vec::new())] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(&kind);
        png.extend_from_slice(&data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Characters a name must not carry to the operator or to P100: C0/C1 controls (a CR LF in a
/// multipart `filename="…"` starts a new header line) and the Unicode bidi controls that make
/// `invoice` + U+202E + `fdp.exe` read as `invoiceexe.pdf`.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

#[tokio::test]
async fn names_are_made_safe_for_the_screen_the_timeline_and_p100() {
    let f = Fixture::new().await;
    let long = format!("{}.pdf", "a".repeat(240));
    let names: Vec<&OsStr> = vec![
        OsStr::new("inj\r\nContent-Type: text_html\r\n\r\nX-Evil: 1.pdf"),
        OsStr::new("tab\tbell\u{7}esc\u{1b}[31mdel\u{7f}c1\u{85}.pdf"),
        OsStr::new("invoice\u{202E}fdp.exe"),
        OsStr::new("iso\u{2066}late\u{2069}\u{200F}\u{2028}.pdf"),
        OsStr::new(&long),
        // Not UTF-8: a Latin-1 é.
        OsStr::from_bytes(b"caf\xe9.pdf"),
        OsStr::new("quote\"back\\slash;semi.pdf"),
        OsStr::new("<img src=x onerror=alert(1)>.pdf"),
    ];
    let mut tokens = Vec::new();
    for name in &names {
        let t = f.admit(&f.write(name, PDF)).unwrap();
        assert!(
            !t.name.chars().any(unsafe_char),
            "{:?} kept an unsafe character: {:?}",
            name,
            t.name
        );
        assert!(
            t.name.chars().count() <= 100,
            "{:?} is {} characters",
            t.name,
            t.name.chars().count()
        );
        assert!(!t.name.is_empty());
        tokens.push(t);
    }
    let by = |i: usize| tokens[i].name.as_str();
    assert_eq!(by(0), "inj__Content-Type: text_html____X-Evil: 1.pdf");
    assert_eq!(
        by(2),
        "invoice_fdp.exe",
        "the override is visible as what it is"
    );
    assert!(
        by(4).ends_with(".pdf") && by(4).starts_with("aaaa"),
        "{}",
        by(4)
    );
    assert_eq!(by(5), "caf\u{FFFD}.pdf");
    assert_eq!(
        by(6),
        "quote_back_slash;semi.pdf",
        "`\"` and `\\` go: multipart parsers unescape them differently; the rest stays"
    );
    assert_eq!(
        by(7),
        "<img src=x onerror=alert(1)>.pdf",
        "the webview shows text, never markup"
    );

    // The safe names are what P100 receives, intact, through the multipart header, and what
    // the timeline keeps. Three at a time: proof of address takes at most three files.
    let mut received = Vec::new();
    for chunk in tokens.chunks(3) {
        let ids = chunk.iter().map(|t| t.id.clone()).collect();
        f.d.add_poa_files(&f.ext, ids, None)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "{:?}: {e}",
                    chunk.iter().map(|t| &t.name).collect::<Vec<_>>()
                )
            });
        let ext = f.ext.clone();
        received.extend(
            f.d.with_sandbox(move |h| h.state().user(&ext).unwrap().poa.unwrap().files)
                .await
                .unwrap(),
        );
        // The next upload needs the review to end first.
        let ext = f.ext.clone();
        f.d.with_sandbox(move |h| {
            let _ = h
                .state()
                .decide_poa_now(&ext, p100_sandbox::model::PoaOutcome::Reject);
        })
        .await
        .unwrap();
    }
    let sent: Vec<&str> = tokens.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        received, sent,
        "P100 got each name exactly as the operator saw it"
    );
    let timeline = f.d.timeline(&f.ext).await.unwrap();
    let kept: Vec<String> = timeline
        .iter()
        .filter(|e| e.kind() == "poaUploaded")
        .flat_map(|e| e.detail()["files"].as_array().unwrap().clone())
        .map(|file| file["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kept, sent);
}
