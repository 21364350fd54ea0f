//! The database layer: one function per query, each a `db.query` span.
//!
//! The pool is sqlx's `Any` pool, so `DATABASE_URL` picks SQLite, PostgreSQL or MySQL at
//! run time and nothing else changes. Queries are written once with `$1`-style
//! placeholders, which SQLite and PostgreSQL read as they are; for MySQL [`Db::sql`]
//! rewrites them to `?`. Every query function is `#[monitored(span, op = "db.query")]`: a
//! child span of the request (never a transaction of its own, so start-up work such as
//! migrations records nothing), with the statement and the database system as span data,
//! and leaves a `query` breadcrumb on the request, as seed 002's routes do.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use monitor_runtime::{breadcrumb, monitored};
use serde::Serialize;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, ConnectOptions, Row};

use crate::migrations::Embedded;
use crate::models::{NewOrganisation, Organisation, UserRecord};

/// Which database a `DATABASE_URL` points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// `sqlite:` URLs (the default; the C library is bundled).
    Sqlite,
    /// `postgres:` and `postgresql:` URLs.
    Postgres,
    /// `mysql:` and `mariadb:` URLs.
    MySql,
}

impl Backend {
    /// The backend of `url`, from its scheme.
    ///
    /// ```
    /// use web_service::db::Backend;
    /// assert_eq!(Backend::from_url("sqlite::memory:").unwrap(), Backend::Sqlite);
    /// assert_eq!(Backend::from_url("postgres://db/crm").unwrap(), Backend::Postgres);
    /// assert!(Backend::from_url("oracle://db").is_err());
    /// ```
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            "mysql" | "mariadb" => Ok(Backend::MySql),
            _ => Err(DbError::UnsupportedUrl(redact_url(url))),
        }
    }

    /// The name Sentry uses for it (`db.system`).
    pub fn system(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
            Backend::MySql => "mysql",
        }
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL's scheme is not one sqlx supports.
    #[error("DATABASE_URL {0:?} is not a sqlite:, postgres: or mysql: URL")]
    UnsupportedUrl(String),
    /// Connecting failed.
    #[error("cannot connect to {url}: {source}")]
    Connect {
        /// The URL, password removed.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Applying the migrations failed.
    #[error("cannot apply the migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// `url` without its password, for logs and errors.
///
/// ```
/// assert_eq!(web_service::db::redact_url("postgres://crm:s3cret@db/crm"), "postgres://crm:***@db/crm");
/// assert_eq!(web_service::db::redact_url("sqlite:crm.db"), "sqlite:crm.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

const USER_BY_TOKEN: &str = "SELECT id, username, email, role FROM users WHERE token = $1";
const INSERT_USER: &str =
    "INSERT INTO users (username, email, role, token) VALUES ($1, $2, $3, $4)";
const USER_BY_NAME: &str = "SELECT id, username, email, role FROM users WHERE username = $1";
const LIST_ORGANISATIONS: &str =
    "SELECT id, name, category, country FROM organisations ORDER BY id";
const ORGANISATION_BY_ID: &str =
    "SELECT id, name, category, country FROM organisations WHERE id = $1";
const ORGANISATION_BY_NAME: &str =
    "SELECT id, name, category, country FROM organisations WHERE name = $1";
const INSERT_ORGANISATION: &str =
    "INSERT INTO organisations (name, category, country) VALUES ($1, $2, $3)";
const DELETE_ORGANISATION: &str = "DELETE FROM organisations WHERE id = $1";
const COUNT_MEMBERS: &str = "SELECT COUNT(*) FROM members WHERE organisation_id = $1";
const MEMBER_DEALS: &str = "SELECT deals_won FROM members WHERE organisation_id = $1";

/// The database: a connection pool and the queries the service runs.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Opens a pool on `url` (installing sqlx's drivers once). An in-memory SQLite
    /// database lives in one connection, so its pool keeps exactly one forever.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        let backend = Backend::from_url(url)?;
        sqlx::any::install_default_drivers();
        let in_memory =
            backend == Backend::Sqlite && (url.contains(":memory:") || url.contains("mode=memory"));
        let options = if in_memory {
            AnyPoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            AnyPoolOptions::new().max_connections(8)
        };
        let connect_error = |source| DbError::Connect {
            url: redact_url(url),
            source,
        };
        // Statements are `db.query` spans already; sqlx logs them at TRACE rather than
        // DEBUG so the development log stays readable. Slow ones are still warned about.
        let connect_options = AnyConnectOptions::from_str(url)
            .map_err(connect_error)?
            .log_statements(log::LevelFilter::Trace);
        let pool = options
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect_options)
            .await
            .map_err(connect_error)?;
        Ok(Db { pool, backend })
    }

    /// Applies the schema and the demo data, unless already applied.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = Embedded::new(self.backend).migrator().await?;
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// `query` with its placeholders as this backend wants them: `$1` as written for
    /// SQLite and PostgreSQL, `?` for MySQL (each placeholder appears once, in order).
    ///
    /// ```
    /// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = web_service::db::Db::connect("sqlite::memory:").await?;
    /// assert_eq!(db.sql("SELECT 1 WHERE a = $1"), "SELECT 1 WHERE a = $1");
    /// # Ok(()) }
    /// ```
    pub fn sql(&self, query: &'static str) -> Cow<'static, str> {
        if self.backend != Backend::MySql {
            return Cow::Borrowed(query);
        }
        let mut out = String::with_capacity(query.len());
        let mut chars = query.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('?');
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    }

    /// The user holding `token`, if any.
    #[monitored(span, op = "db.query", data(statement = USER_BY_TOKEN, system = self.backend.system()))]
    #[breadcrumb(category = "query", message = "Looking up the bearer token")]
    pub async fn user_by_token(&self, token: &str) -> Result<Option<UserRecord>, sqlx::Error> {
        let sql = self.sql(USER_BY_TOKEN);
        let row = sqlx::query(&sql)
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Adds a user (the demo data has `admin` and `user`; tests add more).
    #[monitored(span, op = "db.query", data(statement = INSERT_USER, system = self.backend.system()))]
    pub async fn create_user(
        &self,
        username: &str,
        email: &str,
        role: &str,
        token: &str,
    ) -> Result<UserRecord, sqlx::Error> {
        let sql = self.sql(INSERT_USER);
        sqlx::query(&sql)
            .bind(username)
            .bind(email)
            .bind(role)
            .bind(token)
            .execute(&self.pool)
            .await?;
        let sql = self.sql(USER_BY_NAME);
        let row = sqlx::query(&sql)
            .bind(username)
            .fetch_one(&self.pool)
            .await?;
        user_from_row(&row)
    }

    /// Every organisation, by id.
    #[monitored(span, op = "db.query", data(statement = LIST_ORGANISATIONS, system = self.backend.system()))]
    #[breadcrumb(category = "query", message = "Fetching organisations")]
    pub async fn list_organisations(&self) -> Result<Vec<Organisation>, sqlx::Error> {
        let sql = self.sql(LIST_ORGANISATIONS);
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(organisation_from_row).collect()
    }

    /// The organisation `id`, if it exists.
    #[monitored(span, op = "db.query", data(id, statement = ORGANISATION_BY_ID, system = self.backend.system()))]
    #[breadcrumb(category = "query", message = "Fetching organisation {id}")]
    pub async fn organisation(&self, id: i64) -> Result<Option<Organisation>, sqlx::Error> {
        let sql = self.sql(ORGANISATION_BY_ID);
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(organisation_from_row).transpose()
    }

    /// Stores a validated organisation and returns it with its id. A duplicate name is a
    /// unique violation.
    #[monitored(span, op = "db.query", data(statement = INSERT_ORGANISATION, system = self.backend.system()))]
    #[breadcrumb(category = "query", message = "Inserting an organisation")]
    pub async fn insert_organisation(
        &self,
        new: &NewOrganisation,
    ) -> Result<Organisation, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let sql = self.sql(INSERT_ORGANISATION);
        sqlx::query(&sql)
            .bind(new.name.as_str())
            .bind(new.category.as_str())
            .bind(new.country.clone())
            .execute(&mut *tx)
            .await?;
        let sql = self.sql(ORGANISATION_BY_NAME);
        let row = sqlx::query(&sql)
            .bind(new.name.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let organisation = organisation_from_row(&row)?;
        tx.commit().await?;
        Ok(organisation)
    }

    /// Deletes organisation `id` and its members; `false` when there was none.
    #[monitored(span, op = "db.query", data(id, statement = DELETE_ORGANISATION, system = self.backend.system()))]
    #[breadcrumb(category = "query", message = "Deleting organisation {id}")]
    pub async fn delete_organisation(&self, id: i64) -> Result<bool, sqlx::Error> {
        let sql = self.sql(DELETE_ORGANISATION);
        let done = sqlx::query(&sql).bind(id).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }

    /// How many members organisation `id` has.
    #[monitored(span, op = "db.query", data(organisation_id, statement = COUNT_MEMBERS, system = self.backend.system()))]
    #[breadcrumb(
        category = "query",
        message = "Counting members of organisation {organisation_id}"
    )]
    pub async fn count_members(&self, organisation_id: i64) -> Result<i64, sqlx::Error> {
        let sql = self.sql(COUNT_MEMBERS);
        let row = sqlx::query(&sql)
            .bind(organisation_id)
            .fetch_one(&self.pool)
            .await?;
        row.try_get(0)
    }

    /// Deals won by the members of organisation `id`, summed.
    #[monitored(span, op = "db.query", data(organisation_id, statement = MEMBER_DEALS, system = self.backend.system()))]
    #[breadcrumb(
        category = "query",
        message = "Summing deals of organisation {organisation_id}"
    )]
    pub async fn total_deals(&self, organisation_id: i64) -> Result<i64, sqlx::Error> {
        let sql = self.sql(MEMBER_DEALS);
        let rows = sqlx::query(&sql)
            .bind(organisation_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| row.try_get::<i64, _>(0))
            .sum::<Result<i64, _>>()
    }
}

fn user_from_row(row: &AnyRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        role: row.try_get("role")?,
    })
}

fn organisation_from_row(row: &AnyRow) -> Result<Organisation, sqlx::Error> {
    Ok(Organisation {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        category: row.try_get("category")?,
        country: row.try_get("country")?,
    })
}
