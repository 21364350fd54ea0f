//! Helpers shared by the privacy tests: payment card numbers to plant.

/// `prefix` with the Luhn check digit appended: a number the card detector must redact.
pub fn luhn_complete(prefix: &str) -> String {
    let digits: Vec<u32> = prefix.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &d)| {
            if k % 2 == 0 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    format!("{prefix}{}", (10 - sum % 10) % 10)
}

/// `digits` printed in groups of four separated by `sep`, as cards are.
pub fn grouped(digits: &str, sep: &str) -> String {
    digits
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(sep)
}
