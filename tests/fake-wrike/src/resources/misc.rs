//! Small read-mostly resources: account, workflows, custom fields, version, timelog categories,
//! ID conversion.

use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::fmt_ts;
use crate::store::{metadata_json, CustomField, Store, Workflow};

/// Renders a workflow.
pub fn workflow_json(w: &Workflow) -> Value {
    json!({
        "id": w.id,
        "name": w.name,
        "standard": w.standard,
        "hidden": w.hidden,
        "customStatuses": w.statuses.iter().map(|s| json!({
            "id": s.id,
            "name": s.name,
            "standardName": s.standard_name,
            "color": s.color,
            "standard": s.standard,
            "group": s.group,
            "hidden": s.hidden,
        })).collect::<Vec<_>>(),
    })
}

/// `GET /workflows`.
pub fn workflows(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    Ok(Reply::data(
        "workflows",
        st.workflows.iter().map(workflow_json).collect(),
    ))
}

/// Renders a custom field definition.
pub fn custom_field_json(st: &Store, c: &CustomField) -> Value {
    json!({
        "id": c.id,
        "accountId": st.account.id,
        "title": c.title,
        "type": c.kind,
        "sharedIds": c.shared_ids,
        "settings": c.settings,
    })
}

/// `GET /customfields`.
pub fn custom_fields(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    Ok(Reply::data(
        "customfields",
        st.custom_fields
            .iter()
            .map(|c| custom_field_json(st, c))
            .collect(),
    ))
}

/// `GET /customfields/{ids}`.
pub fn custom_fields_by_id(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let mut data = Vec::new();
    for id in ids {
        let c = st
            .custom_fields
            .iter()
            .find(|c| &c.id == id)
            .ok_or_else(|| ApiError::not_found("Custom field", id))?;
        data.push(custom_field_json(st, c));
    }
    Ok(Reply::data("customfields", data))
}

/// `GET /account` — `metadata` filter, `fields` ⊆ `[subscription, metadata, customFields]`.
pub fn account(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["metadata", "fields"])?;
    let fields = fields_param(p, &["subscription", "metadata", "customFields"])?;
    let mf = metadata_filter(p)?;
    if mf
        .as_ref()
        .is_some_and(|f| !metadata_matches(&st.account.metadata, f))
    {
        return Ok(Reply::data("accounts", vec![]));
    }
    Ok(Reply::data("accounts", vec![account_json(st, &fields)]))
}

fn account_json(st: &Store, fields: &[String]) -> Value {
    let a = &st.account;
    let mut m = Map::new();
    m.insert("id".into(), json!(a.id));
    m.insert("name".into(), json!(a.name));
    m.insert("dateFormat".into(), json!("dd/MM/yyyy"));
    m.insert("firstDayOfWeek".into(), json!("Mon"));
    m.insert(
        "workDays".into(),
        json!(["Mon", "Tue", "Wed", "Thu", "Fri"]),
    );
    m.insert("rootFolderId".into(), json!(st.root_id()));
    m.insert("recycleBinId".into(), json!(st.recycle_bin_id()));
    m.insert("createdDate".into(), json!(fmt_ts(a.created)));
    m.insert("joinedDate".into(), json!(fmt_ts(a.created)));
    if fields.iter().any(|f| f == "subscription") {
        m.insert(
            "subscription".into(),
            json!({"type": "Business", "suspended": false, "paid": true, "userLimit": 15}),
        );
    }
    if fields.iter().any(|f| f == "metadata") {
        m.insert("metadata".into(), metadata_json(&a.metadata));
    }
    if fields.iter().any(|f| f == "customFields") {
        m.insert(
            "customFields".into(),
            Value::Array(
                st.custom_fields
                    .iter()
                    .map(|c| custom_field_json(st, c))
                    .collect(),
            ),
        );
    }
    Value::Object(m)
}

/// `PUT /account` — `metadata` (admins).
pub fn update_account(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["metadata", "fields"])?;
    let fields = fields_param(p, &["subscription", "metadata", "customFields"])?;
    if !st.contact(&cx.user).is_some_and(|c| c.admin) {
        return Err(ApiError::not_allowed(
            "Only account admins can modify the account",
        ));
    }
    if let Some(m) = p.obj_list("metadata")? {
        let mut md = st.account.metadata.clone();
        apply_metadata(&mut md, &m, "metadata", true)?;
        st.account.metadata = md;
    }
    Ok(Reply::data("accounts", vec![account_json(st, &fields)]))
}

/// `GET /version` — `{major, minor}`. [U] the kind is not documented; `version` is used.
pub fn version(_st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    Ok(Reply::data(
        "version",
        vec![json!({"major": 4, "minor": 0})],
    ))
}

/// `GET /timelog_categories` — `{id, name, order, hidden}`. [U] kind `timelog_categories`.
pub fn timelog_categories(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    Ok(Reply::data(
        "timelog_categories",
        st.timelog_categories
            .iter()
            .map(|c| json!({"id": c.id, "name": c.name, "order": c.order, "hidden": c.hidden}))
            .collect(),
    ))
}

const ID_TYPES: &[&str] = &[
    "ApiV2Account",
    "ApiV2User",
    "ApiV2Folder",
    "ApiV2Task",
    "ApiV2Comment",
    "ApiV2Attachment",
    "ApiV2Timelog",
];

/// `GET /ids?type=ApiV2Task&ids=[1,2]` → `[{id, apiV2Id}]`. [U] unknown legacy IDs are skipped;
/// kind `ids`.
pub fn convert_ids(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["type", "ids"])?;
    if !p.has("type") {
        return Err(ApiError::parameter_required("type"));
    }
    let kind = p
        .enum_str("type", ID_TYPES)?
        .ok_or_else(|| ApiError::parameter_required("type"))?;
    let ids = p
        .str_list("ids")?
        .ok_or_else(|| ApiError::parameter_required("ids"))?;
    let mut data = Vec::new();
    for raw in ids {
        let n: u64 = raw
            .trim()
            .parse()
            .map_err(|_| ApiError::invalid_parameter("ids"))?;
        let found = if kind == "ApiV2Account" {
            (n == st.account.legacy_id).then(|| st.account.id.clone())
        } else {
            st.legacy.get(&(kind.clone(), n)).cloned()
        };
        if let Some(id) = found {
            data.push(json!({"id": id, "apiV2Id": n.to_string()}));
        }
    }
    Ok(Reply::data("ids", data))
}

/// `GET /colors` → `[{name, hex}]`.
pub fn colors(_st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let colors = [
        ("Person", "#FFFFFF"),
        ("Purple1", "#D1C4E9"),
        ("Indigo1", "#C5CAE9"),
        ("DarkBlue1", "#BBDEFB"),
        ("Blue1", "#B3E5FC"),
        ("Turquoise1", "#B2EBF2"),
        ("DarkCyan1", "#B2DFDB"),
        ("Green1", "#C8E6C9"),
        ("YellowGreen1", "#DCEDC8"),
        ("Yellow1", "#FFF9C4"),
        ("Orange1", "#FFE0B2"),
        ("Red1", "#FFCDD2"),
        ("Pink1", "#F8BBD0"),
        ("Gray1", "#E0E0E0"),
    ];
    Ok(Reply::data(
        "colors",
        colors
            .iter()
            .map(|(n, h)| json!({"name": n, "hex": h}))
            .collect(),
    ))
}
