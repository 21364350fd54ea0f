use monitor_runtime::monitored;

struct Opaque;

#[monitored(ret)]
fn opaque() -> Opaque {
    Opaque
}

#[monitored(ret(display))]
fn not_display() -> Vec<u8> {
    Vec::new()
}

fn main() {
    let _ = opaque();
    let _ = not_display();
}
