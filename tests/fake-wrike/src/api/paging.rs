//! The paging flow of lists: `pageSize`, `limit`, `nextPageToken` (issued, resumed, stale after
//! an hour of fake time) and `responseSize`.

use std::sync::Arc;

use chrono::Duration as ChronoDuration;
use serde_json::{json, Map, Value};

use super::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::store::{PageCursor, Store};

/// Page size parameter: 1..=1000.
pub fn page_size(params: &Params) -> ApiResult<Option<usize>> {
    match params.int("pageSize")? {
        None => Ok(None),
        Some(n) if (1..=1000).contains(&n) => Ok(Some(n as usize)),
        Some(_) => Err(ApiError::invalid_parameter("pageSize")),
    }
}

/// `limit` parameter: ≥ 1.
pub fn limit_param(params: &Params) -> ApiResult<Option<usize>> {
    match params.int("limit")? {
        None => Ok(None),
        Some(n) if n >= 1 => Ok(Some(n as usize)),
        Some(_) => Err(ApiError::invalid_parameter("limit")),
    }
}

/// How long a page token stays valid (fake time).
const PAGE_TOKEN_TTL_MINUTES: i64 = 60;

/// If the request carries `nextPageToken`, resolves it (or fails with Wrike's exact error).
pub fn resume_page(st: &mut Store, cx: &Ctx) -> ApiResult<Option<PageCursor>> {
    let Some(tok) = cx.params.str("nextPageToken")? else {
        return Ok(None);
    };
    let bad = || ApiError::invalid_parameter("nextPageToken");
    let cur = st.pages.get(&tok).cloned().ok_or_else(bad)?;
    if cur.route != cx.path {
        return Err(bad());
    }
    if st.clock.now() - cur.issued > ChronoDuration::minutes(PAGE_TOKEN_TTL_MINUTES) {
        st.pages.remove(&tok);
        return Err(bad());
    }
    Ok(Some(cur))
}

/// Cuts one page out of `ids` starting at `offset`; issues a token for the rest.
/// Returns the page's IDs and the paging members (`nextPageToken`, `responseSize`).
pub fn cut_page(
    st: &mut Store,
    cx_path: &str,
    ids: Arc<Vec<String>>,
    offset: usize,
    page_size: usize,
    params: &Params,
) -> (Vec<String>, Map<String, Value>) {
    let end = (offset + page_size).min(ids.len());
    let page: Vec<String> = ids.get(offset..end).map(|s| s.to_vec()).unwrap_or_default();
    let mut extra = Map::new();
    if end < ids.len() {
        let now = st.clock.now();
        let tok = st.issue_page_token(PageCursor {
            route: cx_path.to_string(),
            ids: ids.clone(),
            offset: end,
            page_size,
            params: params.clone(),
            issued: now,
        });
        extra.insert("nextPageToken".into(), json!(tok));
    }
    extra.insert("responseSize".into(), json!(ids.len()));
    (page, extra)
}

/// Runs the common paging flow for a list.
///
/// `compute` validates the parameters and returns the full ordered ID list (after `limit`).
/// `cap` is the maximum number of results returned without paging (e.g. 1000 for tasks).
/// Returns the page's IDs, the parameters to render them with, and the paging members.
pub fn paged_list<F>(
    st: &mut Store,
    cx: &Ctx,
    cap: Option<usize>,
    compute: F,
) -> ApiResult<(Vec<String>, Params, Map<String, Value>)>
where
    F: FnOnce(&mut Store, &Params) -> ApiResult<Vec<String>>,
{
    if let Some(cur) = resume_page(st, cx)? {
        let (page, extra) = cut_page(
            st,
            &cx.path,
            cur.ids.clone(),
            cur.offset,
            cur.page_size,
            &cur.params,
        );
        return Ok((page, cur.params, extra));
    }
    let ps = page_size(&cx.params)?;
    let ids = compute(st, &cx.params)?;
    match ps {
        Some(ps) => {
            let (page, extra) = cut_page(st, &cx.path, Arc::new(ids), 0, ps, &cx.params);
            Ok((page, cx.params.clone(), extra))
        }
        None => {
            let mut ids = ids;
            if let Some(c) = cap {
                ids.truncate(c);
            }
            Ok((ids, cx.params.clone(), Map::new()))
        }
    }
}
