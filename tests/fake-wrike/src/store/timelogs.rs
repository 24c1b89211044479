//! Timelog categories and timelog entries.

use chrono::{DateTime, NaiveDate, Utc};

/// A timelog category.
#[derive(Debug, Clone)]
pub struct TimelogCategory {
    /// ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Order.
    pub order: i64,
    /// Hidden.
    pub hidden: bool,
}

/// A timelog entry.
#[derive(Debug, Clone)]
pub struct Timelog {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Task.
    pub task_id: String,
    /// User.
    pub user_id: String,
    /// Category.
    pub category_id: Option<String>,
    /// Billing type.
    pub billing_type: Option<String>,
    /// Hours.
    pub hours: f64,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Tracked date.
    pub tracked_date: NaiveDate,
    /// HTML comment.
    pub comment: String,
}
