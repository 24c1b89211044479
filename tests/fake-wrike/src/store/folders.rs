//! Folders, projects, spaces and the two virtual roots, and the folder-tree queries.

use std::collections::{HashSet, VecDeque};

use chrono::{DateTime, NaiveDate, Utc};

use super::{Metadata, Store, PERMALINK_BASE};

/// Folder scope in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderScope {
    /// The virtual Root.
    WsRoot,
    /// The virtual Recycle Bin.
    RbRoot,
    /// A live folder, project or space.
    WsFolder,
    /// A folder in the Recycle Bin.
    RbFolder,
}

impl FolderScope {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FolderScope::WsRoot => "WsRoot",
            FolderScope::RbRoot => "RbRoot",
            FolderScope::WsFolder => "WsFolder",
            FolderScope::RbFolder => "RbFolder",
        }
    }
}

/// Project details of a folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// Creator.
    pub author_id: String,
    /// Owners.
    pub owner_ids: Vec<String>,
    /// `Green|Yellow|Red|Completed|OnHold|Cancelled|Custom`.
    pub status: String,
    /// Custom status when `status` is `Custom`.
    pub custom_status_id: Option<String>,
    /// Start date.
    pub start_date: Option<NaiveDate>,
    /// End date.
    pub end_date: Option<NaiveDate>,
    /// Created.
    pub created: DateTime<Utc>,
    /// Completed (status Completed).
    pub completed: Option<DateTime<Utc>>,
    /// `Billable|NonBillable`.
    pub contract_type: Option<String>,
}

/// A space member.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceMember {
    /// Contact ID.
    pub id: String,
    /// Access role ID.
    pub access_role_id: String,
    /// Space manager.
    pub is_manager: bool,
}

/// Space details of a folder that is a space.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceInfo {
    /// Avatar.
    pub avatar_url: String,
    /// `Personal|Private|Public`.
    pub access_type: String,
    /// Archived.
    pub archived: bool,
    /// Members.
    pub members: Vec<SpaceMember>,
    /// Guest role (public spaces).
    pub guest_role_id: Option<String>,
}

/// A folder, project, space, or one of the two virtual roots.
#[derive(Debug, Clone, PartialEq)]
pub struct Folder {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Title.
    pub title: String,
    /// HTML description.
    pub description: String,
    /// Colour.
    pub color: Option<String>,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Parents.
    pub parent_ids: Vec<String>,
    /// Parents before deletion (for `restore`).
    pub saved_parent_ids: Vec<String>,
    /// Shared with.
    pub shared_ids: Vec<String>,
    /// Tree scope.
    pub scope: FolderScope,
    /// Workflow.
    pub workflow_id: String,
    /// Metadata.
    pub metadata: Metadata,
    /// Custom field values.
    pub custom_fields: Vec<(String, String)>,
    /// Custom columns.
    pub custom_column_ids: Vec<String>,
    /// Project details.
    pub project: Option<Project>,
    /// Space details.
    pub space: Option<SpaceInfo>,
    /// Creator.
    pub author_id: String,
    /// The custom item type the project was created from.
    pub custom_item_type_id: Option<String>,
}

impl Folder {
    /// Permalink.
    pub fn permalink(&self) -> String {
        format!("{PERMALINK_BASE}{}", self.legacy_id)
    }

    /// Whether this is Root or the Recycle Bin.
    pub fn is_virtual(&self) -> bool {
        matches!(self.scope, FolderScope::WsRoot | FolderScope::RbRoot)
    }
}

impl Store {
    /// Live child folders of a folder (for Root: top-level folders; for the Recycle Bin: deleted tops).
    pub fn child_folders(&self, id: &str) -> Vec<String> {
        let mut v: Vec<&Folder> = self
            .folders
            .values()
            .filter(|f| !f.is_virtual() && f.parent_ids.iter().any(|p| p == id))
            .filter(|f| {
                if id == self.recycle_bin_id() {
                    f.scope == FolderScope::RbFolder
                } else {
                    // A deleted folder keeps its parents inside the deleted subtree.
                    let parent_deleted = self
                        .folders
                        .get(id)
                        .map(|p| p.scope == FolderScope::RbFolder)
                        .unwrap_or(false);
                    parent_deleted || f.scope == FolderScope::WsFolder
                }
            })
            .collect();
        v.sort_by_key(|f| f.seq);
        v.into_iter().map(|f| f.id.clone()).collect()
    }

    /// All descendant folders of `id` (not including `id`), breadth-first.
    pub fn descendant_folders(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut queue: VecDeque<String> = VecDeque::from([id.to_string()]);
        while let Some(cur) = queue.pop_front() {
            for c in self.child_folders(&cur) {
                if seen.insert(c.clone()) {
                    out.push(c.clone());
                    queue.push_back(c);
                }
            }
        }
        out
    }

    /// Folder ancestors of `id` up to (excluding) Root.
    pub fn ancestor_folders(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut queue: VecDeque<String> = VecDeque::from([id.to_string()]);
        while let Some(cur) = queue.pop_front() {
            if let Some(f) = self.folders.get(&cur) {
                for p in &f.parent_ids {
                    if let Some(pf) = self.folders.get(p) {
                        if !pf.is_virtual() && seen.insert(p.clone()) {
                            out.push(p.clone());
                            queue.push_back(p.clone());
                        }
                    }
                }
            }
        }
        out
    }

    /// The space a folder belongs to (itself when it is a space).
    pub fn space_of(&self, id: &str) -> Option<String> {
        if self.folders.get(id).is_some_and(|f| f.space.is_some()) {
            return Some(id.to_string());
        }
        self.ancestor_folders(id)
            .into_iter()
            .find(|a| self.folders.get(a).is_some_and(|f| f.space.is_some()))
    }
}
