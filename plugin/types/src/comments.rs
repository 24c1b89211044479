//! Comments (API.md §11.3): inputs and outputs.

use schemars::JsonSchema;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

crate::input! {
    /// Input of `create_comment_in_task`.
    #[schemars(description = "")]
    pub struct CreateCommentInTask {
        /// Treat text as plain text
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        pub task_id: WrikeId,
        /// Comment text; HTML unless plainText is true
        #[schemars(length(min = 1))]
        pub text: Forwarded<String>,
    }
}

crate::input! {
    /// Input of `create_comment_in_folder`.
    #[schemars(description = "")]
    pub struct CreateCommentInFolder {
        pub folder_id: WrikeId,
        /// Treat text as plain text
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        /// Comment text; HTML unless plainText is true
        #[schemars(length(min = 1))]
        pub text: Forwarded<String>,
    }
}

crate::input! {
    /// Comments of one task or folder, or of the whole account updated in a range of less than 7 days (default: the last 7 days). updatedDate and limit apply to the account-wide search only.
    #[schemars(extend("not" = {"required": ["taskId", "folderId"]}))]
    pub struct SearchComments {
        pub folder_id: Option<WrikeId>,
        #[schemars(range(min = 1, max = 1000))]
        pub limit: Forwarded<Option<u32>>,
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        pub task_id: Option<WrikeId>,
        pub updated_date: Forwarded<Option<TsRange>>,
    }
}

/// `Comment` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Comment {
    pub author_id: String,
    pub created_date: DateTime,
    pub folder_id: Option<String>,
    pub id: String,
    pub task_id: Option<String>,
    /// HTML unless plainText was requested
    pub text: String,
    pub updated_date: Option<DateTime>,
}

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "create_comment_in_task.input",
            generate::<CreateCommentInTask>(),
        ),
        (
            "create_comment_in_folder.input",
            generate::<CreateCommentInFolder>(),
        ),
        ("search_comments.input", generate::<SearchComments>()),
        ("comment.output", generate::<Comment>()),
        ("comment_list.output", generate::<List<Comment>>()),
    ]
}
