//! The account and its contacts (users and groups).

use chrono::{DateTime, Utc};

use super::{Metadata, Store};

/// The account.
#[derive(Debug, Clone)]
pub struct Account {
    /// 8-char account ID; prefix of most other IDs.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Account name.
    pub name: String,
    /// Registration date.
    pub created: DateTime<Utc>,
    /// Account metadata.
    pub metadata: Metadata,
}

/// A user or group.
#[derive(Debug, Clone)]
pub struct Contact {
    /// 8-char contact ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// First name (group title for groups).
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Group rather than person.
    pub group: bool,
    /// Email (persons only).
    pub email: Option<String>,
    /// `User` or `Collaborator`.
    pub role: String,
    /// External user.
    pub external: bool,
    /// Account admin.
    pub admin: bool,
    /// Account owner.
    pub owner: bool,
    /// Deleted user.
    pub deleted: bool,
    /// IANA time zone.
    pub timezone: String,
    /// Job title.
    pub title: Option<String>,
    /// Company name.
    pub company_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Members (groups only).
    pub member_ids: Vec<String>,
    /// The "My Team" group.
    pub my_team: bool,
    /// Contact metadata.
    pub metadata: Metadata,
    /// Work schedule.
    pub work_schedule_id: String,
}

impl Store {
    /// Contact by ID.
    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// Whether a live (not deleted) person or group with this ID exists.
    pub fn contact_exists(&self, id: &str) -> bool {
        self.contact(id).is_some()
    }
}
