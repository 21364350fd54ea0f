//! The contract between the macros and the runtime: generated code calls
//! `monitor_runtime::__private`, which changes between releases, so a runtime must only
//! ever be built with the macros of its own release. The runtime depends on
//! `monitor-macros` with an exact (`=`) requirement on its own version; this test fails if
//! the requirement is loosened or the two versions drift apart.

use std::process::Command;

use serde_json::Value;

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

fn package<'a>(metadata: &'a Value, name: &str) -> &'a Value {
    metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("package {name}"))
}

#[test]
fn the_runtime_pins_the_macros_of_its_own_release() {
    let metadata = metadata();
    let runtime = package(&metadata, "monitor-runtime");
    let macros = package(&metadata, "monitor-macros");
    assert_eq!(
        runtime["version"], macros["version"],
        "the two crates are released together"
    );
    let dependency = runtime["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .find(|d| d["name"] == "monitor-macros" && d["kind"].is_null())
        .expect("monitor-runtime depends on monitor-macros");
    let version = macros["version"].as_str().expect("a version");
    assert_eq!(
        dependency["req"].as_str(),
        Some(format!("={version}").as_str()),
        "an exact requirement: a caret one would let cargo pair this runtime with macros \
         of another release, whose generated code calls a different `__private`"
    );
}
