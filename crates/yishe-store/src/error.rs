//! Storage errors. Constraint violations are translated here, once for both engines.

use yishe_domain::{Code, ServiceError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A unique constraint refused the row.
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    /// The row changed since it was read (optimistic concurrency).
    #[error("the record was changed by someone else; read it again")]
    Stale,
    /// The pool could not hand out a connection in time, or the server is gone.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Every write connection stayed busy for the whole acquire timeout: the database
    /// answers, but slower than calls arrive.
    #[error("the database is busy; retry with backoff")]
    Busy,
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value no longer parses: a bug or a hand edit.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("invalid database configuration: {0}")]
    Config(String),
}

impl ServiceError for Error {
    fn code(&self) -> Code {
        match self {
            Error::AlreadyExists(_) => Code::AlreadyExists,
            Error::Stale => Code::Aborted,
            Error::Unavailable(_) => Code::Unavailable,
            Error::Busy => Code::ResourceExhausted,
            Error::Database(_) | Error::Migrate(_) | Error::Corrupt(_) | Error::Config(_) => {
                Code::Internal
            }
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Error::Stale => "CONCURRENT_CHANGE",
            Error::Unavailable(_) => "DATABASE_UNAVAILABLE",
            Error::Busy => "DATABASE_BUSY",
            other => other.code().reason(),
        }
    }

    /// A busy pool or a database restarting passes: a second is a fair wait.
    fn retry_after(&self) -> Option<std::time::Duration> {
        matches!(self, Error::Unavailable(_) | Error::Busy)
            .then_some(std::time::Duration::from_secs(1))
    }
}

impl Error {
    /// Maps a sqlx error, naming what a unique violation was about.
    pub(crate) fn from_sqlx(error: sqlx::Error, what: &'static str) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Error::AlreadyExists(what),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                Error::Unavailable(error)
            }
            // PostgreSQL going away under a session (a restart, a failover: 57P01
            // admin_shutdown and its kin, class 08 connection exceptions): the call
            // may be retried, unlike a fault of the statement itself.
            sqlx::Error::Database(db)
                if db
                    .code()
                    .is_some_and(|code| code.starts_with("57P") || code.starts_with("08")) =>
            {
                Error::Unavailable(error)
            }
            _ => Error::Database(error),
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        Error::from_sqlx(error, "record")
    }
}
