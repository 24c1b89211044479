//! Contacts and users (API.md §11.4): inputs and outputs.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

/// Optional fields of `list_users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum ContactField {
    #[serde(rename = "metadata")]
    #[default]
    Metadata,
    #[serde(rename = "workScheduleId")]
    WorkScheduleId,
}

crate::input! {
    /// Input of `list_users`.
    #[schemars(description = "")]
    pub struct ListUsers {
        /// Deleted (true) or active (false) contacts only
        pub deleted: Forwarded<Option<bool>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<ContactField>>>,
        /// Only the requesting user
        pub me: Forwarded<Option<bool>>,
        pub metadata: Forwarded<Option<MetadataFilter>>,
    }
}

/// Values of `Profile.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum ProfileRole {
    #[default]
    User,
    Collaborator,
}

/// `Profile` as Wrike returns it (output schema only).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Profile {
    pub account_id: WrikeId,
    pub external: Option<bool>,
    pub role: ProfileRole,
}

crate::input! {
    /// Input of `modify_user`.
    #[schemars(description = "")]
    pub struct ModifyUser {
        pub profile: Forwarded<Profile>,
        pub user_id: WrikeId,
    }
}

/// `ContactMetadataItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct ContactMetadataItem {
    pub key: Option<String>,
    #[schemars(extend("x-nullable" = true))]
    pub value: Option<String>,
}

/// `ContactProfilesItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct ContactProfilesItem {
    pub account_id: Option<String>,
    pub active: Option<bool>,
    pub admin: Option<bool>,
    pub email: Option<String>,
    pub external: Option<bool>,
    pub owner: Option<bool>,
    pub role: Option<crate::contacts::ProfileRole>,
}

/// Values of `Contact.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum ContactType {
    #[default]
    Person,
    Group,
}

/// `Contact` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Contact {
    pub avatar_url: Option<String>,
    pub company_name: Option<String>,
    pub deleted: Option<bool>,
    pub first_name: String,
    pub id: String,
    pub last_name: String,
    pub locale: Option<String>,
    pub location: Option<String>,
    pub me: Option<bool>,
    pub member_ids: Option<Vec<String>>,
    pub metadata: Option<Vec<ContactMetadataItem>>,
    pub my_team: Option<bool>,
    pub phone: Option<String>,
    pub primary_email: Option<String>,
    pub profiles: Option<Vec<ContactProfilesItem>>,
    pub timezone: Option<String>,
    pub title: Option<String>,
    pub r#type: ContactType,
    pub work_schedule_id: Option<String>,
}

/// `UserMetadataItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct UserMetadataItem {
    pub key: Option<String>,
    #[schemars(extend("x-nullable" = true))]
    pub value: Option<String>,
}

/// `UserProfilesItem` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct UserProfilesItem {
    pub account_id: Option<String>,
    pub active: Option<bool>,
    pub admin: Option<bool>,
    pub email: Option<String>,
    pub external: Option<bool>,
    pub owner: Option<bool>,
    pub role: Option<crate::contacts::ProfileRole>,
}

/// `User` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct User {
    pub avatar_url: Option<String>,
    pub company_name: Option<String>,
    pub deleted: Option<bool>,
    pub first_name: String,
    pub id: String,
    pub last_name: String,
    pub locale: Option<String>,
    pub location: Option<String>,
    pub me: Option<bool>,
    pub member_ids: Option<Vec<String>>,
    pub metadata: Option<Vec<UserMetadataItem>>,
    pub my_team: Option<bool>,
    pub phone: Option<String>,
    pub primary_email: Option<String>,
    pub profiles: Option<Vec<UserProfilesItem>>,
    pub timezone: Option<String>,
    pub title: Option<String>,
    pub r#type: crate::contacts::ContactType,
    pub work_schedule_id: Option<String>,
}

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("list_users.input", generate::<ListUsers>()),
        ("modify_user.input", generate::<ModifyUser>()),
        ("contact_list.output", generate::<List<Contact>>()),
        ("user.output", generate::<User>()),
    ]
}
