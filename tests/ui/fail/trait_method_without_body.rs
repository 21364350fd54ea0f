use monitor_runtime::monitored;

trait Store {
    #[monitored]
    fn load(&self, key: u32) -> u32;
}

struct Memory;

impl Store for Memory {
    fn load(&self, key: u32) -> u32 {
        key
    }
}

fn main() {
    let _ = Memory.load(1);
}
