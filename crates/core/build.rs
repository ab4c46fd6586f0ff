//! Embeds the SQL files of `migrations/` into the core crate at build time.
//!
//! File names are `NNNN_name.sql`; numbers must run 1, 2, 3… without gaps, which is checked
//! here so a mistake fails the build rather than a counter PC.
use std::{env, fmt::Write as _, fs, path::PathBuf};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(u32, String, PathBuf)> = Vec::new();
    for entry in fs::read_dir(&dir).expect("migrations/ directory") {
        let path = entry.unwrap().path();
        println!("cargo:rerun-if-changed={}", path.display());
        let Some(file) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        let Some(stem) = file.strip_suffix(".sql") else {
            continue;
        };
        let (num, name) = stem
            .split_once('_')
            .unwrap_or_else(|| panic!("migration {file}: expected NNNN_name.sql"));
        let version: u32 = num
            .parse()
            .unwrap_or_else(|_| panic!("migration {file}: bad number"));
        files.push((version, name.to_owned(), path.canonicalize().unwrap()));
    }
    files.sort();
    let mut out = String::from("&[\n");
    for (i, (version, name, path)) in files.iter().enumerate() {
        assert_eq!(
            *version as usize,
            i + 1,
            "migrations must be numbered 1, 2, 3… without gaps"
        );
        writeln!(
            out,
            "    Migration {{ version: {version}, name: {name:?}, sql: include_str!({:?}) }},",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push(']');
    fs::write(
        PathBuf::from(env::var("OUT_DIR").unwrap()).join("migrations.rs"),
        out,
    )
    .unwrap();
}
