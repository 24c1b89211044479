//! Comments (API.md §11.3): `create_comment_in_task`, `create_comment_in_folder`,
//! `search_comments`, `update_comment`, `delete_comment`.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use super::{first_or_empty, normalize_ts_range, req_str};
use crate::common::*;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::time::Timestamp;
use crate::wrike::{path, Client, Params};
use schemars::JsonSchema;

/// The comment actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_comment_in_task",
        title: "Create comment in task",
        description: "Add a comment to a task (POST /tasks/{taskId}/comments).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CreateCommentInTask>(),
        output_schema: Schema::of::<Comment>(),
        run: create_in_task,
    },
    Action {
        name: "create_comment_in_folder",
        title: "Create comment in folder",
        description: "Add a comment to a folder or project (POST /folders/{folderId}/comments). Root and Recycle Bin cannot hold comments.",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CreateCommentInFolder>(),
        output_schema: Schema::of::<Comment>(),
        run: create_in_folder,
    },
    Action {
        name: "search_comments",
        title: "Search comments",
        description: "List the comments of a task or folder, or of the account within an updatedDate range shorter than 7 days (GET /comments).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<SearchComments>(),
        output_schema: Schema::of::<List<Comment>>(),
        run: search,
    },
    Action {
        name: "update_comment",
        title: "Update comment",
        description: "Change the text of a comment (PUT /comments/{commentId}). Wrike accepts this only from the comment's author and only within 5 minutes of its creation; later it refuses (forbidden).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<UpdateComment>(),
        output_schema: Schema::of::<Comment>(),
        run: update,
    },
    Action {
        name: "delete_comment",
        title: "Delete comment",
        description: "Delete a comment (DELETE /comments/{commentId}); returns it when Wrike does, else {}.",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<DeleteComment>(),
        output_schema: Schema::of::<DeletedComment>(),
        run: delete,
    },
];

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

crate::input! {
    /// Input of `update_comment`.
    #[schemars(description = "")]
    pub struct UpdateComment {
        pub comment_id: WrikeId,
        /// Treat text as plain text
        #[schemars(extend("default" = false))]
        pub plain_text: Forwarded<Option<bool>>,
        /// The new text; HTML unless plainText is true
        #[schemars(length(min = 1))]
        pub text: Forwarded<String>,
    }
}

crate::input! {
    /// Input of `delete_comment`.
    #[schemars(description = "")]
    pub struct DeleteComment {
        pub comment_id: WrikeId,
    }
}

/// What `delete_comment` returns: the comment, or `{}` when Wrike returns none (API.md gives
/// the call no response model).
#[derive(JsonSchema)]
#[serde(untagged)]
#[schemars(description = "")]
pub enum DeletedComment {
    // `{}`.
    Nothing(Empty),
    // The comment.
    Comment(Box<Comment>),
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

fn text_form(input: &Map<String, Value>, skip: &str) -> Result<Params> {
    let text = req_str(input, "text")?;
    if text.trim().is_empty() {
        return Err(Error::invalid("text", "must not be empty"));
    }
    Ok(Params::from_input(input, &[skip]))
}

fn create_in_task(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: CreateCommentInTask = parse(input)?;
    let id = typed.task_id.as_str();
    let form = text_form(input, "taskId")?;
    client
        .post(&path(&["tasks", id, "comments"]), form)?
        .first()
}

fn create_in_folder(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: CreateCommentInFolder = parse(input)?;
    let id = typed.folder_id.as_str();
    let form = text_form(input, "folderId")?;
    client
        .post(&path(&["folders", id, "comments"]), form)?
        .first()
}

fn update(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: UpdateComment = parse(input)?;
    let id = typed.comment_id.as_str();
    let form = text_form(input, "commentId")?;
    client.put(&path(&["comments", id]), form)?.first()
}

fn delete(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: DeleteComment = parse(input)?;
    let id = typed.comment_id.as_str();
    Ok(first_or_empty(client.delete(&path(&["comments", id]))?))
}

/// Longest `updatedDate` range `GET /comments` accepts: strictly less than 7 days.
pub const MAX_WINDOW_SECS: i64 = 7 * 86_400;

fn search(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<SearchComments>(input)?;
    let owner = [("taskId", "tasks"), ("folderId", "folders")]
        .into_iter()
        .find_map(|(field, seg)| input.get(field).and_then(Value::as_str).map(|id| (seg, id)));
    if let Some((_, _)) = owner {
        for f in ["updatedDate", "limit"] {
            if input.contains_key(f) {
                return Err(Error::invalid(
                    f,
                    "applies only to the account-wide search (without taskId or folderId)",
                ));
            }
        }
    }
    if let Some(Value::Object(range)) = input.get("updatedDate") {
        let get = |k: &str| {
            range
                .get(k)
                .and_then(Value::as_str)
                .and_then(Timestamp::parse)
        };
        if let (Some(start), Some(end)) = (get("start"), get("end")) {
            if end.secs - start.secs >= MAX_WINDOW_SECS || end < start {
                return Err(Error::invalid(
                    "updatedDate",
                    "the range must run forwards and be shorter than 7 days",
                ));
            }
        }
    }
    let mut query = Params::from_input(input, &["taskId", "folderId"]);
    normalize_ts_range(&mut query, input, "updatedDate")?;
    let p = match owner {
        Some((seg, id)) => path(&[seg, id, "comments"]),
        None => "/comments".to_string(),
    };
    Ok(client.get(&p, &query)?.into_list())
}

#[cfg(test)]
mod tests {
    use crate::catalog::execute;
    use crate::env::Method;
    use crate::error::Error;
    use crate::testing::{ok, refusal, MockEnv, BASE};
    use serde_json::{json, Value};

    const COMMENT: &str = r#"{"kind":"comments","data":[{"id":"IEAGT6KAIMGALS45","authorId":"KUAAAAAQ","text":"Hello","createdDate":"2024-01-01T00:00:00Z","updatedDate":"2024-01-01T00:00:00Z","taskId":"T"}]}"#;

    fn run(env: &mut MockEnv, action: &str, input: Value) -> Result<Value, Error> {
        execute(env, BASE, action, &input.to_string()).map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn creates_comments() {
        let mut env = MockEnv::new(vec![ok(COMMENT), ok(COMMENT)]);
        let out = run(
            &mut env,
            "create_comment_in_task",
            json!({"taskId": "T", "text": "Hello", "plainText": true}),
        )
        .unwrap();
        assert_eq!(out["id"], "IEAGT6KAIMGALS45");
        assert_eq!(env.requests[0].method, Method::Post);
        assert_eq!(env.path(0), "/api/v4/tasks/T/comments");
        assert_eq!(
            env.form(0),
            vec![
                ("plainText".into(), "true".into()),
                ("text".into(), "Hello".into())
            ]
        );
        run(
            &mut env,
            "create_comment_in_folder",
            json!({"folderId": "F", "text": "<b>x</b>"}),
        )
        .unwrap();
        assert_eq!(env.path(1), "/api/v4/folders/F/comments");
    }

    #[test]
    fn updates_and_deletes_comments() {
        let mut env = MockEnv::new(vec![ok(COMMENT), ok(r#"{"kind":"comments","data":[]}"#)]);
        let out = run(
            &mut env,
            "update_comment",
            json!({"commentId": "C1", "text": "Edited", "plainText": true}),
        )
        .unwrap();
        assert_eq!(out["id"], "IEAGT6KAIMGALS45");
        assert_eq!(env.requests[0].method, Method::Put);
        assert_eq!(env.path(0), "/api/v4/comments/C1");
        assert_eq!(
            env.form(0),
            vec![
                ("plainText".into(), "true".into()),
                ("text".into(), "Edited".into())
            ]
        );
        let out = run(&mut env, "delete_comment", json!({"commentId": "C1"})).unwrap();
        assert_eq!(out, json!({}));
        assert_eq!(env.requests[1].method, Method::Delete);
        assert_eq!(env.path(1), "/api/v4/comments/C1");
        // Blank text is refused before any request.
        match run(
            &mut env,
            "update_comment",
            json!({"commentId": "C1", "text": " "}),
        ) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "text"),
            other => panic!("{other:?}"),
        }
        assert_eq!(env.requests.len(), 2);
    }

    #[test]
    fn rejects_empty_text() {
        let mut env = MockEnv::new(vec![]);
        for input in [
            json!({"taskId": "T", "text": ""}),
            json!({"taskId": "T", "text": "  \n"}),
            json!({"taskId": "T"}),
        ] {
            match run(&mut env, "create_comment_in_task", input) {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "text"),
                other => panic!("{other:?}"),
            }
        }
        assert!(env.requests.is_empty());
    }

    #[test]
    fn searches_comments() {
        let mut env = MockEnv::new(vec![ok(COMMENT), ok(COMMENT)]);
        let out = run(&mut env, "search_comments", json!({"updatedDate": {"start": "2024-01-01T00:00:00Z", "end": "2024-01-07T23:59:59Z"}, "plainText": true})).unwrap();
        assert_eq!(out["items"][0]["id"], "IEAGT6KAIMGALS45");
        assert_eq!(env.path(0), "/api/v4/comments");
        assert_eq!(
            env.query_param(0, "updatedDate").as_deref(),
            Some(r#"{"end":"2024-01-07T23:59:59Z","start":"2024-01-01T00:00:00Z"}"#)
        );
        run(&mut env, "search_comments", json!({"taskId": "T"})).unwrap();
        assert_eq!(env.path(1), "/api/v4/tasks/T/comments");
        for (input, field) in [
            (
                json!({"updatedDate": {"start": "2024-01-01T00:00:00Z", "end": "2024-01-08T00:00:00Z"}}),
                "updatedDate",
            ),
            (json!({"taskId": "T", "limit": 5}), "limit"),
            (json!({"taskId": "T", "folderId": "F"}), "folderId"),
        ] {
            // "" : the host refuses the input as a whole (a oneOf/not rule on the object).
            let got = refusal(&mut env, "search_comments", input);
            assert!(got == field || got.is_empty(), "{got} for {field}");
        }
    }
}
