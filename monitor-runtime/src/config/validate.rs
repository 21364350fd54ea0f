//! [`Config::validate`]: the checks on values given through builder methods.

use super::*;

impl Config {
    /// Checks the values given through builder methods; errors name the method
    /// (`Config::traces_sample_rate(1.5) is invalid: …`). Values read by
    /// [`Config::from_source`] were checked there and always pass.
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let err = Config::default().traces_sample_rate(1.5).validate().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "Config::traces_sample_rate(1.5) is invalid: expected a number from 0.0 to 1.0 (for example 0.25)"
    /// );
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        let mut text = |method: &str, value: &str, check: Result<(), Expected>| {
            if let Err(expected) = check {
                problems.push(ConfigProblem::builder_text(method, value, expected));
            }
        };

        if let DsnSetting::Invalid { shown, expected } = &self.dsn {
            text("Config::dsn", shown, Err(expected.clone()));
        }
        text(
            "Config::environment",
            &self.environment,
            parse::environment(&self.environment),
        );
        if let Some(release) = &self.release {
            text("Config::release", release, parse::release(release));
        }
        if let Some(release) = &self.default_release {
            text("Config::default_release", release, parse::release(release));
        }
        if let Some(url) = &self.spotlight {
            let check = if parse::is_http_url(url) {
                Ok(())
            } else {
                Err(Expected::Borrowed(parse::SPOTLIGHT_URL))
            };
            text("Config::spotlight", &parse::redact_dsn(url), check);
        }
        if let Some(LogSetting::Filter(filter)) = &self.log {
            text("Config::log_filter", filter, parse::log_filter(filter));
        }
        if let Some(name) = &self.server_name {
            text("Config::server_name", name, non_empty_name(name));
        }
        for name in &self.ignored_error_types {
            text("Config::ignore_error_type", name, non_empty_name(name));
        }
        for key in &self.scrub_keys {
            text("Config::scrub_key", key, non_empty_name(key));
        }
        for pattern in self.scrub_patterns.iter().filter(|p| !p.is_valid()) {
            problems.push(ConfigProblem::builder_value(
                "Config::scrub_pattern",
                format_args!("{pattern:?}"),
                parse::NON_EMPTY_PATTERN,
            ));
        }

        let mut value =
            |method: &str, value: &dyn fmt::Display, valid: bool, expected: &'static str| {
                if !valid {
                    problems.push(ConfigProblem::builder_value(method, value, expected));
                }
            };
        let rates = [
            ("Config::traces_sample_rate", self.traces_sample_rate),
            ("Config::sample_rate", self.sample_rate),
            ("Config::profiles_sample_rate", self.profiles_sample_rate),
        ];
        for (method, rate) in rates {
            if let Some(rate) = rate {
                value(method, &rate, parse::is_valid_rate(rate), parse::RATE);
            }
        }
        value(
            "Config::max_breadcrumbs",
            &self.max_breadcrumbs,
            self.max_breadcrumbs <= parse::MAX_BREADCRUMBS_LIMIT,
            parse::MAX_BREADCRUMBS,
        );
        value(
            "Config::queue_capacity",
            &self.queue_capacity,
            self.queue_capacity > 0,
            parse::NON_ZERO_CAPACITY,
        );
        let durations = [
            ("Config::connect_timeout", self.connect_timeout),
            ("Config::request_timeout", self.request_timeout),
        ];
        for (method, duration) in durations {
            value(
                method,
                &format_args!("{duration:?}"),
                !duration.is_zero(),
                parse::NON_ZERO_DURATION,
            );
        }

        match ConfigError::from_problems(problems) {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

fn non_empty_name(name: &str) -> Result<(), Expected> {
    if name.trim().is_empty() {
        Err(Expected::Borrowed(parse::NON_EMPTY_NAME))
    } else {
        Ok(())
    }
}
