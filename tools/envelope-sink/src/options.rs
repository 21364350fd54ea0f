//! The command line.

use std::time::Duration;

pub(crate) const USAGE: &str = "usage: envelope-sink [--port PORT] [--latency-ms MS] [--threads N]

  --port PORT       port on 127.0.0.1 to listen on (default 0: any free port; the first
                    line on stdout names it)
  --latency-ms MS   wait MS milliseconds before answering each envelope (default 0)
  --threads N       worker threads (default 2)";

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Options {
    pub(crate) port: u16,
    pub(crate) latency: Duration,
    pub(crate) threads: usize,
    pub(crate) help: bool,
}

impl Options {
    /// Reads `--flag value` and `--flag=value` pairs; every problem names the flag.
    pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut options = Options {
            port: 0,
            latency: Duration::ZERO,
            threads: 2,
            help: false,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
                None => (arg, None),
            };
            if flag == "--help" || flag == "-h" {
                options.help = true;
                continue;
            }
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--port" => {
                    let text = value()?;
                    options.port = text
                        .parse()
                        .map_err(|_| format!("--port {text:?}: expected a port from 0 to 65535"))?;
                }
                "--latency-ms" => {
                    let text = value()?;
                    let ms: u64 = text.parse().map_err(|_| {
                        format!("--latency-ms {text:?}: expected a whole number of milliseconds")
                    })?;
                    options.latency = Duration::from_millis(ms);
                }
                "--threads" => {
                    let text = value()?;
                    options.threads = text
                        .parse()
                        .ok()
                        .filter(|n| (1..=64).contains(n))
                        .ok_or_else(|| format!("--threads {text:?}: expected 1 to 64"))?;
                }
                other => return Err(format!("unknown option {other:?}")),
            }
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn flags_with_separate_or_inline_values() {
        let options = parse(&["--port", "9000", "--latency-ms=25", "--threads", "4"]).unwrap();
        assert_eq!(options.port, 9000);
        assert_eq!(options.latency, Duration::from_millis(25));
        assert_eq!(options.threads, 4);
        assert_eq!(parse(&[]).unwrap().port, 0);
    }

    #[test]
    fn problems_name_the_flag() {
        assert_eq!(
            parse(&["--port", "70000"]).unwrap_err(),
            r#"--port "70000": expected a port from 0 to 65535"#
        );
        assert_eq!(
            parse(&["--latency-ms"]).unwrap_err(),
            "--latency-ms needs a value"
        );
        assert_eq!(
            parse(&["--bind", "0.0.0.0"]).unwrap_err(),
            r#"unknown option "--bind""#
        );
        assert_eq!(
            parse(&["--threads=0"]).unwrap_err(),
            r#"--threads "0": expected 1 to 64"#
        );
    }
}
