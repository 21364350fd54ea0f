//! Stage 3: writing the members to SQLite, in one database transaction.

use std::str::FromStr;

use monitor_runtime::{add_breadcrumb, capture_errors, monitored};
use serde_json::json;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{ConnectOptions, SqliteConnection};

use crate::job::JobError;
use crate::record::{Member, Rejected, RowError};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    deals_won INTEGER NOT NULL
)";

const INSERT_MEMBER: &str =
    "INSERT INTO members (organisation, name, email, deals_won) VALUES (?1, ?2, ?3, ?4)";

/// What the write stage did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    /// Rows stored.
    pub imported: u64,
    /// Rows the database refused.
    pub rejected: Vec<Rejected>,
}

/// The members database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `url` and its table.
    pub async fn open(url: &str) -> Result<Store, JobError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(JobError::Database)?
            .log_statements(log::LevelFilter::Trace);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(JobError::Database)?;
        sqlx::query(SCHEMA)
            .execute(&pool)
            .await
            .map_err(JobError::Database)?;
        Ok(Store { pool })
    }

    /// How many members the database holds.
    pub async fn count(&self) -> Result<i64, JobError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM members")
            .fetch_one(&self.pool)
            .await
            .map_err(JobError::Database)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Writes `members` in one transaction; a row the database refuses (a duplicate
    /// email) is rejected and reported, and the others are still written.
    #[monitored(name = "write", op = "import.write", data(rows = members.len()))]
    pub async fn write(&self, members: &[Member]) -> Result<Written, JobError> {
        add_breadcrumb(
            "import",
            format!("Writing {} rows", members.len()),
            &[("row_count", json!(members.len()))],
        );
        let mut tx = self.pool.begin().await.map_err(JobError::Database)?;
        let mut written = Written::default();
        for member in members {
            match insert_member(&mut tx, member).await {
                Ok(()) => written.imported += 1,
                Err(error) => written.rejected.push(Rejected::new(member.line, &error)),
            }
        }
        tx.commit().await.map_err(JobError::Database)?;
        Ok(written)
    }
}

/// Inserts one member: a `db.query` span; a refusal is captured with the row's line.
#[monitored(span, op = "db.query", data(line = member.line, statement = INSERT_MEMBER))]
#[capture_errors(data(line = member.line))]
pub async fn insert_member(conn: &mut SqliteConnection, member: &Member) -> Result<(), RowError> {
    sqlx::query(INSERT_MEMBER)
        .bind(&member.organisation)
        .bind(&member.name)
        .bind(&member.email)
        .bind(member.deals_won)
        .execute(conn)
        .await?;
    Ok(())
}
