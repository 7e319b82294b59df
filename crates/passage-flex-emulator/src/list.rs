//! `GET /users`: query parsing, exact-match filters, `order_by`, pagination and `_links`.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use crate::failure::Failure;
use crate::store::{User, UserStatus};

/// Users per page when the query gives no `limit`.
pub(crate) const DEFAULT_LIMIT: i32 = 20;

/// A parsed, validated `GET /users` query.
#[derive(Debug)]
pub(crate) struct ListQuery {
    page: i32,
    limit: i32,
    created_before: i64,
    order: SortField,
    descending: bool,
    filters: Filters,
    /// The parameters the `_links` repeat (all but `page` and `created_before`), in order.
    carried: Vec<(String, String)>,
}

#[derive(Debug, Default)]
struct Filters {
    identifier: Option<String>,
    id: Option<String>,
    login_count: Option<i32>,
    status: Option<UserStatus>,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    last_login_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy)]
enum SortField {
    Id,
    ExternalId,
    Email,
    Phone,
    Status,
    LoginCount,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

/// One page of users and what the response reports about it.
#[derive(Debug)]
pub(crate) struct Page {
    pub users: Vec<User>,
    pub total_users: i64,
    pub page: i32,
    pub limit: i32,
    pub created_before: i64,
    pub last_page: i64,
}

impl ListQuery {
    /// Parses the raw query string. `now` is the default `created_before`, in Unix seconds.
    pub(crate) fn parse(raw: Option<&str>, now: i64) -> Result<Self, Failure> {
        let mut query = ListQuery {
            page: 1,
            limit: DEFAULT_LIMIT,
            created_before: now,
            order: SortField::CreatedAt,
            descending: false,
            filters: Filters::default(),
            carried: Vec::new(),
        };
        for (name, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let (name, value) = (name.into_owned(), value.into_owned());
            match name.as_str() {
                "page" => query.page = bounded(&name, &value, 1, i32::MAX)?,
                "limit" => query.limit = bounded(&name, &value, 1, i32::MAX)?,
                "created_before" => query.created_before = bounded(&name, &value, 0, i64::MAX)?,
                "order_by" => (query.order, query.descending) = order_by(&value)?,
                "identifier" => query.filters.identifier = Some(value.clone()),
                "id" => query.filters.id = Some(value.clone()),
                "login_count" => {
                    query.filters.login_count = Some(bounded(&name, &value, 0, i32::MAX)?)
                }
                "status" => {
                    query.filters.status = Some(UserStatus::parse(&value).ok_or_else(|| {
                        Failure::invalid_request(format!(
                            "status must be one of active, inactive, pending, not {value:?}"
                        ))
                    })?)
                }
                "created_at" => query.filters.created_at = Some(timestamp(&name, &value)?),
                "updated_at" => query.filters.updated_at = Some(timestamp(&name, &value)?),
                "last_login_at" => query.filters.last_login_at = Some(timestamp(&name, &value)?),
                // Unknown parameters are ignored, as most HTTP APIs do.
                _ => continue,
            }
            if name != "page" && name != "created_before" {
                query.carried.push((name, value));
            }
        }
        Ok(query)
    }

    pub(crate) fn page_of<'a>(&self, users: impl Iterator<Item = &'a User>) -> Page {
        let mut matching: Vec<&User> = users.filter(|user| self.matches(user)).collect();
        matching.sort_by(|a, b| {
            let by_field = self.compare(a, b);
            let by_field = if self.descending {
                by_field.reverse()
            } else {
                by_field
            };
            by_field.then(a.sequence.cmp(&b.sequence))
        });
        let total = matching.len();
        let limit = usize::try_from(self.limit).unwrap_or(1).max(1);
        let skip = usize::try_from(self.page - 1)
            .unwrap_or(0)
            .saturating_mul(limit);
        let users = matching
            .into_iter()
            .skip(skip)
            .take(limit)
            .cloned()
            .collect();
        Page {
            users,
            total_users: i64::try_from(total).unwrap_or(i64::MAX),
            page: self.page,
            limit: self.limit,
            created_before: self.created_before,
            last_page: i64::try_from(total.div_ceil(limit).max(1)).unwrap_or(i64::MAX),
        }
    }

    /// The `href` of another page of the same listing, pinned to the same `created_before`.
    pub(crate) fn href(&self, app_id: &str, page: i64) -> String {
        let mut url = match url::Url::parse("http://emulator.invalid/") {
            Ok(url) => url,
            Err(_) => return String::new(),
        };
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.clear().extend(["v1", "apps", app_id, "users"]);
        }
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("page", &page.to_string());
            for (name, value) in &self.carried {
                pairs.append_pair(name, value);
            }
            pairs.append_pair("created_before", &self.created_before.to_string());
        }
        let query = url.query().unwrap_or("");
        format!("{}?{query}", url.path())
    }

    fn matches(&self, user: &User) -> bool {
        let f = &self.filters;
        user.created_at.timestamp() <= self.created_before
            && f.identifier.as_ref().is_none_or(|wanted| {
                [&user.external_id, &user.email, &user.phone].contains(&wanted)
            })
            && f.id.as_ref().is_none_or(|wanted| &user.id == wanted)
            && f.login_count
                .is_none_or(|wanted| user.login_count == wanted)
            && f.status.is_none_or(|wanted| user.status == wanted)
            && f.created_at.is_none_or(|wanted| user.created_at == wanted)
            && f.updated_at.is_none_or(|wanted| user.updated_at == wanted)
            && f.last_login_at
                .is_none_or(|wanted| user.last_login_at == wanted)
    }

    fn compare(&self, a: &User, b: &User) -> Ordering {
        match self.order {
            SortField::Id => a.id.cmp(&b.id),
            SortField::ExternalId => a.external_id.cmp(&b.external_id),
            SortField::Email => a.email.cmp(&b.email),
            SortField::Phone => a.phone.cmp(&b.phone),
            SortField::Status => a.status.as_str().cmp(b.status.as_str()),
            SortField::LoginCount => a.login_count.cmp(&b.login_count),
            SortField::CreatedAt => a.created_at.cmp(&b.created_at),
            SortField::UpdatedAt => a.updated_at.cmp(&b.updated_at),
            SortField::LastLoginAt => a.last_login_at.cmp(&b.last_login_at),
        }
    }
}

fn order_by(value: &str) -> Result<(SortField, bool), Failure> {
    let invalid = || {
        Failure::invalid_request(format!(
            "order_by must be <field>:<ASC|DESC> with a field among id, external_id, email, \
             phone, status, login_count, created_at, updated_at, last_login_at; not {value:?}"
        ))
    };
    let (field, direction) = value.split_once(':').ok_or_else(invalid)?;
    let field = match field {
        "id" => SortField::Id,
        "external_id" => SortField::ExternalId,
        "email" => SortField::Email,
        "phone" => SortField::Phone,
        "status" => SortField::Status,
        "login_count" => SortField::LoginCount,
        "created_at" => SortField::CreatedAt,
        "updated_at" => SortField::UpdatedAt,
        "last_login_at" => SortField::LastLoginAt,
        _ => return Err(invalid()),
    };
    let descending = match direction.to_ascii_uppercase().as_str() {
        "ASC" => false,
        "DESC" => true,
        _ => return Err(invalid()),
    };
    Ok((field, descending))
}

/// An integer query parameter within the spec's bounds.
fn bounded<T>(name: &str, value: &str, min: T, max: T) -> Result<T, Failure>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    value
        .parse()
        .ok()
        .filter(|n| *n >= min && *n <= max)
        .ok_or_else(|| {
            Failure::invalid_request(format!(
                "{name} must be an integer from {min} to {max}, not {value:?}"
            ))
        })
}

fn timestamp(name: &str, value: &str) -> Result<DateTime<Utc>, Failure> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.to_utc())
        .map_err(|_| {
            Failure::invalid_request(format!(
                "{name} must be an RFC 3339 timestamp, not {value:?}"
            ))
        })
}
