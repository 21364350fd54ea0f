//! The schema and the demo data, embedded in the binary and applied by sqlx's migrator.
//!
//! The schema's DDL differs per database (auto-increment keys), so each backend has its own
//! `migrations/<backend>/0001_schema.sql`; the demo data (`migrations/0002_seed.sql`) is
//! the same everywhere. sqlx records what ran in `_sqlx_migrations`, so restarting the
//! service against the same database applies nothing twice.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::db::Backend;

const SEED: &str = include_str!("../migrations/0002_seed.sql");

fn schema(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => include_str!("../migrations/sqlite/0001_schema.sql"),
        Backend::Postgres => include_str!("../migrations/postgres/0001_schema.sql"),
        Backend::MySql => include_str!("../migrations/mysql/0001_schema.sql"),
    }
}

/// The migrations for one backend, as sqlx's [`MigrationSource`].
#[derive(Debug, Clone, Copy)]
pub struct Embedded {
    backend: Backend,
}

impl Embedded {
    /// The migrations of `backend`.
    pub fn new(backend: Backend) -> Self {
        Embedded { backend }
    }

    /// `(version, description, sql)` of every migration, in order.
    pub fn list(&self) -> [(i64, &'static str, &'static str); 2] {
        [
            (1, "schema", schema(self.backend)),
            (2, "seed demo data", SEED),
        ]
    }

    /// A migrator that applies them.
    pub async fn migrator(self) -> Result<Migrator, sqlx::migrate::MigrateError> {
        Migrator::new(self).await
    }
}

impl MigrationSource<'static> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 'static>> {
        let migrations = self
            .list()
            .into_iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                )
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}
