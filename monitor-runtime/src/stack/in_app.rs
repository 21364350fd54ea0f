//! Which frames belong to the application, and which are the capturing machinery.
//!
//! A frame is **in-app** when its function belongs to one of the application's crates: a
//! crate whose source is in the application's tree, i.e. not under Cargo's registry or git
//! checkouts and not in the Rust toolchain, and that is not one of the crates below. A
//! crate is known to be the application's once any frame of the stack shows it there, so
//! its code expanded from a dependency's macro (a closure inside `tracing::error!`) stays
//! in-app. Frames
//! of `std`, `core`, `alloc`, the toolkit (`monitor_runtime`, `monitor_macros`), the SDK
//! (`sentry*`), and of every dependency (tokio, tracing, axum, hyper, tower, futures, sqlx,
//! …) are not. `ClientOptions::in_app_include` / `in_app_exclude` prefixes win over these
//! rules.
//!
//! The **machinery** at the top of a captured stack (the unwinder, the toolkit's capture
//! path, the SDK's client and integrations, `tracing`'s dispatch, the panic runtime, the
//! closure shims that call hooks) is trimmed, together with the standard library's frames
//! among it, so the newest frame shown is the code that failed (or, for a panic in
//! `unwrap`, called the standard library).

/// Crates whose frames are never in-app, whatever their path.
const NOT_IN_APP: &[&str] = &[
    "std",
    "core",
    "alloc",
    "backtrace",
    "monitor_runtime",
    "monitor_macros",
    "sentry",
    "sentry_core",
    "sentry_types",
    "sentry_backtrace",
    "sentry_tracing",
    "sentry_panic",
    "sentry_anyhow",
    "sentry_tower",
    "sentry_contexts",
    "anyhow",
    "thiserror",
    "tokio",
    "tokio_util",
    "tracing",
    "tracing_core",
    "tracing_subscriber",
    "futures",
    "futures_core",
    "futures_util",
    "hyper",
    "hyper_util",
    "axum",
    "axum_core",
    "tower",
    "tower_http",
    "tower_layer",
    "tower_service",
    "h2",
    "http",
    "reqwest",
    "sqlx",
    "sqlx_core",
    "sqlx_sqlite",
    "sqlx_postgres",
    "sqlx_mysql",
    "serde",
    "serde_json",
    "log",
    "pin_project_lite",
];

/// Function-name prefixes of the frames trimmed from the top of a stack.
const MACHINERY: &[&str] = &[
    "backtrace::",
    "monitor_runtime::",
    "sentry::",
    "sentry_core::",
    "sentry_backtrace::",
    "sentry_tracing::",
    "sentry_panic::",
    "sentry_anyhow::",
    "anyhow::",
    "tracing::",
    "tracing_core::",
    "tracing_subscriber::",
    "core::ops::function::",
    "alloc::boxed::",
    "core::panicking::",
    "std::panicking::",
    "std::panic::",
    "std::sys::backtrace::",
    "std::backtrace::",
    "std::backtrace_rs::",
    "std::rt::",
    "rust_begin_unwind",
    "__rustc::",
    "__rust_",
    "_Unwind_",
];

/// The crate a demangled function name belongs to: `web_service` for
/// `web_service::routes::stats::{{closure}}`, `tracing_subscriber` for
/// `<tracing_subscriber::layer::Layered<L, S> as tracing_core::Subscriber>::event`.
pub(crate) fn crate_of(function: &str) -> Option<&str> {
    let name = function
        .trim_start_matches('_')
        .trim_start_matches('<')
        .trim_start_matches('&')
        .trim_start_matches("mut ")
        .trim_start_matches("dyn ");
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    let candidate = &name[..end];
    (!candidate.is_empty() && name[end..].starts_with("::")).then_some(candidate)
}

/// Whether the source file is outside the application's tree: a dependency from Cargo's
/// registry or a git checkout, or the Rust toolchain's own library sources.
pub(crate) fn is_dependency_path(path: &str) -> bool {
    let path = path.replace('\\', "/");
    path.contains("/registry/src/")
        || path.contains("/git/checkouts/")
        || path.starts_with("/rustc/")
        || path.contains("/lib/rustlib/src/")
        || path.contains("/.rustup/toolchains/")
}

/// Whether `function` starts with `prefix` as a path: `tokio::` matches
/// `tokio::runtime::…` and `<tokio::…>`, `app` matches `app::x` but not `apple::x`.
fn starts_with_path(function: &str, prefix: &str) -> bool {
    let function = function.trim_start_matches('<');
    function.starts_with(prefix)
        && (prefix.ends_with("::")
            || function[prefix.len()..].is_empty()
            || function[prefix.len()..].starts_with("::"))
}

/// The crate of a frame that shows it in the application's tree, if it does.
pub(crate) fn app_crate<'a>(function: Option<&'a str>, abs_path: Option<&str>) -> Option<&'a str> {
    let krate = crate_of(function?)?;
    let local = abs_path.is_some_and(|path| !is_dependency_path(path));
    (local && !NOT_IN_APP.contains(&krate)).then_some(krate)
}

/// The in-app rules of the module documentation. `include`/`exclude` are the SDK options;
/// `app_crates` the crates the stack shows in the application's tree ([`app_crate`]).
pub(crate) fn is_in_app(
    function: Option<&str>,
    abs_path: Option<&str>,
    include: &[String],
    exclude: &[String],
    app_crates: &[&str],
) -> bool {
    if let Some(function) = function {
        if include.iter().any(|p| starts_with_path(function, p)) {
            return true;
        }
        if exclude.iter().any(|p| starts_with_path(function, p)) {
            return false;
        }
        match crate_of(function) {
            Some(krate) if NOT_IN_APP.contains(&krate) => return false,
            Some(krate) if app_crates.contains(&krate) => return true,
            _ => {}
        }
    }
    // Only Rust sources of the application's tree: the C runtime's frames
    // (`__libc_start_main` in glibc's `.c`/`.h` files) are nobody's application code.
    abs_path.is_some_and(|path| path.ends_with(".rs") && !is_dependency_path(path))
}

/// Whether `function` belongs to `std`, `core` or `alloc`.
pub(crate) fn is_standard_library(function: &str) -> bool {
    crate_of(function).is_some_and(|krate| matches!(krate, "std" | "core" | "alloc"))
}

/// Whether a frame running `function` is part of the capturing machinery.
pub(crate) fn is_machinery(function: &str) -> bool {
    let function = function.trim_start_matches('<');
    MACHINERY.iter().any(|prefix| function.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_are_read_from_paths_and_trait_impls() {
        assert_eq!(
            crate_of("web_service::routes::organisations::stats::{{closure}}"),
            Some("web_service")
        );
        assert_eq!(
            crate_of(
                "<tracing_subscriber::layer::Layered<L,S> as tracing_core::Subscriber>::event"
            ),
            Some("tracing_subscriber")
        );
        assert_eq!(
            crate_of("_<core::pin::Pin<P> as core::future::Future>::poll"),
            Some("core")
        );
        assert_eq!(crate_of("main"), None);
        assert_eq!(crate_of("__libc_start_main"), None);
    }

    #[test]
    fn application_frames_are_in_app_and_the_rest_is_not() {
        let app = Some("/work/app/src/service.rs");
        let registry = Some(
            "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tokio-1.48.0/src/runtime/task/mod.rs",
        );
        let toolchain = Some(
            "/rustc/4eb161250e340c8f48f66e2b929ef4a5bed7c181/library/core/src/ops/function.rs",
        );
        let none: &[&str] = &[];
        assert!(is_in_app(
            Some("web_service::service::stats"),
            app,
            &[],
            &[],
            none
        ));
        assert!(!is_in_app(
            Some("tokio::runtime::task::raw::poll"),
            registry,
            &[],
            &[],
            none
        ));
        assert!(!is_in_app(
            Some("core::ops::function::FnOnce::call_once"),
            toolchain,
            &[],
            &[],
            none
        ));
        assert!(!is_in_app(
            Some("monitor_runtime::capture::capture_error"),
            app,
            &[],
            &[],
            none
        ));
        assert!(!is_in_app(
            Some("sentry_core::hub::Hub::capture_event"),
            app,
            &[],
            &[],
            none
        ));
        // An unknown dependency is recognised by where its source lives.
        assert!(!is_in_app(Some("some_dep::run"), registry, &[], &[], none));
        // The application's closure expanded from a dependency's macro: its crate decides.
        let closure = Some("web_service::routes::stats::{{closure}}");
        assert!(!is_in_app(closure, registry, &[], &[], none));
        let apps = [app_crate(Some("web_service::routes::stats"), app).unwrap()];
        assert_eq!(apps, ["web_service"]);
        assert!(is_in_app(closure, registry, &[], &[], &apps));
        assert_eq!(app_crate(Some("tokio::spawn"), app), None);
        assert_eq!(app_crate(Some("some_dep::run"), registry), None);
        // Nothing known: not claimed as the application's.
        assert!(!is_in_app(None, None, &[], &[], none));
        // The C runtime under `main`, with glibc's sources: not Rust, not in-app.
        let glibc = Some("./csu/../sysdeps/nptl/libc_start_call_main.h");
        assert!(!is_in_app(
            Some("__libc_start_call_main"),
            glibc,
            &[],
            &[],
            none
        ));
        assert!(!is_in_app(
            Some("__libc_start_main_impl"),
            Some("./csu/../csu/libc-start.c"),
            &[],
            &[],
            none
        ));
        // The options win.
        let include = ["tokio::runtime".to_owned()];
        assert!(is_in_app(
            Some("tokio::runtime::task::raw::poll"),
            registry,
            &include,
            &[],
            none
        ));
        let exclude = ["web_service::service".to_owned()];
        assert!(!is_in_app(
            Some("web_service::service::stats"),
            app,
            &[],
            &exclude,
            &apps
        ));
        assert!(is_in_app(
            Some("web_service_extra::x"),
            app,
            &[],
            &exclude,
            none
        ));
    }

    #[test]
    fn machinery_is_the_capture_path_not_the_application() {
        assert!(is_machinery("backtrace::backtrace::libunwind::trace"));
        assert!(is_machinery(
            "monitor_runtime::__private::errors::capture_error"
        ));
        assert!(is_machinery(
            "<sentry_tracing::layer::SentryLayer<S> as tracing_subscriber::layer::Layer<S>>::on_event"
        ));
        assert!(is_machinery(
            "std::panicking::begin_panic_handler::{{closure}}"
        ));
        assert!(!is_machinery("web_service::routes::organisations::stats"));
        assert!(!is_machinery("core::result::unwrap_failed"));
    }
}
