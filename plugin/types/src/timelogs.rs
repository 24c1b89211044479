//! Timelogs (API.md §11.5): inputs and outputs.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

/// Optional fields of a timelog answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum TimelogField {
    #[serde(rename = "billingType")]
    #[default]
    BillingType,
}

crate::input! {
    /// Input of `create_timelog`.
    #[schemars(description = "")]
    pub struct CreateTimelog {
        pub category_id: Forwarded<Option<WrikeId>>,
        /// HTML unless plainText is true
        pub comment: Forwarded<String>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<TimelogField>>>,
        #[schemars(range(max = 24), extend("exclusiveMinimum" = 0))]
        pub hours: Forwarded<f64>,
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        pub task_id: WrikeId,
        pub tracked_date: Forwarded<Date>,
    }
}

crate::input! {
    /// Input of `update_timelog`.
    #[schemars(description = "")]
    pub struct UpdateTimelog {
        pub category_id: Forwarded<Option<WrikeId>>,
        /// HTML unless plainText is true
        pub comment: Forwarded<Option<String>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<crate::timelogs::TimelogField>>>,
        #[schemars(range(max = 24), extend("exclusiveMinimum" = 0))]
        pub hours: Forwarded<Option<f64>>,
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        pub timelog_id: WrikeId,
        pub tracked_date: Forwarded<Option<Date>>,
    }
}

/// `TrackedDate` as Wrike returns it (output schema only).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(description = "")]
#[schemars(extend("minProperties" = 1))]
pub struct TrackedDate {
    #[schemars(extend("anyOf" = [{"format": "date"}, {"format": "date-time"}]))]
    pub end: Option<String>,
    #[schemars(extend("anyOf" = [{"format": "date"}, {"format": "date-time"}]))]
    pub start: Option<String>,
}

crate::input! {
    /// Input of `search_timelog`.
    #[schemars(description = "")]
    pub struct SearchTimelog {
        #[schemars(extend("uniqueItems" = true))]
        pub billing_types: Forwarded<Option<Vec<crate::tasks::BillingType>>>,
        pub contact_id: Forwarded<Option<WrikeId>>,
        pub created_date: Forwarded<Option<TsRange>>,
        #[schemars(extend("default" = true))]
        pub descendants: Forwarded<Option<bool>>,
        #[schemars(extend("uniqueItems" = true))]
        pub fields: Forwarded<Option<Vec<crate::timelogs::TimelogField>>>,
        pub folder_id: Option<WrikeId>,
        /// Only the requesting user's timelogs
        pub me: Forwarded<Option<bool>>,
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub sub_tasks: Forwarded<Option<bool>>,
        pub task_id: Option<WrikeId>,
        pub timelog_categories: Forwarded<Option<Ids>>,
        pub timelog_category_id: Forwarded<Option<WrikeId>>,
        pub tracked_date: Forwarded<Option<TrackedDate>>,
        pub updated_date: Forwarded<Option<TsRange>>,
    }
}

/// `Timelog` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Timelog {
    pub billing_type: Option<String>,
    pub category_id: Option<String>,
    pub comment: Option<String>,
    pub created_date: Option<DateTime>,
    #[schemars(range(min = 0, max = 24))]
    pub hours: f64,
    pub id: String,
    pub task_id: String,
    pub tracked_date: Date,
    pub updated_date: Option<DateTime>,
    pub user_id: String,
}

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("create_timelog.input", generate::<CreateTimelog>()),
        ("update_timelog.input", generate::<UpdateTimelog>()),
        ("search_timelog.input", generate::<SearchTimelog>()),
        ("timelog.output", generate::<Timelog>()),
        ("timelog_list.output", generate::<List<Timelog>>()),
    ]
}
