//! Contacts and users (`API.md` §11.7).

use serde_json::{json, Map, Value};

use crate::api::{apply_metadata, fields_param, metadata_filter, metadata_matches, Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::store::{metadata_json, Contact, Store};

const CONTACT_FIELDS: &[&str] = &[
    "metadata",
    "workScheduleId",
    // Newer optional fields seen in Wrike's Postman collection [3P]; accepted, rendered when known.
    "currentBillRate",
    "currentCostRate",
    "jobRoleId",
];

/// Renders a contact. `fields` selects the optional members.
pub fn contact_json(st: &Store, c: &Contact, me: &str, fields: &[String]) -> Value {
    let mut profile = Map::new();
    profile.insert("accountId".into(), json!(st.account.id));
    if let Some(e) = &c.email {
        profile.insert("email".into(), json!(e));
    }
    profile.insert("role".into(), json!(c.role));
    profile.insert("external".into(), json!(c.external));
    profile.insert("admin".into(), json!(c.admin));
    profile.insert("owner".into(), json!(c.owner));
    if !c.group {
        profile.insert("active".into(), json!(!c.deleted));
    }
    let mut m = Map::new();
    m.insert("id".into(), json!(c.id));
    m.insert("firstName".into(), json!(c.first_name));
    m.insert("lastName".into(), json!(c.last_name));
    m.insert(
        "type".into(),
        json!(if c.group { "Group" } else { "Person" }),
    );
    m.insert("profiles".into(), json!([Value::Object(profile)]));
    let avatar = if c.group {
        "https://www.wrike.com/avatars/default/internal_users_group.png".to_string()
    } else {
        format!(
            "https://www.wrike.com/avatars//7E/E9/Box_ff4caf50_{}{}_v1.png",
            c.first_name.chars().next().unwrap_or('X'),
            c.last_name.chars().next().unwrap_or('X')
        )
    };
    m.insert("avatarUrl".into(), json!(avatar));
    m.insert("timezone".into(), json!(c.timezone));
    m.insert("locale".into(), json!("en"));
    m.insert("deleted".into(), json!(c.deleted));
    if c.id == me {
        m.insert("me".into(), json!(true));
    }
    if c.group {
        m.insert("memberIds".into(), json!(c.member_ids));
    }
    if c.my_team {
        m.insert("myTeam".into(), json!(true));
    }
    if let Some(t) = &c.title {
        m.insert("title".into(), json!(t));
    }
    if let Some(t) = &c.company_name {
        m.insert("companyName".into(), json!(t));
    }
    if let Some(t) = &c.phone {
        m.insert("phone".into(), json!(t));
    }
    if let Some(t) = &c.location {
        m.insert("location".into(), json!(t));
    }
    if let Some(e) = &c.email {
        m.insert("primaryEmail".into(), json!(e));
    }
    if fields.iter().any(|f| f == "metadata") {
        m.insert("metadata".into(), metadata_json(&c.metadata));
    }
    if fields.iter().any(|f| f == "workScheduleId") {
        m.insert("workScheduleId".into(), json!(c.work_schedule_id));
    }
    Value::Object(m)
}

/// `GET /contacts` — `me`, `deleted`, `metadata`, `fields`.
pub fn list(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    let p = &cx.params;
    // `types` appears in Wrike's Postman collection [3P]; accepted as a filter.
    p.allow_only(&["me", "deleted", "metadata", "fields", "types"])?;
    let me = p.flag("me")?.unwrap_or(false);
    let deleted = p.bool("deleted")?;
    let mf = metadata_filter(p)?;
    let fields = fields_param(p, CONTACT_FIELDS)?;
    let types = p.enum_list("types", &["Person", "Group"])?;
    let data = st
        .contacts
        .iter()
        .filter(|c| !me || c.id == cx.user)
        .filter(|c| deleted.is_none_or(|d| c.deleted == d))
        .filter(|c| mf.as_ref().is_none_or(|f| metadata_matches(&c.metadata, f)))
        .filter(|c| {
            types
                .as_ref()
                .is_none_or(|t| t.iter().any(|x| (x == "Group") == c.group))
        })
        .map(|c| contact_json(st, c, &cx.user, &fields))
        .collect();
    Ok(Reply::data("contacts", data))
}

/// `GET /contacts/{ids}`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["metadata", "fields", "types"])?;
    let fields = fields_param(p, CONTACT_FIELDS)?;
    let mf = metadata_filter(p)?;
    let mut data = Vec::new();
    for id in ids {
        let c = st
            .contact(id)
            .ok_or_else(|| ApiError::not_found("Contact", id))?;
        if mf.as_ref().is_none_or(|f| metadata_matches(&c.metadata, f)) {
            data.push(contact_json(st, c, &cx.user, &fields));
        }
    }
    Ok(Reply::data("contacts", data))
}

/// `PUT /contacts/{id}` — `metadata`; own contact only (admins may also update groups).
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["metadata", "fields"])?;
    let fields = fields_param(p, CONTACT_FIELDS)?;
    let entries = p.obj_list("metadata")?.unwrap_or_default();
    let is_admin = st.contact(&cx.user).is_some_and(|c| c.admin);
    let c = st
        .contact(id)
        .ok_or_else(|| ApiError::not_found("Contact", id))?;
    if c.id != cx.user && !(c.group && is_admin) {
        return Err(ApiError::access_forbidden(
            "Only the requesting user's own contact can be updated",
        ));
    }
    let mut md = c.metadata.clone();
    apply_metadata(&mut md, &entries, "metadata", true)?;
    if let Some(c) = st.contacts.iter_mut().find(|c| c.id == id) {
        c.metadata = md;
    }
    let c = st.contact(id).expect("exists");
    Ok(Reply::data(
        "contacts",
        vec![contact_json(st, c, &cx.user, &fields)],
    ))
}

/// `GET /users/{id}` (scopes amReadOnlyUser/amReadWriteUser).
pub fn get_user(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let c = st
        .contact(id)
        .filter(|c| !c.group)
        .ok_or_else(|| ApiError::not_found("User", id))?;
    Ok(Reply::data(
        "users",
        vec![contact_json(st, c, &cx.user, &[])],
    ))
}

/// `PUT /users/{id}` — `profile*{accountId, role, external}`; admins only.
pub fn update_user(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["profile"])?;
    if !p.has("profile") {
        return Err(ApiError::parameter_required("profile"));
    }
    let profile = p
        .object("profile")?
        .ok_or_else(|| ApiError::invalid_parameter("profile"))?;
    if !st.contact(&cx.user).is_some_and(|c| c.admin) {
        return Err(ApiError::not_allowed(
            "Only account admins can modify users",
        ));
    }
    let exists = st.contact(id).is_some_and(|c| !c.group);
    if !exists {
        return Err(ApiError::not_found("User", id));
    }
    let account = profile
        .get("accountId")
        .and_then(|v| v.as_str())
        .ok_or_else(|| ApiError::parameter_required("profile.accountId"))?;
    if account != st.account.id {
        return Err(ApiError::invalid_parameter("profile"));
    }
    let role = match profile.get("role") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) if r == "User" || r == "Collaborator" => Some(r.clone()),
        Some(_) => return Err(ApiError::invalid_parameter("profile")),
    };
    let external = match profile.get("external") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
        Some(_) => return Err(ApiError::invalid_parameter("profile")),
    };
    if let Some(c) = st.contacts.iter_mut().find(|c| c.id == id) {
        if let Some(r) = role {
            c.role = r;
        }
        if let Some(e) = external {
            c.external = e;
        }
    }
    let c = st.contact(id).expect("exists");
    Ok(Reply::data(
        "users",
        vec![contact_json(st, c, &cx.user, &[])],
    ))
}
