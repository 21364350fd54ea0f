// Every name the expansion uses internally is free for user parameters and locals: the
// generated bindings are mixed-site, the generated items live in their own block.
#![deny(warnings)]

use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored(tags(site = monitor_site), data(monitor_span, monitor_ret))]
#[breadcrumb(data(monitor_guard, monitor_crumb), outcome)]
#[capture_errors(tags(capture = monitor_capture), data(monitor_out))]
#[allow(non_snake_case, clippy::too_many_arguments)]
fn sync_clash(
    monitor_site: u32,
    monitor_span: u32,
    monitor_ret: u32,
    monitor_guard: u32,
    monitor_crumb: u32,
    monitor_capture: u32,
    monitor_out: u32,
    __MONITOR_RUNTIME_SITE: u32,
    __monitor_runtime_path: u32,
) -> Result<u32, String> {
    Ok(monitor_site
        + monitor_span
        + monitor_ret
        + monitor_guard
        + monitor_crumb
        + monitor_capture
        + monitor_out
        + __MONITOR_RUNTIME_SITE
        + __monitor_runtime_path)
}

// The other generated names, on the async, `#[track_caller]` and `-> !` paths.
#[monitored(data(monitor_out_ref, monitor_recorder))]
#[capture_errors(data(monitor_err, monitor_fields))]
async fn async_clash(
    monitor_out_ref: u32,
    monitor_recorder: u32,
    monitor_err: u32,
    monitor_fields: u32,
    monitor_span: u32,
) -> Result<u32, String> {
    let monitor_out = monitor_out_ref + monitor_recorder + monitor_err + monitor_fields;
    Ok(monitor_out + monitor_span)
}

#[monitored]
#[capture_errors]
#[track_caller]
fn caller_clash(monitor_ok: Result<u32, String>, monitor_residual: u32) -> Result<u32, String> {
    let monitor_out = monitor_ok?;
    Ok(monitor_out + monitor_residual)
}

#[monitored(check_in = "clash")]
fn check_in_clash(monitor_check_in: u32, monitor_fake_return: u32) -> u32 {
    monitor_check_in + monitor_fake_return
}

fn main() {
    assert_eq!(sync_clash(1, 1, 1, 1, 1, 1, 1, 1, 1), Ok(9));
    let _unpolled = async_clash(1, 1, 1, 1, 1);
    assert_eq!(caller_clash(Ok(1), 1), Ok(2));
    assert_eq!(check_in_clash(1, 1), 2);
}
