//! `GET /users` against the store: which users a [`ListQuery`] selects, in which order, and
//! the page of them it asks for.

use std::cmp::Ordering;

use crate::users_query::{Field, Filter, ListQuery, SortKey, fixed_form};

use super::User;

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

pub(super) fn page_of<'a>(query: &ListQuery, users: impl Iterator<Item = &'a User>) -> Page {
    let mut matching: Vec<&User> = users
        .filter(|user| user.created_at.timestamp() <= query.created_before)
        .filter(|user| query.filters.iter().all(|filter| admits(filter, user)))
        .collect();
    matching.sort_by(|a, b| {
        query
            .order
            .iter()
            .fold(Ordering::Equal, |order, key| {
                order.then_with(|| compare(key, a, b))
            })
            // Creation order last, so that equal keys always list in the same order.
            .then(a.sequence.cmp(&b.sequence))
    });
    let total = matching.len();
    let limit = usize::try_from(query.limit).unwrap_or(1).max(1);
    let skip = usize::try_from(query.page.saturating_sub(1))
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
        page: query.page,
        limit: query.limit,
        created_before: query.created_before,
        last_page: i64::try_from(total.div_ceil(limit).max(1)).unwrap_or(i64::MAX),
    }
}

fn admits(filter: &Filter, user: &User) -> bool {
    match filter.field {
        // A user without an email or a phone has no such identifier, not an empty one.
        Field::Identifier => filter.admits_any_text(
            [&user.external_id, &user.email, &user.phone]
                .into_iter()
                .filter(|value| !value.is_empty())
                .map(String::as_str),
        ),
        Field::Id => filter.admits_text(&user.id),
        Field::LoginCount => filter.admits_count(user.login_count),
        Field::Status => filter.admits_text(user.status.as_str()),
        Field::CreatedAt => filter.admits_text(&fixed_form(user.created_at)),
        Field::UpdatedAt => filter.admits_text(&fixed_form(user.updated_at)),
        Field::LastLoginAt => filter.admits_text(&fixed_form(user.last_login_at)),
    }
}

fn compare(key: &SortKey, a: &User, b: &User) -> Ordering {
    let ascending = match key.field {
        Field::Id => a.id.cmp(&b.id),
        Field::LoginCount => a.login_count.cmp(&b.login_count),
        Field::Status => a.status.as_str().cmp(b.status.as_str()),
        // Users made in one microsecond still have an order: the one they were made in.
        Field::CreatedAt => (a.created_at, a.sequence).cmp(&(b.created_at, b.sequence)),
        Field::UpdatedAt => a.updated_at.cmp(&b.updated_at),
        Field::LastLoginAt => a.last_login_at.cmp(&b.last_login_at),
        // Parsing refuses to order by identifier.
        Field::Identifier => Ordering::Equal,
    };
    if key.descending {
        ascending.reverse()
    } else {
        ascending
    }
}
