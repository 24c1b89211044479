//! Spaces (`API.md` §11.10). A space is a top-level folder with space details.

use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::resources::folders::insert_folder;
use crate::store::{Folder, FolderScope, SpaceInfo, SpaceMember, Store};

/// Renders a space.
pub fn space_json(st: &Store, f: &Folder, fields: &[String]) -> Value {
    let s = f.space.as_ref().expect("a space");
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    m.insert("title".into(), json!(f.title));
    m.insert("avatarUrl".into(), json!(s.avatar_url));
    m.insert("accessType".into(), json!(s.access_type));
    m.insert("archived".into(), json!(s.archived));
    if fields.iter().any(|x| x == "members") {
        m.insert(
            "members".into(),
            Value::Array(
                s.members
                    .iter()
                    .map(|mb| {
                        json!({"id": mb.id, "accessRoleId": mb.access_role_id, "isManager": mb.is_manager})
                    })
                    .collect(),
            ),
        );
    }
    if let Some(g) = &s.guest_role_id {
        m.insert("guestRoleId".into(), json!(g));
    }
    m.insert("defaultProjectWorkflowId".into(), json!(f.workflow_id));
    m.insert("defaultTaskWorkflowId".into(), json!(f.workflow_id));
    let _ = st;
    Value::Object(m)
}

fn is_live_space(f: &Folder) -> bool {
    f.space.is_some() && f.scope == FolderScope::WsFolder
}

/// `GET /spaces` — `withArchived` (false), `userIsMember`, `fields[members]`.
pub fn list(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["withArchived", "userIsMember", "fields"])?;
    let archived = p.bool("withArchived")?.unwrap_or(false);
    let member = p.bool("userIsMember")?.unwrap_or(false);
    let fields = fields_param(p, &["members"])?;
    let mut v: Vec<&Folder> = st
        .folders
        .values()
        .filter(|f| is_live_space(f))
        .filter(|f| archived || !f.space.as_ref().is_some_and(|s| s.archived))
        .filter(|f| {
            !member
                || f.space
                    .as_ref()
                    .is_some_and(|s| s.members.iter().any(|m| m.id == cx.user))
        })
        .collect();
    v.sort_by_key(|f| f.seq);
    Ok(Reply::data(
        "spaces",
        v.into_iter().map(|f| space_json(st, f, &fields)).collect(),
    ))
}

/// `GET /spaces/{id}` — `fields[members]`.
pub fn get(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&["fields"])?;
    let fields = fields_param(&cx.params, &["members"])?;
    let f = st
        .folders
        .get(id)
        .filter(|f| is_live_space(f))
        .ok_or_else(|| ApiError::not_found("Space", id))?;
    Ok(Reply::data("spaces", vec![space_json(st, f, &fields)]))
}

fn parse_members(
    st: &Store,
    name: &str,
    v: Vec<Map<String, Value>>,
) -> ApiResult<Vec<SpaceMember>> {
    v.into_iter()
        .map(|m| {
            let id = m
                .get("id")
                .and_then(|x| x.as_str())
                .ok_or_else(|| ApiError::invalid_parameter(name))?;
            if !st.contact_exists(id) {
                return Err(ApiError::invalid_parameter(name));
            }
            let role = m
                .get("accessRoleId")
                .and_then(|x| x.as_str())
                .map(|s| s.to_string())
                .unwrap_or_else(|| st.access_roles[0].0.clone());
            if !st.access_roles.iter().any(|(r, _)| *r == role) {
                return Err(ApiError::invalid_parameter(name));
            }
            Ok(SpaceMember {
                id: id.to_string(),
                access_role_id: role,
                is_manager: m
                    .get("isManager")
                    .and_then(|x| x.as_bool())
                    .unwrap_or(false),
            })
        })
        .collect()
}

/// `POST /spaces` — `title*`, `accessType*` (`Private|Public`), `members`, `guestRoleId`.
pub fn create(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["title", "accessType", "members", "guestRoleId", "fields"])?;
    let title = p.required_str("title")?;
    if !p.has("accessType") {
        return Err(ApiError::parameter_required("accessType"));
    }
    let access = p
        .enum_str("accessType", &["Private", "Public"])?
        .ok_or_else(|| ApiError::parameter_required("accessType"))?;
    let mut members = parse_members(st, "members", p.obj_list("members")?.unwrap_or_default())?;
    if !members.iter().any(|m| m.id == cx.user) {
        members.insert(
            0,
            SpaceMember {
                id: cx.user.clone(),
                access_role_id: st.access_roles[0].0.clone(),
                is_manager: true,
            },
        );
    }
    let guest = p.str("guestRoleId")?;
    if let Some(g) = &guest {
        if access != "Public" || !st.access_roles.iter().any(|(r, _)| r == g) {
            return Err(ApiError::invalid_parameter("guestRoleId"));
        }
    }
    let fields = fields_param(p, &["members"])?;
    let root = st.root_id();
    let id = insert_folder(st, &cx.user, &root, &title);
    let f = st.folders.get_mut(&id).expect("inserted");
    f.shared_ids = members.iter().map(|m| m.id.clone()).collect();
    f.space = Some(SpaceInfo {
        avatar_url: "https://www.wrike.com/static/spaceicons2/v3/1/1-planet.png".into(),
        access_type: access,
        archived: false,
        members,
        guest_role_id: guest,
    });
    let f = &st.folders[&id];
    Ok(Reply::data("spaces", vec![space_json(st, f, &fields)]))
}

/// `PUT /spaces/{id}` — `title, accessType, membersAdd, membersUpdate, membersRemove, guestRoleId`.
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&[
        "title",
        "accessType",
        "membersAdd",
        "membersUpdate",
        "membersRemove",
        "guestRoleId",
        "fields",
    ])?;
    let fields = fields_param(p, &["members"])?;
    let mut f = st
        .folders
        .get(id)
        .filter(|f| is_live_space(f))
        .cloned()
        .ok_or_else(|| ApiError::not_found("Space", id))?;
    let mut s = f.space.clone().expect("a space");
    if let Some(t) = p.str("title")? {
        if t.trim().is_empty() {
            return Err(ApiError::invalid_parameter("title"));
        }
        f.title = t;
    }
    if let Some(a) = p.enum_str("accessType", &["Private", "Public"])? {
        s.access_type = a;
    }
    if let Some(v) = p.obj_list("membersAdd")? {
        for m in parse_members(st, "membersAdd", v)? {
            if !s.members.iter().any(|x| x.id == m.id) {
                add_all(&mut f.shared_ids, std::slice::from_ref(&m.id));
                s.members.push(m);
            }
        }
    }
    if let Some(v) = p.obj_list("membersUpdate")? {
        for m in parse_members(st, "membersUpdate", v)? {
            match s.members.iter_mut().find(|x| x.id == m.id) {
                Some(x) => *x = m,
                None => return Err(ApiError::invalid_parameter("membersUpdate")),
            }
        }
    }
    if let Some(v) = p.str_list("membersRemove")? {
        s.members.retain(|m| !v.contains(&m.id));
        remove_all(&mut f.shared_ids, &v);
    }
    if let Some(g) = p.str("guestRoleId")? {
        if !st.access_roles.iter().any(|(r, _)| *r == g) {
            return Err(ApiError::invalid_parameter("guestRoleId"));
        }
        s.guest_role_id = Some(g);
    }
    f.space = Some(s);
    if Some(&f) != st.folders.get(id) {
        f.updated = st.clock.stamp();
    }
    st.folders.insert(id.to_string(), f);
    let f = &st.folders[id];
    Ok(Reply::data("spaces", vec![space_json(st, f, &fields)]))
}
