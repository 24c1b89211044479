//! Custom item types (templates for tasks and projects).

/// A custom item type (MODERN.md §4).
#[derive(Debug, Clone)]
pub struct CustomItemType {
    /// ID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The space it belongs to (`None`: account-wide).
    pub space_id: Option<String>,
    /// `Task` or `Project`.
    pub related_type: String,
    /// Custom fields shown on its items.
    pub custom_field_ids: Vec<String>,
    /// Deleted (listed only with `withDeleted=true`).
    pub deleted: bool,
}
