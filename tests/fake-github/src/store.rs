//! The fake's data: the authenticated user, repositories and their issues (pull requests are
//! issues with `pull_request` set, as GitHub lists them), with GitHub's JSON shapes.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

/// The authenticated user's login.
pub const LOGIN: &str = "octocat";

/// One issue (or pull request).
#[derive(Debug, Clone)]
pub struct Issue {
    /// Global id.
    pub id: u64,
    /// Number within the repository.
    pub number: u64,
    /// Title.
    pub title: String,
    /// Body.
    pub body: Option<String>,
    /// `open` or `closed`.
    pub state: String,
    /// Why it was closed or reopened.
    pub state_reason: Option<String>,
    /// Label names.
    pub labels: Vec<String>,
    /// Assignee logins.
    pub assignees: Vec<String>,
    /// Number of comments.
    pub comments: u64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Closing time.
    pub closed_at: Option<DateTime<Utc>>,
    /// True for a pull request.
    pub pull_request: bool,
}

/// One repository.
#[derive(Debug, Clone)]
pub struct Repo {
    /// Global id.
    pub id: u64,
    /// Owner login.
    pub owner: String,
    /// Name.
    pub name: String,
    /// Private or public.
    pub private: bool,
    /// False: issue calls answer 410 "Issues are disabled for this repo".
    pub has_issues: bool,
    /// Its issues and pull requests.
    pub issues: Vec<Issue>,
}

/// Everything the fake holds.
#[derive(Debug)]
pub struct Store {
    /// Repositories, in creation order.
    pub repos: Vec<Repo>,
    next_id: u64,
    last_stamp: DateTime<Utc>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Store {
    /// The seeded store: `octocat/hello-world` (two issues, one pull request),
    /// `octocat/spoon-knife` (no issues), `octo-org/private-repo` (one issue) and
    /// `octocat/no-issues` (issues disabled).
    pub fn seeded() -> Store {
        let start = Utc::now() - Duration::days(30);
        let mut store = Store {
            repos: Vec::new(),
            next_id: 1000,
            last_stamp: start,
        };
        for (owner, name, private, has_issues) in [
            (LOGIN, "hello-world", false, true),
            (LOGIN, "spoon-knife", false, true),
            ("octo-org", "private-repo", true, true),
            (LOGIN, "no-issues", false, false),
        ] {
            let id = store.next_id();
            store.repos.push(Repo {
                id,
                owner: owner.into(),
                name: name.into(),
                private,
                has_issues,
                issues: Vec::new(),
            });
        }
        for (repo, title, pr) in [
            (0, "Found a bug", false),
            (0, "Add a README badge", true),
            (0, "Document the API", false),
            (2, "Rotate the deploy keys", false),
        ] {
            let mut issue = store.new_issue(title, None, Vec::new(), Vec::new(), pr);
            let r = &mut store.repos[repo];
            issue.number = r.issues.len() as u64 + 1;
            r.issues.push(issue);
        }
        store
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A timestamp strictly after every previous one (whole seconds), so each change has its
    /// own `updated_at`.
    pub fn stamp(&mut self) -> DateTime<Utc> {
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or(self.last_stamp);
        let next = if now > self.last_stamp {
            now
        } else {
            self.last_stamp + Duration::seconds(1)
        };
        self.last_stamp = next;
        next
    }

    /// A new issue (number 0; the caller numbers it).
    pub fn new_issue(
        &mut self,
        title: &str,
        body: Option<String>,
        labels: Vec<String>,
        assignees: Vec<String>,
        pull_request: bool,
    ) -> Issue {
        let now = self.stamp();
        Issue {
            id: self.next_id(),
            number: 0,
            title: title.into(),
            body,
            state: "open".into(),
            state_reason: None,
            labels,
            assignees,
            comments: 0,
            created_at: now,
            updated_at: now,
            closed_at: None,
            pull_request,
        }
    }

    /// The repository `owner/name`.
    pub fn repo(&mut self, owner: &str, name: &str) -> Option<&mut Repo> {
        self.repos
            .iter_mut()
            .find(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
    }

    /// A fresh comment id.
    pub fn comment_id(&mut self) -> u64 {
        self.next_id()
    }
}

impl Repo {
    /// `owner/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// GitHub's repository JSON (a subset).
    pub fn to_json(&self, origin: &str) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "full_name": self.full_name(),
            "private": self.private,
            "owner": {"login": self.owner},
            "html_url": format!("https://github.com/{}", self.full_name()),
            "url": format!("{origin}/repos/{}", self.full_name()),
            "has_issues": self.has_issues,
        })
    }
}

impl Issue {
    /// GitHub's issue JSON (a subset).
    pub fn to_json(&self, repo: &Repo, origin: &str) -> Value {
        let mut v = json!({
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "body": self.body,
            "state": self.state,
            "state_reason": self.state_reason,
            "labels": self.labels.iter().map(|l| json!({"name": l})).collect::<Vec<_>>(),
            "assignees": self.assignees.iter().map(|a| json!({"login": a})).collect::<Vec<_>>(),
            "comments": self.comments,
            "user": {"login": LOGIN},
            "created_at": ts(self.created_at),
            "updated_at": ts(self.updated_at),
            "closed_at": self.closed_at.map(ts),
            "html_url": format!("https://github.com/{}/issues/{}", repo.full_name(), self.number),
            "url": format!("{origin}/repos/{}/issues/{}", repo.full_name(), self.number),
        });
        if self.pull_request {
            v["pull_request"] = json!({
                "url": format!("{origin}/repos/{}/pulls/{}", repo.full_name(), self.number)
            });
        }
        v
    }
}

/// Formats a timestamp as GitHub does.
pub fn format_ts(t: DateTime<Utc>) -> String {
    ts(t)
}
