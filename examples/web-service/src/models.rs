//! The API's data: organisations, users, statistics and import results, with the
//! validation of what clients send.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The categories an organisation may have.
pub const CATEGORIES: [&str; 5] = ["Institution", "Company", "Startup", "Association", "Public"];

/// The longest organisation name accepted.
pub const MAX_NAME_LEN: usize = 100;

/// An organisation as stored and returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Its id.
    pub id: i64,
    /// Its unique name.
    pub name: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// ISO 3166 alpha-2 country code, if known.
    pub country: Option<String>,
}

/// The body of `POST /api/v1/organisations`, and one row of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrganisation {
    /// The name: 1 to [`MAX_NAME_LEN`] characters once trimmed.
    pub name: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// Two upper-case letters, if given.
    #[serde(default)]
    pub country: Option<String>,
}

/// One problem with a field of client input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field (`name`, `category`, `country`, or `body` when the input did not parse).
    pub field: String,
    /// What is wrong, for the client.
    pub message: String,
}

/// Every problem found in one input, reported together (a 422).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// A single problem.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        ValidationErrors(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl NewOrganisation {
    /// Checks every field and returns the input trimmed, or every problem at once.
    ///
    /// ```
    /// use web_service::models::NewOrganisation;
    ///
    /// let ok = NewOrganisation { name: " Acme ".into(), category: "Company".into(), country: None };
    /// assert_eq!(ok.validate().unwrap().name, "Acme");
    ///
    /// let bad = NewOrganisation { name: "".into(), category: "Cult".into(), country: Some("France".into()) };
    /// assert_eq!(bad.validate().unwrap_err().0.len(), 3);
    /// ```
    pub fn validate(self) -> Result<NewOrganisation, ValidationErrors> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| {
            problems.push(FieldError {
                field: field.to_owned(),
                message,
            })
        };
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            problem("name", "must not be empty".to_owned());
        } else if name.chars().count() > MAX_NAME_LEN {
            problem("name", format!("must be at most {MAX_NAME_LEN} characters"));
        }
        let category = self.category.trim().to_owned();
        if !CATEGORIES.contains(&category.as_str()) {
            problem(
                "category",
                format!("must be one of {}", CATEGORIES.join(", ")),
            );
        }
        let country = self
            .country
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        if let Some(code) = &country
            && (code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()))
        {
            problem(
                "country",
                "must be a two-letter ISO code such as FR".to_owned(),
            );
        }
        if problems.is_empty() {
            Ok(NewOrganisation {
                name,
                category,
                country,
            })
        } else {
            Err(ValidationErrors(problems))
        }
    }
}

/// A user of the API, as the database stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRecord {
    /// Its id.
    pub id: i64,
    /// Its login name.
    pub username: String,
    /// Its email address (PII: not sent to Sentry unless `SENTRY_SEND_DEFAULT_PII`).
    pub email: String,
    /// `admin` or `user`.
    pub role: String,
}

impl UserRecord {
    /// Whether this user may do admin-only things.
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

/// `GET /api/v1/organisations/{id}/stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationStats {
    /// The organisation.
    pub organisation_id: i64,
    /// How many members it has.
    pub member_count: i64,
    /// Deals won by all its members.
    pub total_deals: i64,
    /// `total_deals / member_count`.
    pub deals_per_member: f64,
}

/// One row an import could not store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowFailure {
    /// The line of the CSV file (the header is line 1).
    pub line: u64,
    /// Why.
    pub error: String,
}

/// What `POST /api/v1/organisations/import` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// The name the client gave the file (`?filename=`), or `upload.csv`.
    pub filename: String,
    /// Rows stored.
    pub success: u64,
    /// Rows rejected.
    pub errors: u64,
    /// Why each rejected row was rejected.
    pub failures: Vec<RowFailure>,
}
