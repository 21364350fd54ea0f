//! The service layer: the API's rules between the handlers and the database.
//!
//! Each operation is `#[monitored(op = "service")]`, a span between the handler's and the
//! `db.query` spans, and leaves a breadcrumb. Errors are [`AppError`]s; the handlers report
//! them (`#[capture_errors]`), so a failure gives one event however deep it starts, and
//! concurrent requests failing alike each give theirs.

use monitor_runtime::{PerformanceMonitor, breadcrumb, metrics, monitored, set_context};
use serde_json::json;

use crate::db::Db;
use crate::error::AppError;
use crate::import::{self, ImportRow};
use crate::models::{
    ImportSummary, NewOrganisation, Organisation, OrganisationStats, RowFailure, UserRecord,
};

/// The organisations service.
#[derive(Debug, Clone)]
pub struct OrganisationService {
    db: Db,
}

impl OrganisationService {
    /// A service over `db`.
    pub fn new(db: Db) -> Self {
        OrganisationService { db }
    }

    /// Every organisation.
    #[monitored(op = "service")]
    pub async fn list(&self) -> Result<Vec<Organisation>, AppError> {
        let organisations = self.db.list_organisations().await?;
        tracing::info!(count = organisations.len(), "organisations_fetched");
        Ok(organisations)
    }

    /// Organisation `id`, or [`AppError::NotFound`].
    #[monitored(op = "service", data(id))]
    pub async fn get(&self, id: i64) -> Result<Organisation, AppError> {
        self.db.organisation(id).await?.ok_or(AppError::NotFound {
            entity: "organisation",
            id,
        })
    }

    /// Validates and stores a new organisation. Like seed 002's `create_organisation`, the
    /// insert runs inside a `PerformanceMonitor` that records the new id and category.
    #[monitored(op = "service")]
    #[breadcrumb(category = "organisations", message = "Creating an organisation")]
    pub async fn create(&self, new: NewOrganisation) -> Result<Organisation, AppError> {
        let new = new.validate()?;
        let monitor = PerformanceMonitor::start("create_organisation").op("function");
        monitor.set_tag("category", &new.category);
        let organisation = self.db.insert_organisation(&new).await?;
        monitor.set_data("org_id", organisation.id);
        monitor.set_data("org_name", &organisation.name);
        monitor.finish();
        tracing::info!(
            org_id = organisation.id,
            org_name = %organisation.name,
            category = %organisation.category,
            "organisation_created"
        );
        metrics::increment("organisations.created").tag("category", organisation.category.as_str());
        Ok(organisation)
    }

    /// Deletes organisation `id`; only admins may.
    #[monitored(op = "service", data(id))]
    #[breadcrumb(category = "organisations", message = "Deleting organisation {id}")]
    pub async fn delete(&self, user: &UserRecord, id: i64) -> Result<(), AppError> {
        if !user.is_admin() {
            return Err(AppError::Forbidden {
                action: "deleting an organisation",
            });
        }
        if self.db.delete_organisation(id).await? {
            tracing::info!(org_id = id, "organisation_deleted");
            Ok(())
        } else {
            Err(AppError::NotFound {
                entity: "organisation",
                id,
            })
        }
    }

    /// Per-member statistics of organisation `id`. An organisation without members has
    /// none: the division by zero is a 500 that the handler reports, with the numbers that
    /// caused it as the `organisation_stats` context (seed 001's `total_questions = 0`).
    #[monitored(op = "service", data(id))]
    pub async fn stats(&self, id: i64) -> Result<OrganisationStats, AppError> {
        let organisation = self.get(id).await?;
        let member_count = self.db.count_members(id).await?;
        let total_deals = self.db.total_deals(id).await?;
        set_context(
            "organisation_stats",
            json!({
                "organisation_id": id,
                "organisation_name": organisation.name,
                "member_count": member_count,
                "total_deals": total_deals,
            }),
        );
        if member_count == 0 {
            return Err(AppError::DivisionByZero {
                organisation_id: id,
            });
        }
        Ok(OrganisationStats {
            organisation_id: id,
            member_count,
            total_deals,
            deals_per_member: total_deals as f64 / member_count as f64,
        })
    }

    /// Imports organisations from a CSV text (header `name,category,country`), as seed
    /// 002's import route does: a start message, a breadcrumb per stage, an end message
    /// that is a warning when any row failed. Rows that fail are counted, not reported
    /// one by one.
    #[monitored(op = "service", data(filename, bytes = csv.len()))]
    pub async fn import(&self, filename: &str, csv: &str) -> Result<ImportSummary, AppError> {
        monitor_runtime::capture_message(
            &format!("Starting import from {filename}"),
            monitor_runtime::sentry::Level::Info,
        );
        monitor_runtime::add_breadcrumb(
            "import",
            "Starting import",
            &[("filename", json!(filename))],
        );

        let rows = import::parse(csv);
        monitor_runtime::add_breadcrumb(
            "import",
            "Validating file",
            &[
                ("filename", json!(filename)),
                ("row_count", json!(rows.len())),
            ],
        );
        let mut failures = Vec::new();
        let mut valid = Vec::new();
        for row in rows {
            match row {
                ImportRow::Valid { line, organisation } => valid.push((line, organisation)),
                ImportRow::Invalid { line, error } => failures.push(RowFailure { line, error }),
            }
        }

        monitor_runtime::add_breadcrumb(
            "import",
            "Processing rows",
            &[("row_count", json!(valid.len()))],
        );
        let mut success = 0u64;
        for (line, organisation) in valid {
            match self.db.insert_organisation(&organisation).await {
                Ok(_) => success += 1,
                Err(error) => failures.push(RowFailure {
                    line,
                    error: AppError::from(error).to_string(),
                }),
            }
        }
        failures.sort_by_key(|f| f.line);
        let errors = failures.len() as u64;

        let level = if errors == 0 {
            monitor_runtime::sentry::Level::Info
        } else {
            monitor_runtime::sentry::Level::Warning
        };
        monitor_runtime::capture_message(
            &format!("Import completed: {success} success, {errors} errors"),
            level,
        );
        tracing::info!(
            filename,
            success_count = success,
            error_count = errors,
            "import_completed"
        );
        metrics::increment_by("organisations.imported", success);
        metrics::increment_by("organisations.import_failed", errors);
        Ok(ImportSummary {
            filename: filename.to_owned(),
            success,
            errors,
            failures,
        })
    }
}
