//! The Linux installer (issue 24): the .deb that scripts/package.sh builds holds the app, the
//! `madoguchi` command, the desktop entry, the icon and the licences, and the app extracted
//! from it starts in a real window and shows the unlock screen.
//!
//! scripts/test.sh runs scripts/package.sh before the tests; this test fails (never skips)
//! when the .deb is missing.
use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{bail, ensure, Context, Result};
use madoguchi_tests::{desktop::Desktop, new_store, repo_root};

/// The .deb: `MADOGUCHI_DEB`, or the newest one under `<target>/debug/bundle/deb/` (where
/// `scripts/package.sh` puts its debug bundle, in the target dir of this test).
fn deb_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("MADOGUCHI_DEB") {
        return Ok(path.into());
    }
    // target/debug/deps/<test> -> target/debug/bundle/deb
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .context("target dir")?
        .join("bundle/deb");
    let newest = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok());
    match newest {
        Some(deb) => Ok(deb),
        None => bail!(
            "no .deb in {}: run scripts/package.sh first (scripts/test.sh does), or set MADOGUCHI_DEB",
            dir.display()
        ),
    }
}

fn dpkg_deb(args: &[&str]) -> Result<String> {
    let out = Command::new("dpkg-deb")
        .args(args)
        .output()
        .context("running dpkg-deb (package dpkg)")?;
    ensure!(
        out.status.success(),
        "dpkg-deb {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deb_holds_the_programs_entry_icon_and_licences_and_its_app_starts() -> Result<()> {
    let deb = deb_path()?;
    let deb_str = deb.to_str().context("utf-8 path")?;

    // The control fields: the package name the docs use, and the WebView it needs.
    assert_eq!(dpkg_deb(&["-f", deb_str, "Package"])?.trim(), "madoguchi");
    assert_eq!(
        dpkg_deb(&["-f", deb_str, "Version"])?.trim(),
        env!("CARGO_PKG_VERSION")
    );
    let depends = dpkg_deb(&["-f", deb_str, "Depends"])?;
    assert!(
        depends.contains("libwebkit2gtk-4.1-0"),
        "Depends: {depends}"
    );

    // The listing: `-rwxr-xr-x 0/0 123 2026-01-01 00:00 ./usr/bin/madoguchi`.
    let listing = dpkg_deb(&["-c", deb_str])?;
    let paths: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|p| p.trim_start_matches("./"))
        .collect();
    let has = |wanted: &dyn Fn(&str) -> bool, what: &str| {
        assert!(
            paths.iter().any(|p| wanted(p)),
            "the .deb holds {what}; it lists:\n{listing}"
        );
    };
    has(&|p| p == "usr/bin/madoguchi-app", "/usr/bin/madoguchi-app");
    has(&|p| p == "usr/bin/madoguchi", "/usr/bin/madoguchi");
    has(
        &|p| p.starts_with("usr/share/applications/") && p.ends_with(".desktop"),
        "a desktop entry",
    );
    has(
        &|p| p.starts_with("usr/share/icons/hicolor/") && p.ends_with("/apps/madoguchi-app.png"),
        "the icon",
    );
    has(&|p| p == "usr/share/doc/madoguchi/LICENSE", "the licence");
    has(
        &|p| p == "usr/share/doc/madoguchi/IPA_Font_License_Agreement_v1.0.txt",
        "the IPA font licence",
    );
    assert!(
        listing
            .lines()
            .filter(|l| l.ends_with("usr/bin/madoguchi-app") || l.ends_with("usr/bin/madoguchi"))
            .all(|l| l.starts_with("-rwxr-xr-x")),
        "the programs are executable:\n{listing}"
    );

    // Uninstalling removes the program only, and says how data is removed.
    let control = tempfile::tempdir()?;
    dpkg_deb(&["-e", deb_str, control.path().to_str().context("utf-8")?])?;
    let postrm = std::fs::read_to_string(control.path().join("postrm"))
        .context("the .deb has a postrm script")?;
    assert!(
        postrm.contains("データフォルダ（暗号化されたストア）は削除していません")
            && postrm.contains("madoguchi wipe")
            && !postrm.contains("rm "),
        "postrm: {postrm}"
    );

    // Installed into a temporary root (an extracted tree).
    let root = tempfile::tempdir()?;
    dpkg_deb(&["-x", deb_str, root.path().to_str().context("utf-8")?])?;
    let repo = repo_root();
    for (installed, source) in [
        ("usr/share/doc/madoguchi/LICENSE", "LICENSE"),
        (
            "usr/share/doc/madoguchi/IPA_Font_License_Agreement_v1.0.txt",
            "assets/fonts/IPA_Font_License_Agreement_v1.0.txt",
        ),
    ] {
        assert_eq!(
            std::fs::read(root.path().join(installed))?,
            std::fs::read(repo.join(source))?,
            "{installed} is {source}"
        );
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(root.path().join("usr/share/applications"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    assert_eq!(entries.len(), 1, "one desktop entry: {entries:?}");
    let entry = std::fs::read_to_string(&entries[0])?;
    for line in [
        "[Desktop Entry]",
        "Type=Application",
        "Name=窓口 マイナンバーカード特設窓口",
        "Exec=madoguchi-app",
        "Icon=madoguchi-app",
        "Terminal=false",
    ] {
        assert!(
            entry.lines().any(|l| l == line),
            "the desktop entry has {line:?}:\n{entry}"
        );
    }
    assert!(
        entry
            .lines()
            .any(|l| l.starts_with("Comment=マイナンバーカード")),
        "a Japanese comment:\n{entry}"
    );

    // The command runs from the extracted tree.
    let cli = Command::new(root.path().join("usr/bin/madoguchi"))
        .arg("--version")
        .output()
        .context("running the extracted madoguchi")?;
    assert!(cli.status.success(), "madoguchi --version: {cli:?}");
    assert_eq!(
        String::from_utf8(cli.stdout)?.trim(),
        format!("madoguchi {}", env!("CARGO_PKG_VERSION"))
    );

    // The extracted app, in a real window, on a data dir holding only a new store.
    let data = tempfile::tempdir()?;
    drop(new_store(data.path()));
    let app_bin = root.path().join("usr/bin/madoguchi-app");
    let app = Desktop::launch_binary("package_deb", &app_bin, data.path()).await?;
    let result = async {
        app.find("#passphrase").await?;
        app.wait_for_text("h1", "ストアの解錠").await?;
        app.screenshot("01-unlock-from-deb").await?;
        // The packaged build opens the store too (SQLCipher linked in, the UI embedded).
        app.unlock().await?;
        app.screenshot("02-sign-in-from-deb").await?;
        anyhow::Ok(())
    }
    .await;
    app.close().await?;
    result
}
